"""The rules: for each kind of object and each action, who may. Predicates (django-rules) over
the viewer's standing on the object (oversight.access.standings); ``ACCESS_RULES`` names each
rule "<kind>.<action>". An action with no rule for a kind is refused: there is no "share" of a
session, no "export" of a record and no "delete" of anything (supervision files are deleted
only by the retention schedule, never from a page).

Writes stay with the supervisor and the supervisee, as before; every standing from outside the
relationship (line management, investigator, inspector, quality assurance, HR) reads only.
"""

from __future__ import annotations

from typing import Any

import rules

from oversight.organisations.models import Organisation
from oversight.records.models import Record

from .reach import DELEGATED_LINE_MANAGER, HOLDER, LINE_MANAGEMENT, SELF, SUPERVISEE, SUPERVISOR, Viewer
from .standings import AuditTrail, confidentiality_lifted, file_consent, standing_of


def standing_in(*names: str) -> rules.Predicate:
    allowed = frozenset(names)

    def test(viewer: Viewer, obj: Any) -> bool:
        return obj is not None and standing_of(viewer, obj) in allowed

    return rules.Predicate(test, name=f"standing in {sorted(allowed)}")


@rules.predicate
def has_standing(viewer: Viewer, obj: Any) -> bool:
    """Any standing at all: the viewer may read it."""
    return obj is not None and standing_of(viewer, obj) is not None


@rules.predicate
def record_confidentiality_lifted(viewer: Viewer, record: Any) -> bool:
    return confidentiality_lifted(record, viewer.now)


@rules.predicate
def agreement_confidentiality_lifted(viewer: Viewer, agreement: Any) -> bool:
    return file_consent(agreement.relationship.supervisee_id, viewer.now)


@rules.predicate
def senior_manager_of_its_organisation(viewer: Viewer, obj: Any) -> bool:
    """A senior manager of the organisation the object belongs to (an Organisation, a record,
    or anything with an ``organisation_id``)."""
    organisation_id: int | None
    if isinstance(obj, Organisation):
        organisation_id = obj.pk
    elif isinstance(obj, Record):
        organisation_id = obj.session.organisation_id
    else:
        organisation_id = getattr(obj, "organisation_id", None)
    return organisation_id is not None and organisation_id in viewer.reach.senior_manager_of


@rules.predicate
def signs_the_agreement(viewer: Viewer, agreement: Any) -> bool:
    """The supervisor and the supervisee of a lasting relationship, and the supervisee's line
    manager for delegated supervision (the view still checks the pack names them)."""
    return standing_of(viewer, agreement) in (SUPERVISOR, SUPERVISEE, DELEGATED_LINE_MANAGER)


leads_it = standing_in(SUPERVISOR)
is_its_supervisee = standing_in(SUPERVISEE)
own_file = standing_in(SELF)

ACCESS_RULES = rules.RuleSet()
_RULES: dict[str, rules.Predicate] = {
    # A person's supervision file.
    "person.view": has_standing,
    "person.list": has_standing,
    # A session: booked, moved, held or cancelled by the supervisor; either party cancels.
    "session.view": has_standing,
    "session.list": has_standing,
    "session.edit": leads_it,
    "session.cancel": leads_it | is_its_supervisee,
    # A record: written, shared and finalised (signed off) by the supervisor; agreed or disputed
    # by the supervisee; added to (addendum, actions done, escalation) by either.
    "record.view": has_standing,
    "record.list": has_standing,
    "record.edit": leads_it,
    "record.share": leads_it,
    "record.agree": is_its_supervisee,
    "record.sign": leads_it,
    "record.add": leads_it | is_its_supervisee,
    # Its confidential sections (Lambeth App. A check-in, Blackpool 8 separate record).
    "record.view_confidential": leads_it | is_its_supervisee | (has_standing & record_confidentiality_lifted),
    "record.consent": is_its_supervisee,
    "record.override": has_standing & senior_manager_of_its_organisation,
    # An agreement, through its relationship.
    "agreement.view": has_standing,
    "agreement.list": has_standing,
    "agreement.edit": leads_it,
    "agreement.sign": signs_the_agreement,
    "agreement.review": leads_it | is_its_supervisee,
    "agreement.view_confidential": leads_it | is_its_supervisee | (has_standing & agreement_confidentiality_lifted),
    "relationship.view": has_standing,
    "relationship.write_agreement": leads_it,
    "relationship.change": standing_in(LINE_MANAGEMENT),
    # A child's case reviews and case directions: case supervision of the worker.
    "child.view": has_standing,
    "child.review": standing_in(SUPERVISOR),
    "case_review.view": has_standing,
    "case_review.list": has_standing,
    "case_review.edit": standing_in(SELF, SUPERVISOR),  # mark the direction entered on the child's record
    "case_review.export": has_standing,  # the case note shows no more than the page; oversight exports are logged
    # Grants: the senior managers of the organisation, and the holder (their own).
    "grant.view": standing_in(HOLDER) | senior_manager_of_its_organisation,
    "grant.list": standing_in(HOLDER) | senior_manager_of_its_organisation,
    "grant.create": senior_manager_of_its_organisation,
    "grant.revoke": senior_manager_of_its_organisation,
    "audit.view": own_file,  # who read or changed my file (/audit/my-file/): the supervisee only
}
for _name, _predicate in _RULES.items():
    ACCESS_RULES.add_rule(_name, _predicate)

KIND_OF = {
    "Person": "person",
    "Session": "session",
    "Record": "record",
    "Agreement": "agreement",
    "Relationship": "relationship",
    "Child": "child",
    "CaseReview": "case_review",
    "Grant": "grant",
    "AuditTrail": "audit",
    "Organisation": "grant",  # grant.create is asked of the organisation
}

__all__ = ["ACCESS_RULES", "KIND_OF", "AuditTrail", "has_standing", "standing_in"]
