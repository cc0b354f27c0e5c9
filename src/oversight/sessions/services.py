"""State changes of sessions: schedule, move, cancel, hold."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, time

from django.db import transaction
from django.db.models import Q

from oversight.audit.services import audit_event
from oversight.errors import ServiceError
from oversight.organisations.models import Organisation
from oversight.people.models import Person
from oversight.reminders.invitations import on_session_change
from oversight.supervision.models import Relationship

from .models import Session

_CHANGEABLE = (Session.Status.PLANNED,)


def _kind_covered(kind: str, supervisor: Person, supervisee: Person, day: date) -> None:
    """One supervisee may have different supervisors for different kinds of supervision: a
    supervisor whose relationships with the supervisee on ``day`` all name other kinds does not
    book this one. (A supervisor with no relationship with them at all, covering an absence or
    stepping in as a manager above, may.)"""
    if kind not in (Session.Kind.PERSONAL, Session.Kind.CASE):
        return
    active = list(
        Relationship.objects.filter(supervisee=supervisee, start__lte=day)
        .filter(Q(end__isnull=True) | Q(end__gte=day))
        .select_related("supervisor")
    )
    mine = [r for r in active if r.supervisor_id == supervisor.pk]
    if not mine or any(r.covers(kind) for r in mine):
        return
    theirs = sorted({r.supervisor.name for r in active if r.supervisor_id != supervisor.pk and r.covers(kind)})
    kinds = " and ".join(sorted({k for r in mine for k in r.kinds}))
    message = f"{supervisor.name} supervises {supervisee.name} for {kinds} supervision only"
    if theirs:
        message += f"; their {kind} supervision is with {' and '.join(theirs)}"
    raise ServiceError("kind", message)


def _employed_on(person: Person, day: date, field: str) -> None:
    if day < person.started or (person.left is not None and day > person.left):
        raise ServiceError(field, f"{person.name} is not employed on {day:%d %B %Y}")


def session_schedule(
    *,
    organisation: Organisation,
    by: Person,
    kind: str,
    supervisor: Person,
    date: date,
    supervisee: Person | None = None,
    attendees: Iterable[Person] = (),
    observer: Person | None = None,
    start_time: time | None = None,
    duration_minutes: int | None = None,
    place: str = "",
    video: bool = False,
    group_model: str = "",
) -> Session:
    """Book a session; refuses one outside anyone's employment or without a supervisee."""
    attendees = list(attendees)
    if kind not in Session.Kind.values:
        raise ServiceError("kind", f"unknown kind of session {kind!r}")
    if kind == Session.Kind.GROUP and not attendees:
        raise ServiceError("attendees", "Choose who attends the group session")
    if kind != Session.Kind.GROUP and supervisee is None:
        raise ServiceError("supervisee", "Choose the supervisee")
    for field, person in [("supervisor", supervisor), ("supervisee", supervisee), ("observer", observer)] + [
        ("attendees", a) for a in attendees
    ]:
        if person is None:
            continue
        if person.organisation_id != organisation.pk:
            raise ServiceError(field, "This person is not in your organisation")
        _employed_on(person, date, "date")
    if supervisee is not None and supervisee.pk == supervisor.pk:
        raise ServiceError("supervisee", "A supervisor cannot supervise themselves")
    if supervisee is not None:
        _kind_covered(kind, supervisor, supervisee, date)
    if duration_minutes is None:
        rules = [r for r in organisation.pack.supervision if r.kind == kind and r.duration_minutes]
        duration_minutes = rules[0].duration_minutes if rules else 90
    with transaction.atomic():
        session = Session.objects.create(
            organisation=organisation,
            kind=kind,
            supervisor=supervisor,
            supervisee=supervisee,
            observer=observer,
            date=date,
            start_time=start_time,
            duration_minutes=duration_minutes or 90,
            place=place,
            video=video,
            group_model=group_model,
        )
        if attendees:
            session.attendees.set(attendees)
        audit_event(actor=by, action="session.schedule", obj=session, organisation_id=organisation.pk)
        on_session_change(session_id=session.pk, day=session.date, change="booked")  # invitation, on commit
    return session


def _lock(session: Session, expected: tuple[str, ...]) -> Session:
    locked = Session.objects.select_for_update().filter(pk=session.pk, status__in=expected).first()
    if locked is None:
        raise ServiceError("__all__", f"This session is {session.status} and cannot be changed that way")
    return locked


def session_move(*, session: Session, by: Person, date: date, start_time: time | None = None) -> Session:
    with transaction.atomic():
        locked = _lock(session, _CHANGEABLE)
        for person in [locked.supervisor, locked.supervisee, *locked.attendees.all()]:
            if person is not None:
                _employed_on(person, date, "date")
        old = locked.date
        locked.date = date
        locked.start_time = start_time
        locked.save(update_fields=["date", "start_time"])
        audit_event(
            actor=by,
            action="session.move",
            obj=locked,
            organisation_id=locked.organisation_id,
            detail={"from": old.isoformat(), "to": date.isoformat()},
        )
        on_session_change(session_id=locked.pk, day=max(old, date), change="moved")  # invitation, on commit
    return locked


def rearrange_deadline(session: Session) -> date | None:
    """The pack's date by which a cancelled session must be rearranged, if it sets one."""
    rule = session.organisation.pack.rearrange
    if rule is None or session.status != Session.Status.CANCELLED:
        return None
    cancelled_on = session.cancelled_on or session.date
    if session.cancel_reason in rule.after_return_reasons and session.return_to_work and rule.after_return_within:
        return rule.after_return_within.add_to(session.return_to_work)
    base = session.date if rule.counted_from == "original_date" else cancelled_on
    return rule.within.add_to(base)


def session_cancel(
    *,
    session: Session,
    by: Person,
    cancelled_on: date,
    reason: str,
    detail: str = "",
    return_to_work: date | None = None,
) -> Session:
    """Cancel a planned session, recording who and why (the disruption log, Leeds 4.9)."""
    if reason not in Session.Reason.values:
        raise ServiceError("reason", "Choose why the session was cancelled")
    if return_to_work is not None and return_to_work < cancelled_on:
        raise ServiceError("return_to_work", "The return to work cannot be before the cancellation")
    with transaction.atomic():
        locked = _lock(session, _CHANGEABLE)
        locked.status = Session.Status.CANCELLED
        locked.cancelled_on = cancelled_on
        locked.cancelled_by = by
        locked.cancel_reason = reason
        locked.cancel_detail = detail
        locked.return_to_work = return_to_work
        locked.save()
        audit_event(
            actor=by,
            action="session.cancel",
            obj=locked,
            organisation_id=locked.organisation_id,
            detail={"reason": reason},
        )
        on_session_change(session_id=locked.pk, day=locked.date, change="cancelled")  # invitation, on commit
    return locked


def session_hold(*, session: Session, by: Person, today: date, late_reason: str = "") -> Session:
    """Mark a planned session held and open its draft record on the council's template."""
    from oversight.records.services import record_open

    if session.date > today:
        raise ServiceError("date", "A session cannot be held before its date")
    with transaction.atomic():
        locked = _lock(session, _CHANGEABLE)
        locked.status = Session.Status.HELD
        locked.late_reason = late_reason
        locked.save(update_fields=["status", "late_reason"])
        audit_event(actor=by, action="session.hold", obj=locked, organisation_id=locked.organisation_id)
        record_open(session=locked, by=by)
    return locked
