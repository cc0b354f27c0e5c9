"""State changes of the child-data guard. Each checks the state it leaves and writes its audit
row in the same transaction:

- ``child_name_keys_set``: a child's name, from the case-system import, kept as keyed hashes;
- ``finding_move``: a finding's sentence becomes a case direction for the child (a CaseReview,
  through oversight.cases) and leaves the personal record (a section's text or an action's), both
  in one transaction; never out of an addendum, which is added to a record already agreed;
- ``finding_dismiss``: the supervisor says a finding is not a child's information, and why (also,
  for a finding in an addendum, on a final record: the only thing that can be done about it);
- ``guard_before``: asked by record_share and record_finalise; refuses while findings are
  unresolved unless the supervisor acknowledges them (audited);
- ``guard_addendum``: asked by record_add_addendum before the addendum is saved; refuses a text
  with findings unless its writer acknowledges them (audited the same way).
"""

from __future__ import annotations

import re
from typing import Any

from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from oversight.audit.services import audit_event
from oversight.cases.models import CaseReview, Child
from oversight.cases.services import case_review_record
from oversight.errors import ServiceError
from oversight.people.models import Person
from oversight.records.models import Action, Addendum, Record

from .models import ChildNameKey, DismissedFinding
from .selectors import (
    ACTION,
    ADDENDUM,
    SECTION,
    RecordFinding,
    check_new_addendum,
    check_record,
    match_digest,
    workers_of,
)

# Text can be moved out of, and findings dismissed in, a record not yet final: a draft before it
# is shared, and an agreed or disputed one before it is finalised (a shared record waits for the
# supervisee's answer on what was shared).
OPEN = (Record.Status.DRAFT, Record.Status.AGREED, Record.Status.DISPUTED)

# What an action reads once the whole of its text has gone to a case direction: it stays on the
# record (and on the next session's agenda until marked done), saying where it went, never whom.
ACTION_MOVED = "Moved to a case direction on the child's own record."

NOT_MOVABLE = (
    "A sentence in an addendum cannot be moved: an addendum is added to a record already agreed, "
    "and what was agreed is never changed. Dismiss the finding with a reason instead"
)


def child_name_keys_set(*, child: Child, digests: set[str], by: Any) -> bool:
    """Keep exactly ``digests`` as the keyed hashes of ``child``'s name (an empty set forgets it).
    Returns whether anything changed. The audit row counts the hashes; it never holds a name."""
    with transaction.atomic():
        locked = Child.objects.select_for_update().get(pk=child.pk)
        held = set(ChildNameKey.objects.filter(child=locked).values_list("digest", flat=True))
        if held == digests:
            return False
        ChildNameKey.objects.filter(child=locked).exclude(digest__in=digests).delete()
        ChildNameKey.objects.bulk_create([ChildNameKey(child=locked, digest=d) for d in sorted(digests - held)])
        audit_event(
            actor=by,
            action="child.name_keys",
            obj=locked,
            organisation_id=locked.organisation_id,
            detail={"keys": len(digests), "before": len(held)},
        )
    return True


def _lock_open(
    record: Record, by: Person, expected_version: int, doing: str, statuses: tuple[str, ...] = OPEN
) -> Record:
    locked = Record.objects.select_for_update().select_related("session__organisation").filter(pk=record.pk).first()
    if locked is None or locked.status not in statuses:
        status = locked.status if locked else "gone"
        raise ServiceError("__all__", f"This record is {status}: nothing can be {doing} in it now")
    if locked.session.supervisor_id != by.pk:
        raise ServiceError("__all__", "Only the supervisor who led the session acts on the check of its record")
    if locked.version != expected_version:
        raise ServiceError(
            "__all__", "The record has changed since this page was opened: the findings below are as it is now"
        )
    return locked


def _finding(record: Record, finding_id: str) -> RecordFinding:
    found = next((f for f in check_record(record).findings if f.id == finding_id), None)
    if found is None:
        raise ServiceError("finding", "This finding is no longer in the record")
    return found


def _without(text: str, start: int, end: int) -> str:
    """``text`` less text[start:end], the spaces and line breaks around the gap tidied."""
    before, after = text[:start].rstrip(" \t"), text[end:].lstrip(" \t")
    joined = (
        before + (" " if before and after and not before.endswith("\n") and not after.startswith("\n") else "") + after
    )
    return re.sub(r"\n{3,}", "\n\n", joined).strip()


def finding_move(
    *, record: Record, by: Person, finding_id: str, expected_version: int, child: Child | None = None
) -> CaseReview:
    """Move the sentence of a finding to a case direction for the child (the caseload child it
    names, else ``child``, on the supervisee's caseload), dated the session's day, and take it out
    of the personal record: out of the section's text, or out of the action's (an action left with
    no text says it was moved). Returns the case review. A finding in an addendum is never moved."""
    with transaction.atomic():
        locked = _lock_open(record, by, expected_version, "moved", (*OPEN, Record.Status.FINAL))
        found = _finding(locked, finding_id)
        if not found.movable:
            raise ServiceError("finding", NOT_MOVABLE)
        if locked.status not in OPEN:
            raise ServiceError("__all__", f"This record is {locked.status}: nothing can be moved in it now")
        caseload = Child.objects.filter(
            worker_id__in=workers_of(locked), organisation_id=locked.session.organisation_id
        )
        target = caseload.filter(case_id=found.finding.child).first() if found.finding.child else None
        if target is None:
            if child is None:
                raise ServiceError("child", "Choose the child this is about")
            target = caseload.filter(pk=child.pk).first()
            if target is None:
                raise ServiceError("child", "Choose a child on the supervisee's caseload")
        sentence = found.sentence.strip()
        review = case_review_record(
            child=target, by=by, on=locked.session.date, direction=sentence, session=locked.session
        )
        if found.place == SECTION:
            content = dict(locked.content)
            content[found.section] = _without(found.text, found.sentence_start, found.sentence_end)
            locked.content = content
        else:
            _take_out_of_action(locked, found)
        locked.version += 1
        locked.save(update_fields=["content", "version", "updated_at"])
        told = _tell_the_supervisee(locked, by, found)
        audit_event(
            actor=by,
            action="guard.move",
            obj=locked,
            organisation_id=locked.session.organisation_id,
            detail={
                "section": found.section,
                "place": found.place,
                "kind": found.finding.kind,
                "case_review": review.pk,
                "child": target.case_id,
                "version": locked.version,
                "addendum": told.pk if told is not None else None,
            },
        )
    return review


def _take_out_of_action(record: Record, found: RecordFinding) -> Action:
    """Take the finding's sentence out of the action's text (or its "works when"), on the locked
    action; refused if the action is gone or its text is not what was checked."""
    action = None
    if found.place == ACTION and found.object_pk is not None and found.field in ("text", "works_when"):
        action = Action.objects.select_for_update().filter(pk=found.object_pk, record=record).first()
    if action is None or getattr(action, found.field) != found.text:
        raise ServiceError("finding", "This action has changed since the check: look at the findings again")
    left = _without(found.text, found.sentence_start, found.sentence_end)
    if found.field == "text" and not left:
        left = ACTION_MOVED
    setattr(action, found.field, left)
    action.save(update_fields=[found.field])
    return action


def _tell_the_supervisee(record: Record, by: Person, found: RecordFinding) -> Addendum | None:
    """Where the supervisee has already agreed (or disputed) the text, taking a sentence out of
    it is said on the record itself, as an addendum they see: what was agreed is not changed
    silently. The addendum names the section or the action's number, not the child (it is in the
    personal record)."""
    if record.status not in (Record.Status.AGREED, Record.Status.DISPUTED):
        return None
    title = found.section_title
    where = f"“{title}”" if found.place == SECTION else title[:1].lower() + title[1:]  # "action 2 (I will ...)"
    return Addendum.objects.create(
        record=record,
        author=by,
        reason="Children's information moved to the child's record",
        text=f"A sentence about a child in {where} was taken out of this record after it was "
        f"{record.get_status_display().lower()} and entered as a case direction on the child's own record, "
        "where children's information belongs. The rest of the record is as it was.",
    )


def finding_dismiss(
    *, record: Record, by: Person, finding_id: str, expected_version: int, reason: str
) -> DismissedFinding:
    """The supervisor says a finding is not a child's information (a staff member's birthday, an
    office's postcode), and why; it no longer holds the record back. A finding in an addendum can
    be dismissed on a final record too: an addendum is added after the record was finalised, it
    never passed the check, and it cannot be moved; the dismissal says why it may stay."""
    if not reason.strip():
        raise ServiceError("reason", "Say why this is not a child's information")
    with transaction.atomic():
        locked = _lock_open(record, by, expected_version, "dismissed", (*OPEN, Record.Status.FINAL))
        found = _finding(locked, finding_id)
        if locked.status not in OPEN and found.place != ADDENDUM:
            raise ServiceError("__all__", f"This record is {locked.status}: nothing can be dismissed in it now")
        if found.dismissed is not None:
            raise ServiceError("finding", "This finding is already dismissed")
        dismissal = DismissedFinding.objects.create(
            record=locked,
            section=found.section,
            kind=found.finding.kind,
            match_digest=match_digest(found.finding.kind, found.finding.text),
            reason=reason.strip(),
            by=by,
            at=timezone.now(),
        )
        audit_event(
            actor=by,
            action="guard.dismiss",
            obj=locked,
            organisation_id=locked.session.organisation_id,
            detail={
                "section": found.section,
                "place": found.place,
                "kind": found.finding.kind,
                "dismissal": dismissal.pk,
            },
        )
    return dismissal


def _acknowledge(record: Record, by: Person, doing: str, unresolved: list[RecordFinding]) -> None:
    """The audit row of findings let through on the supervisor's (or the writer's) word: their
    number, kinds and places, never their text."""
    audit_event(
        actor=by,
        action="guard.acknowledge",
        obj=record,
        organisation_id=record.session.organisation_id,
        detail={
            "doing": doing,
            "findings": len(unresolved),
            "kinds": sorted({f.finding.kind for f in unresolved}),
            "places": sorted({f.place for f in unresolved}),
        },
    )


def _counted(unresolved: list[RecordFinding]) -> str:
    """The findings counted, with their kinds: "2 findings: case-system id, postcode"."""
    count = len(unresolved)
    kinds = sorted({f.finding.label.lower() for f in unresolved})
    return f"{count} finding{'s' if count != 1 else ''}: {', '.join(kinds)}"


def guard_before(*, record: Record, by: Person, doing: str, acknowledged: bool) -> None:
    """Called by record_share and record_finalise inside their transaction, on the locked record:
    refuses while a finding the council's rules say holds the record back is neither moved nor
    dismissed, unless the supervisor ``acknowledged`` them, which is audited with their kinds."""
    unresolved = check_record(record).unresolved
    if not unresolved:
        return
    if not acknowledged:
        where = list(dict.fromkeys(f.section_title for f in unresolved))  # titles and numbers, never the text
        how = "move each to a case direction or dismiss it with a reason"
        if any(not f.movable for f in unresolved):
            how = (
                "move each to a case direction (a sentence in an addendum cannot be moved) or dismiss it with a reason"
            )
        raise ServiceError(
            "child_data",
            f"This record may hold children's information ({_counted(unresolved)}; in {', '.join(where)}). "
            f"Before it is {doing}, {how} at {reverse('guard:check', args=[record.pk])}",
        )
    _acknowledge(record, by, doing, unresolved)


ADDENDUM_ACKNOWLEDGED = "added to"  # the ``doing`` of an acknowledgement made when adding an addendum


def guard_addendum(*, record: Record, by: Person, text: str, acknowledged: bool) -> list[RecordFinding]:
    """Called by record_add_addendum inside its transaction, on the locked record, before the
    addendum is saved: refuses a text holding what the council's rules say holds a record back
    (children's information belongs in a case direction on the child's own record, Leeds 4.13,
    Bristol 5.2), unless its writer ``acknowledged`` the findings, which is audited as share's and
    finalise's are (guard.acknowledge, doing "added to"). Returns the findings let through; they
    stay on the check of the record, to be dismissed with a reason."""
    unresolved = [f for f in check_new_addendum(record, text) if f.unresolved]
    if not unresolved:
        return []
    if not acknowledged:
        raise ServiceError(
            "child_data",
            f"This addendum may hold children's information ({_counted(unresolved)}). Children's "
            "information belongs in a case direction on the child's own record: take it out of the "
            "addendum, or add the addendum as it is once you have read the findings (this is recorded)",
        )
    _acknowledge(record, by, ADDENDUM_ACKNOWLEDGED, unresolved)
    return unresolved
