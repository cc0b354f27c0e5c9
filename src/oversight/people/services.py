"""State changes of staff records: joining, changes of role or manager, leaving, absences,
hours worked by casual staff and ASYE reviews.

Each function checks the state it leaves, makes the change and writes its audit event in
one transaction, and refuses bad input with a ServiceError naming the field.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal, InvalidOperation
from enum import Enum
from typing import Any, Final

from django.db import IntegrityError, transaction
from django.db.models import Q, Sum

from oversight.audit.services import audit_event
from oversight.errors import ServiceError
from oversight.organisations.models import Organisation
from oversight.supervision.models import Relationship
from oversight.supervision.services import relationship_end

from .models import Absence, AsyeReview, HoursWorked, Person, Team

ASYE_ROLE = "nqsw_asye"
MAX_HOURS_IN_A_DAY = Decimal(24)


class _Unset(Enum):
    UNSET = "unset"


UNSET: Final = _Unset.UNSET
"""person_update's default: the field is left as it is (None is a value: no team, no manager)."""


def _long(day: date) -> str:
    return f"{day.day} {day:%B %Y}"


def _lock_organisation(organisation_id: int) -> None:
    """Serialise changes to one organisation's line-management tree, so that two changes made
    at once cannot together build a cycle that neither makes alone."""
    Organisation.objects.select_for_update().filter(pk=organisation_id).first()


def _check_role(organisation: Organisation, role: str) -> None:
    if role not in organisation.pack.roles:
        raise ServiceError("role", f"Choose a role that the {organisation.pack.council} policy recognises")


def _check_employment(employment: str) -> None:
    if employment not in Person.Employment.values:
        raise ServiceError("employment", "Choose permanent, temporary, casual or student employment")


def _check_team(organisation: Organisation, team: Team | None) -> None:
    if team is not None and team.organisation_id != organisation.pk:
        raise ServiceError("team", "Choose a team in your organisation")


def _check_line_manager(organisation: Organisation, line_manager: Person | None) -> None:
    if line_manager is None:
        return
    if line_manager.organisation_id != organisation.pk:
        raise ServiceError("line_manager", "Choose a line manager in your organisation")
    if line_manager.left is not None:
        raise ServiceError("line_manager", f"{line_manager.name} left on {_long(line_manager.left)}")


def _check_employed_on(person: Person, day: date, field: str) -> None:
    if day < person.started:
        raise ServiceError(field, f"The date cannot be before {person.name} started on {_long(person.started)}")
    if person.left is not None and day > person.left:
        raise ServiceError(field, f"The date cannot be after {person.name} left on {_long(person.left)}")


def person_create(
    *,
    organisation: Organisation,
    by: Person,
    staff_id: str,
    name: str,
    role: str,
    employment: str,
    team: Team | None,
    line_manager: Person | None,
    started: date,
    asye_start: date | None = None,
) -> Person:
    """Add a member of staff to ``organisation``; returns the new Person."""
    staff_id, name = staff_id.strip(), name.strip()
    if not name:
        raise ServiceError("name", "Enter the name")
    if not staff_id:
        raise ServiceError("staff_id", "Enter the staff ID")
    _check_role(organisation, role)
    _check_employment(employment)
    _check_team(organisation, team)
    _check_line_manager(organisation, line_manager)
    # A new person has no reports yet, so no manager can be below them: no cycle to check.
    duplicate = ServiceError("staff_id", f"Staff ID {staff_id} is already used in your organisation")
    try:
        with transaction.atomic():
            _lock_organisation(organisation.pk)
            if Person.objects.filter(organisation=organisation, staff_id=staff_id).exists():
                raise duplicate
            person = Person.objects.create(
                organisation=organisation,
                staff_id=staff_id,
                name=name,
                role=role,
                employment=employment,
                team=team,
                line_manager=line_manager,
                started=started,
                asye_start=asye_start,
            )
            audit_event(
                actor=by,
                action="person.create",
                obj=person,
                organisation_id=organisation.pk,
                detail={"role": role, "employment": employment, "started": started.isoformat()},
            )
    except IntegrityError:  # the same staff ID added at the same moment elsewhere
        raise duplicate from None
    return person


def _audit_value(value: Any) -> str | int | None:
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Person | Team):
        return value.pk
    return value


def _check_no_cycle(person: Person, line_manager: Person | None) -> None:
    """Refuse a line manager who is the person or anywhere below them (the tree is locked)."""
    if line_manager is None:
        return
    if line_manager.pk == person.pk:
        raise ServiceError("line_manager", "A person cannot be their own line manager")
    # The manager's chain as it is now, read under the lock: a cycle is that chain reaching the person.
    chain = Person.objects.get(pk=line_manager.pk).managers_above()
    if any(above.pk == person.pk for above in chain):
        raise ServiceError(
            "line_manager",
            f"{line_manager.name} is below {person.name} in line management, so cannot be {person.name}'s line manager",
        )


def person_update(
    *,
    person: Person,
    by: Person,
    role: str | _Unset = UNSET,
    employment: str | _Unset = UNSET,
    team: Team | None | _Unset = UNSET,
    line_manager: Person | None | _Unset = UNSET,
    asye_start: date | None | _Unset = UNSET,
) -> Person:
    """Change what is given of role, employment, team, line manager and ASYE start.

    Returns the person as saved. Nothing given, or nothing different: no change, no event.
    A person cannot be managed by themselves or by anyone below them in the tree.
    """
    asked: dict[str, Any] = {
        name: value
        for name, value in (
            ("role", role),
            ("employment", employment),
            ("team", team),
            ("line_manager", line_manager),
            ("asye_start", asye_start),
        )
        if not isinstance(value, _Unset)
    }
    organisation = person.organisation
    with transaction.atomic():
        _lock_organisation(person.organisation_id)
        locked = Person.objects.select_for_update().get(pk=person.pk)
        changed = {
            name: {"from": _audit_value(getattr(locked, name)), "to": _audit_value(value)}
            for name, value in asked.items()
            if _audit_value(getattr(locked, name)) != _audit_value(value)
        }
        # Only what changes is checked: a person whose old role or manager no longer passes keeps it.
        if "role" in changed:
            _check_role(organisation, asked["role"])
        if "employment" in changed:
            _check_employment(asked["employment"])
        if "team" in changed:
            _check_team(organisation, asked["team"])
        if "line_manager" in changed:
            _check_line_manager(organisation, asked["line_manager"])
            _check_no_cycle(locked, asked["line_manager"])
        if not changed:
            return locked
        for name in changed:
            setattr(locked, name, asked[name])
        locked.save(update_fields=list(changed))
        audit_event(
            actor=by, action="person.update", obj=locked, organisation_id=locked.organisation_id, detail=changed
        )
    return locked


def person_record_leaving(*, person: Person, by: Person, left: date) -> Person:
    """Record the day ``person`` leaves, ending on that day every open supervision relationship
    they are in, as supervisee or as supervisor. Returns the person as saved."""
    if left < person.started:
        raise ServiceError(
            "left", f"The leaving date cannot be before {person.name} started on {_long(person.started)}"
        )
    with transaction.atomic():
        locked = Person.objects.select_for_update().filter(pk=person.pk, left__isnull=True).first()
        if locked is None:
            raise ServiceError("left", f"{person.name} is already recorded as leaving")
        open_relationships = list(
            Relationship.objects.select_for_update()
            .filter(Q(supervisee=locked) | Q(supervisor=locked), end__isnull=True)
            .select_related("supervisor", "supervisee")
            .order_by("start", "pk")
        )
        for relationship in open_relationships:
            if relationship.start > left:
                raise ServiceError(
                    "left",
                    f"{relationship} from {_long(relationship.start)}, after this leaving date: "
                    "change that supervision first",
                )
        locked.left = left
        locked.save(update_fields=["left"])
        audit_event(
            actor=by,
            action="person.leave",
            obj=locked,
            organisation_id=locked.organisation_id,
            detail={"left": left.isoformat(), "relationships_ended": [r.pk for r in open_relationships]},
        )
        for relationship in open_relationships:
            relationship_end(relationship=relationship, by=by, end=left)
    return locked


def absence_record(*, person: Person, by: Person, start: date, end: date | None = None, planned: bool) -> Absence:
    """Record an absence (``end`` None while it lasts); returns it. Absences of one person do not overlap."""
    if end is not None and end < start:
        raise ServiceError("end", "The date the absence ended cannot be before the date it started")
    _check_employed_on(person, start, "start")
    with transaction.atomic():
        Person.objects.select_for_update().filter(pk=person.pk).first()  # one absence recorded at a time
        overlapping = Absence.objects.filter(person=person).filter(Q(end__isnull=True) | Q(end__gte=start))
        if end is not None:
            overlapping = overlapping.filter(start__lte=end)
        clash = overlapping.order_by("start").first()
        if clash is not None:
            until = f"to {_long(clash.end)}" if clash.end else "and has not ended"
            raise ServiceError(
                "start", f"This overlaps {person.name}'s absence that started on {_long(clash.start)} {until}"
            )
        absence = Absence.objects.create(person=person, start=start, end=end, planned=planned)
        audit_event(
            actor=by,
            action="absence.record",
            obj=absence,
            organisation_id=person.organisation_id,
            detail={"start": start.isoformat(), "end": end.isoformat() if end else None, "planned": planned},
        )
    return absence


def absence_end(*, absence: Absence, by: Person, end: date) -> Absence:
    """Record the last day of an absence that has not ended; returns it."""
    if end < absence.start:
        raise ServiceError("end", "The date the absence ended cannot be before the date it started")
    with transaction.atomic():
        locked = Absence.objects.select_for_update().filter(pk=absence.pk, end__isnull=True).first()
        if locked is None:
            raise ServiceError("end", "This absence has already ended")
        locked.end = end
        locked.save(update_fields=["end"])
        audit_event(
            actor=by,
            action="absence.end",
            obj=locked,
            organisation_id=locked.person.organisation_id,
            detail={"end": end.isoformat()},
        )
    return locked


def hours_record(*, person: Person, by: Person, date: date, hours: Decimal | int | str) -> HoursWorked:
    """Record hours a casual member of staff worked on a day; returns the entry.
    A day holds at most 24 hours, however many entries make it up."""
    try:
        amount = Decimal(str(hours))
    except InvalidOperation:
        raise ServiceError("hours", "Enter the hours as a number, for example 7.5") from None
    if not amount.is_finite() or amount < 0:
        raise ServiceError("hours", "The hours worked cannot be negative")
    if amount > MAX_HOURS_IN_A_DAY:
        raise ServiceError("hours", "The hours worked in a day cannot be more than 24")
    if amount != amount.quantize(Decimal("0.01")):
        raise ServiceError("hours", "Enter the hours to 2 decimal places at most, for example 7.25")
    if person.employment != Person.Employment.CASUAL:
        raise ServiceError(
            "employment",
            f"Hours worked are recorded for casual staff; {person.name} is {person.get_employment_display().lower()}",
        )
    _check_employed_on(person, date, "date")
    with transaction.atomic():
        Person.objects.select_for_update().filter(pk=person.pk).first()
        already = HoursWorked.objects.filter(person=person, date=date).aggregate(total=Sum("hours"))["total"] or 0
        if already + amount > MAX_HOURS_IN_A_DAY:
            raise ServiceError(
                "hours", f"{person.name} already has {already} hours on {_long(date)}: a day has 24 hours"
            )
        entry = HoursWorked.objects.create(person=person, date=date, hours=amount)
        audit_event(
            actor=by,
            action="hours.record",
            obj=entry,
            organisation_id=person.organisation_id,
            detail={"date": date.isoformat(), "hours": str(amount)},
        )
    return entry


def asye_review_record(*, person: Person, by: Person, date: date) -> AsyeReview:
    """Record that an ASYE review of ``person`` was held on ``date``; returns it."""
    if person.role != ASYE_ROLE:
        raise ServiceError("role", f"{person.name} is not a newly qualified social worker in their ASYE")
    anchor = person.asye_start or person.started
    if date < anchor:
        raise ServiceError("date", f"The date of the review cannot be before the ASYE started on {_long(anchor)}")
    _check_employed_on(person, date, "date")
    with transaction.atomic():
        Person.objects.select_for_update().filter(pk=person.pk).first()
        if AsyeReview.objects.filter(person=person, date=date).exists():
            raise ServiceError("date", f"A review on {_long(date)} is already recorded")
        review = AsyeReview.objects.create(person=person, date=date)
        audit_event(
            actor=by,
            action="asye_review.record",
            obj=review,
            organisation_id=person.organisation_id,
            detail={"date": date.isoformat()},
        )
    return review
