"""State changes of supervision records: open, save, share, agree, dispute,
finalise, add to. Each checks the state it leaves and writes its audit row in
the same transaction."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from oversight.audit.services import audit_event
from oversight.errors import ServiceError
from oversight.people.models import Person
from oversight.sessions.models import Session

from .models import Action, Addendum, Record


def _template_kind(session: Session) -> str:
    return "observation" if session.kind == Session.Kind.OBSERVATION else "session"


def record_open(*, session: Session, by: Person) -> Record | None:
    """The draft record of a held session on the council's template for its kind and
    role; None where the council keeps no personal record of that kind (Bristol's
    group sessions are noted in the 1:1 record and their decisions are case directions)."""
    pack = session.organisation.pack
    role = session.supervisee.role if session.supervisee is not None else None
    template = pack.template_for(_template_kind(session), session.kind, role) or pack.template_for(
        "session", session.kind, role
    )
    if template is None:
        return None
    with transaction.atomic():
        record, created = Record.objects.get_or_create(session=session, defaults={"template_id": template.id})
        if created:
            audit_event(actor=by, action="record.open", obj=record, organisation_id=session.organisation_id)
    return record


def _lock(record: Record, expected: tuple[str, ...], action: str) -> Record:
    locked = Record.objects.select_for_update().select_related("session").filter(pk=record.pk).first()
    if locked is None or locked.status not in expected:
        status = locked.status if locked else "gone"
        raise ServiceError("__all__", f"This record is {status}: it cannot be {action}")
    return locked


def _is_supervisor(record: Record, person: Person) -> bool:
    return record.session.supervisor_id == person.pk


def _is_supervisee(record: Record, person: Person) -> bool:
    session = record.session
    return session.supervisee_id == person.pk or session.attendees.filter(pk=person.pk).exists()


def _case_direction_in(record: Record, content: dict[str, Any]) -> tuple[str, str] | None:
    """(section, child case-system ID) where the text repeats a case direction of a child
    the supervisee holds: what is decided about a child belongs on the child's record."""
    from oversight.cases.models import CaseReview

    session = record.session
    workers = [session.supervisee_id] if session.supervisee_id else [p.pk for p in session.attendees.all()]
    directions = (
        CaseReview.objects.filter(child__worker_id__in=workers)
        .exclude(direction="")
        .values_list("direction", "child__case_id")
    )
    for text, case_id in directions:
        needle = " ".join(text.split()).lower()
        if len(needle) < 12:
            continue
        for section, value in content.items():
            if needle in " ".join(str(value).split()).lower():
                return section, case_id
    return None


def record_save_draft(*, record: Record, by: Person, content: dict[str, Any], expected_version: int) -> Record:
    """Save the supervisor's text. A stale ``expected_version`` (someone saved since) is refused,
    and so is a case direction copied into the personal record (Leeds 4.13, Bristol 5.2)."""
    with transaction.atomic():
        locked = _lock(record, (Record.Status.DRAFT,), "edited")
        if not _is_supervisor(locked, by):
            raise ServiceError("__all__", "Only the supervisor writes the record")
        if locked.version != expected_version:
            raise ServiceError(
                "__all__",
                "Someone else saved this record since you opened it. Your text is shown below: "
                "copy what you need, then reload.",
            )
        template = locked.session.organisation.pack.template(locked.template_id)
        known = {s.id for s in template.sections} if template else set(content)
        unknown = sorted(set(content) - known)
        if unknown:
            raise ServiceError(unknown[0], "This section is not on the council's template")
        found = _case_direction_in(locked, content)
        if found is not None:
            raise ServiceError(
                found[0],
                f"This repeats the case direction for child {found[1]}: it belongs on the child's record, "
                "not in the personal supervision record. Keep only the child's ID here.",
            )
        locked.content = {key: str(value) for key, value in content.items()}
        locked.version += 1
        locked.save(update_fields=["content", "version", "updated_at"])
        audit_event(
            actor=by,
            action="record.save",
            obj=locked,
            organisation_id=locked.session.organisation_id,
            detail={"version": locked.version},
        )
    return locked


def record_share(*, record: Record, by: Person, on: date, acknowledge_findings: bool = False) -> Record:
    """Draft -> shared. Refused while the child-data guard has unresolved findings (Leeds 4.13,
    Bristol 5.2), unless ``acknowledge_findings`` (audited): oversight.guard."""
    with transaction.atomic():
        locked = _lock(record, (Record.Status.DRAFT,), "shared")
        if not _is_supervisor(locked, by):
            raise ServiceError("__all__", "Only the supervisor shares the record")
        if on < locked.session.date:
            raise ServiceError("on", "A record cannot be shared before the session")
        _guard_before(locked, by, "shared", acknowledge_findings)
        locked.status = Record.Status.SHARED
        locked.shared_on = on
        locked.save(update_fields=["status", "shared_on", "updated_at"])
        audit_event(actor=by, action="record.share", obj=locked, organisation_id=locked.session.organisation_id)
    return locked


def record_agree(*, record: Record, by: Person, on: date) -> Record:
    with transaction.atomic():
        locked = _lock(record, (Record.Status.SHARED,), "agreed")
        if not _is_supervisee(locked, by):
            raise ServiceError("__all__", "Only the supervisee agrees the record")
        locked.status = Record.Status.AGREED
        locked.agreed_on = on
        locked.save(update_fields=["status", "agreed_on", "updated_at"])
        audit_event(actor=by, action="record.agree", obj=locked, organisation_id=locked.session.organisation_id)
    return locked


def record_dispute(*, record: Record, by: Person, view: str, on: date) -> Record:
    """The supervisee disagrees; their own words are kept beside the supervisor's."""
    if not view.strip():
        raise ServiceError("view", "Say what you disagree with, in your own words")
    with transaction.atomic():
        locked = _lock(record, (Record.Status.SHARED,), "disputed")
        if not _is_supervisee(locked, by):
            raise ServiceError("__all__", "Only the supervisee can dispute the record")
        locked.status = Record.Status.DISPUTED
        locked.supervisee_view = view.strip()
        locked.disputed_on = on
        locked.save(update_fields=["status", "supervisee_view", "disputed_on", "updated_at"])
        audit_event(actor=by, action="record.dispute", obj=locked, organisation_id=locked.session.organisation_id)
    return locked


def _guard_before(record: Record, by: Person, doing: str, acknowledged: bool) -> None:
    """The child-data guard's check, where it is installed (oversight.guard.services.guard_before)."""
    from django.apps import apps

    if apps.is_installed("oversight.guard"):
        from oversight.guard.services import guard_before

        guard_before(record=record, by=by, doing=doing, acknowledged=acknowledged)


def record_finalise(*, record: Record, by: Person, acknowledge_findings: bool = False) -> Record:
    """Agreed or disputed (both views kept) -> final. A final record never changes. Refused while
    the child-data guard has unresolved findings, unless ``acknowledge_findings`` (audited)."""
    with transaction.atomic():
        locked = _lock(record, (Record.Status.AGREED, Record.Status.DISPUTED), "finalised")
        if not _is_supervisor(locked, by):
            raise ServiceError("__all__", "Only the supervisor finalises the record")
        _guard_before(locked, by, "finalised", acknowledge_findings)
        locked.status = Record.Status.FINAL
        locked.finalised_at = timezone.now()
        locked.save(update_fields=["status", "finalised_at", "updated_at"])
        audit_event(actor=by, action="record.finalise", obj=locked, organisation_id=locked.session.organisation_id)
    return locked


def record_deem_agreed(*, record: Record, today: date) -> Record | None:
    """Where the pack says silence is agreement (Leeds 4.13), a shared record whose
    answer time has run out becomes agreed, and says so. Returns None if not yet."""
    pack = record.session.organisation.pack
    rule = next((r for r in pack.records if record.session.kind in r.kinds and r.respond_within), None)
    if rule is None or not rule.silence_is_agreement or record.shared_on is None or rule.respond_within is None:
        return None
    deadline = rule.respond_within.add_to(record.shared_on)
    if today <= deadline:
        return None
    with transaction.atomic():
        locked = Record.objects.select_for_update().select_related("session").filter(pk=record.pk).first()
        if locked is None or locked.status != Record.Status.SHARED:
            return None  # answered, or deemed agreed by a page load at the same moment
        locked.status = Record.Status.AGREED
        locked.agreed_on = deadline
        locked.deemed_agreed = True
        locked.save(update_fields=["status", "agreed_on", "deemed_agreed", "updated_at"])
        audit_event(
            actor=None,
            action="record.deemed_agreed",
            obj=locked,
            organisation_id=locked.session.organisation_id,
            detail={"rule": rule.id},
        )
    return locked


def _guard_addendum(record: Record, by: Person, text: str, acknowledged: bool) -> None:
    """The child-data guard's check of an addendum's text before it is saved, where the guard is
    installed (oversight.guard.services.guard_addendum)."""
    from django.apps import apps

    if apps.is_installed("oversight.guard"):
        from oversight.guard.services import guard_addendum

        guard_addendum(record=record, by=by, text=text, acknowledged=acknowledged)


def record_add_addendum(
    *, record: Record, by: Person, reason: str, text: str, acknowledge_findings: bool = False
) -> Addendum:
    """The only way to correct a final record: an addendum with reason, author and time. Its text
    is checked for children's information first and refused while it holds some, unless
    ``acknowledge_findings`` (audited): oversight.guard."""
    if not reason.strip():
        raise ServiceError("reason", "Give the reason for the addendum")
    if not text.strip():
        raise ServiceError("text", "Write the addendum")
    with transaction.atomic():
        locked = _lock(record, (Record.Status.FINAL,), "added to")
        _guard_addendum(locked, by, text.strip(), acknowledge_findings)
        addendum = Addendum.objects.create(record=locked, author=by, reason=reason.strip(), text=text.strip())
        audit_event(
            actor=by,
            action="record.addendum",
            obj=locked,
            organisation_id=locked.session.organisation_id,
            detail={"addendum": addendum.pk},
        )
    return addendum


def action_add(
    *,
    record: Record,
    by: Person,
    text: str,
    owner: Person,
    due: date,
    review_date: date | None = None,
    works_when: str = "",
) -> Action:
    if not text.strip():
        raise ServiceError("text", "Say what the action is")
    if due < record.session.date:
        raise ServiceError("due", "The action cannot be due before the session")
    with transaction.atomic():
        locked = _lock(record, (Record.Status.DRAFT,), "given actions")
        action = Action.objects.create(
            record=locked,
            text=text.strip(),
            owner=owner,
            due=due,
            review_date=review_date,
            works_when=works_when.strip(),
        )
        audit_event(actor=by, action="action.add", obj=locked, organisation_id=locked.session.organisation_id)
    return action


def action_complete(*, action: Action, by: Person, on: date) -> Action:
    with transaction.atomic():
        locked = Action.objects.select_for_update().filter(pk=action.pk, done_on__isnull=True).first()
        if locked is None:
            raise ServiceError("__all__", "This action is already done")
        locked.done_on = on
        locked.save(update_fields=["done_on"])
        audit_event(
            actor=by,
            action="action.complete",
            obj=locked.record,
            organisation_id=locked.record.session.organisation_id,
            detail={"action": locked.pk},
        )
    return locked


def open_actions_for(supervisee: Person) -> list[Action]:
    """Actions from earlier records still open: the next session's agenda."""
    return list(
        Action.objects.filter(done_on__isnull=True, record__session__supervisee=supervisee)
        .select_related("owner", "record__session")
        .order_by("due")
    )


def record_escalate(*, record: Record, by: Person) -> Record:
    """A disagreement goes to the next manager up the chain: the supervisor's line manager
    (Blackpool 9, Buckinghamshire's three-way meeting, Leeds 4.14)."""
    with transaction.atomic():
        locked = _lock(record, (Record.Status.DISPUTED,), "escalated")
        if not (_is_supervisor(locked, by) or _is_supervisee(locked, by)):
            raise ServiceError("__all__", "Only the supervisor or the supervisee escalates a disagreement")
        if locked.escalated_to_id is not None:
            raise ServiceError("__all__", "This disagreement has already been escalated")
        manager = locked.session.supervisor.line_manager
        if manager is None:
            raise ServiceError("__all__", "The supervisor has no line manager recorded to escalate to")
        locked.escalated_to = manager
        locked.escalated_at = timezone.now()
        locked.save(update_fields=["escalated_to", "escalated_at", "updated_at"])
        audit_event(
            actor=by,
            action="record.escalate",
            obj=locked,
            organisation_id=locked.session.organisation_id,
            detail={"to": manager.pk},
        )
    return locked


def record_resolve_escalation(*, record: Record, by: Person, outcome: str) -> Record:
    """The manager records how the disagreement was resolved."""
    if not outcome.strip():
        raise ServiceError("outcome", "Record the outcome of the disagreement")
    with transaction.atomic():
        locked = _lock(record, (Record.Status.DISPUTED, Record.Status.FINAL), "resolved")
        if locked.escalated_to_id != by.pk:
            raise ServiceError("__all__", "Only the manager it was escalated to records the outcome")
        if locked.escalation_resolved_at is not None:
            raise ServiceError("__all__", "The outcome is already recorded")
        locked.escalation_outcome = outcome.strip()
        locked.escalation_resolved_at = timezone.now()
        locked.save(update_fields=["escalation_outcome", "escalation_resolved_at", "updated_at"])
        audit_event(
            actor=by, action="record.escalation_resolved", obj=locked, organisation_id=locked.session.organisation_id
        )
    return locked


def apply_deemed_agreements(
    *, organisation_id: int, today: date, person_id: int | None = None, record_ids: list[int] | None = None
) -> int:
    """Records whose answer time has run out under a pack where silence is agreement become
    agreed, and say so. The daily job runs it for the whole organisation; a page runs it only
    for what it shows: one viewer's records (``person_id``) or the records it lists
    (``record_ids``), so that a page load never walks the council's shared records."""
    from oversight.organisations.models import Organisation

    organisation = Organisation.objects.filter(pk=organisation_id).first()
    if organisation is None or not any(r.silence_is_agreement for r in organisation.pack.records):
        return 0  # the pack never makes silence agreement: nothing to look at
    records = Record.objects.filter(status=Record.Status.SHARED, session__organisation_id=organisation_id)
    if person_id is not None:
        attended = Session.attendees.through.objects.filter(person_id=person_id).values("session_id")
        records = records.filter(
            Q(session__supervisee_id=person_id) | Q(session__supervisor_id=person_id) | Q(session_id__in=attended)
        )
    if record_ids is not None:
        records = records.filter(pk__in=record_ids)
    count = 0
    for record in records.select_related("session__organisation"):
        if record_deem_agreed(record=record, today=today) is not None:
            count += 1
    return count


def record_tag_coverage(
    *,
    record: Record,
    by: Person,
    functions: list[str],
    stages: list[str],
    areas: list[str] | None = None,
) -> Record:
    """Tag the record with the functions the session served, the Kolb stages it reached and
    the council's own areas it covered (4x4x4: Leeds 3.4, Blackpool 3, Bristol 4.1).

    The supervisor tags, while the record is not final: in draft, shared, agreed or disputed.
    The tags are the supervisor's account of the session, not the text the supervisee agreed,
    so agreeing does not close them; finalising does, as it closes everything (a final record
    never changes). Each change writes its audit row with what it was and what it became."""
    from oversight.policy.reflective import FUNCTION_IDS, STAGE_IDS, reflective_for

    areas = areas or []
    for field, given, known in (("functions", functions, FUNCTION_IDS), ("stages", stages, STAGE_IDS)):
        unknown = sorted(set(given) - set(known))
        if unknown:
            raise ServiceError(field, f"Choose from the list: there is no {unknown[0]!r}")
    with transaction.atomic():
        locked = _lock(
            record,
            (Record.Status.DRAFT, Record.Status.SHARED, Record.Status.AGREED, Record.Status.DISPUTED),
            "tagged",
        )
        if not _is_supervisor(locked, by):
            raise ServiceError("__all__", "Only the supervisor tags the record")
        known_areas = [a.id for a in reflective_for(locked.session.organisation.policy_pack).areas]
        unknown = sorted(set(areas) - set(known_areas))
        if unknown:
            raise ServiceError("areas", f"Choose from the list: there is no {unknown[0]!r}")
        before = {"functions": locked.functions, "stages": locked.stages, "areas": locked.areas}
        # kept in the model's order, so equal tags compare equal whatever order they came in
        locked.functions = [f for f in FUNCTION_IDS if f in functions]
        locked.stages = [s for s in STAGE_IDS if s in stages]
        locked.areas = [a for a in known_areas if a in areas]
        locked.coverage_tagged_at = timezone.now()
        locked.save(update_fields=["functions", "stages", "areas", "coverage_tagged_at", "updated_at"])
        audit_event(
            actor=by,
            action="record.tag_coverage",
            obj=locked,
            organisation_id=locked.session.organisation_id,
            detail={
                "before": before,
                "after": {"functions": locked.functions, "stages": locked.stages, "areas": locked.areas},
            },
        )
    return locked
