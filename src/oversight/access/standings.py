"""The viewer's standing on one object of each kind, read off their reach
(oversight.access.reach), and whether a record's confidential sections are open to its readers.
``standing_of`` answers for any kind; None means no access at all."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db.models import Q

from oversight.cases.models import CaseReview, Child
from oversight.people.models import Person
from oversight.records.models import Record
from oversight.sessions.models import Session
from oversight.supervision.models import Agreement, Relationship

from .models import ChildProtectionOverride, ConfidentialConsent, Grant
from .reach import (
    CASE,
    CURRENT_SUPERVISOR,
    DELEGATED_LINE_MANAGER,
    GROUP,
    HOLDER,
    HR,
    INSPECTOR,
    INVESTIGATOR,
    LINE_MANAGEMENT,
    PERSON_ORDER,
    QA,
    SELF,
    SENIOR_MANAGER,
    SUPERVISEE,
    SUPERVISOR,
    Viewer,
)

# --- standing on one object --------------------------------------------------------------------


def person_standing(viewer: Viewer, person: Person, kind: str | None = None) -> str | None:
    return viewer.memo(f"person:{kind}", person.pk, lambda: viewer.reach.standing_on(person.pk, kind))


def _owners(session: Session) -> list[int]:
    """Whose file a session is in: its supervisee, or each attendee of a group session."""
    if session.supervisee_id is not None:
        return [session.supervisee_id]
    return list(session.attendees.values_list("pk", flat=True))


def _session_standing(viewer: Viewer, session: Session) -> str | None:
    reach = viewer.reach
    owners = _owners(session)
    me = viewer.pk
    if me is not None and me in owners:
        return SUPERVISEE
    if me is not None and session.supervisor_id == me:
        if session.kind == GROUP or any(session.kind in reach.people[SUPERVISOR].get(o, ()) for o in owners):
            return SUPERVISOR
    for standing in PERSON_ORDER:
        if any(session.kind in reach.people[standing].get(o, ()) for o in owners):
            return CURRENT_SUPERVISOR if standing == SUPERVISOR else standing
    return None


def session_standing(viewer: Viewer, session: Session) -> str | None:
    return viewer.memo("session", session.pk, lambda: _session_standing(viewer, session))


def record_standing(viewer: Viewer, record: Record) -> str | None:
    return session_standing(viewer, record.session)


def _relationship_standing(viewer: Viewer, relationship: Relationship) -> str | None:
    reach = viewer.reach
    me = viewer.pk
    supervisee_id = relationship.supervisee_id
    if me is not None:
        if me == supervisee_id:
            return SUPERVISEE
        if me == relationship.supervisor_id:
            lasting = relationship.end is None or relationship.end >= viewer.on
            if lasting:
                return SUPERVISOR
        if relationship.delegated and me == relationship.supervisee.line_manager_id:
            return DELEGATED_LINE_MANAGER
        if relationship.supervisor_id in reach.below and supervisee_id in reach.people[LINE_MANAGEMENT]:
            return LINE_MANAGEMENT
    for standing in (INVESTIGATOR, INSPECTOR, QA, HR):
        if supervisee_id in reach.people[standing]:
            return standing
    return None


def relationship_standing(viewer: Viewer, relationship: Relationship) -> str | None:
    return viewer.memo("relationship", relationship.pk, lambda: _relationship_standing(viewer, relationship))


def agreement_standing(viewer: Viewer, agreement: Agreement) -> str | None:
    return relationship_standing(viewer, agreement.relationship)


def child_standing(viewer: Viewer, child: Child) -> str | None:
    """Case reviews are case supervision: the worker's standing for the case kind."""
    return person_standing(viewer, child.worker, CASE)


def case_review_standing(viewer: Viewer, review: CaseReview) -> str | None:
    return child_standing(viewer, review.child)


def grant_standing(viewer: Viewer, grant: Grant) -> str | None:
    if getattr(viewer.user, "is_authenticated", False) and grant.holder_id == viewer.user.pk:
        return HOLDER
    if grant.organisation_id in viewer.reach.senior_manager_of:
        return SENIOR_MANAGER
    return None


@dataclass(frozen=True)
class AuditTrail:
    """The audit trail of one person's supervision file (who read or changed it)."""

    person: Person

    @property
    def pk(self) -> int:
        return self.person.pk


def standing_of(viewer: Viewer, obj: Any) -> str | None:
    """The viewer's standing on ``obj``, whatever its kind; None means no access at all."""
    if isinstance(obj, Person):
        return person_standing(viewer, obj)
    if isinstance(obj, Session):
        return session_standing(viewer, obj)
    if isinstance(obj, Record):
        return record_standing(viewer, obj)
    if isinstance(obj, Agreement):
        return agreement_standing(viewer, obj)
    if isinstance(obj, Relationship):
        return relationship_standing(viewer, obj)
    if isinstance(obj, CaseReview):
        return case_review_standing(viewer, obj)
    if isinstance(obj, Child):
        return child_standing(viewer, obj)
    if isinstance(obj, Grant):
        return grant_standing(viewer, obj)
    if isinstance(obj, AuditTrail):
        return SELF if obj.person.pk == viewer.pk else None
    raise TypeError(f"no access policy for {type(obj).__name__}")


def subject_of(obj: Any) -> Person | None:
    """Whose supervision file ``obj`` is in (for purposes and logging)."""
    if isinstance(obj, Person):
        return obj
    if isinstance(obj, Record):
        obj = obj.session
    if isinstance(obj, Session):
        if obj.supervisee_id is not None:
            return obj.supervisee
        return obj.attendees.first()
    if isinstance(obj, Agreement):
        obj = obj.relationship
    if isinstance(obj, Relationship):
        return obj.supervisee
    if isinstance(obj, CaseReview):
        obj = obj.child
    if isinstance(obj, Child):
        return obj.worker
    return None


# --- confidential content ----------------------------------------------------------------------


def confidentiality_lifted(record: Record, on: datetime) -> bool:
    """The supervisee's consent (to this record or their whole file) or a senior manager's
    child-protection override is on record for ``record``."""
    session = record.session
    consent = ConfidentialConsent.objects.filter(given_at__lte=on).exclude(withdrawn_at__lte=on)
    if (
        session.supervisee_id is not None
        and consent.filter(Q(record=record) | Q(record__isnull=True), person_id=session.supervisee_id).exists()
    ):
        return True
    return ChildProtectionOverride.objects.filter(record=record, created__lte=on).exists()


def file_consent(person_id: int, on: datetime) -> bool:
    """The supervisee consents to others reading every confidential section of their file."""
    return (
        ConfidentialConsent.objects.filter(person_id=person_id, record__isnull=True, given_at__lte=on)
        .exclude(withdrawn_at__lte=on)
        .exists()
    )
