"""Reads for compliance: the organisation's data as an engine scenario, and the
obligations the engine computes from it.

Ids in the scenario are prefixed database keys (``p12`` a person, ``s5`` a
session, ``c3`` a child, ``r7`` a case review) so that an obligation id such as
``supervision:personal:p12`` leads back to its rows.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from oversight.cases.models import CaseReview, Child
from oversight.organisations.models import Organisation
from oversight.people.models import Absence, HoursWorked, Person
from oversight.policy import PolicyPack, Scenario, evaluate
from oversight.policy.scenario import check_references, scenario_from_python
from oversight.sessions.models import Session
from oversight.supervision.models import Agreement, Relationship


def pid(person_id: int | None) -> str | None:
    return None if person_id is None else f"p{person_id}"


def scenario_for(organisation: Organisation, as_of: date) -> Scenario:
    """Everything the engine needs about one organisation, on ``as_of``."""
    people = list(Person.objects.filter(organisation=organisation).prefetch_related("asye_reviews"))
    relationships = Relationship.objects.filter(organisation=organisation)
    agreements = (
        Agreement.objects.filter(relationship__organisation=organisation)
        .select_related("relationship")
        .prefetch_related("signatures", "reviews")
    )
    sessions = Session.objects.filter(organisation=organisation).select_related("record").prefetch_related("attendees")
    children = Child.objects.filter(organisation=organisation)
    reviews = CaseReview.objects.filter(child__organisation=organisation)
    data: dict[str, Any] = {
        "policy": organisation.policy_pack,
        "as_of": as_of,
        "people": [
            {
                "id": pid(p.pk),
                "role": p.role,
                "started": p.started,
                "left": p.left,
                "employment": p.employment,
                "asye_start": p.asye_start,
                "asye_reviews": [r.date for r in p.asye_reviews.all()],
            }
            for p in people
        ],
        "relationships": [
            {
                "supervisor": pid(r.supervisor_id),
                "supervisee": pid(r.supervisee_id),
                "from": r.start,
                "to": r.end,
                "kinds": r.kinds or None,
            }
            for r in relationships
        ],
        "agreements": [
            {
                "supervisor": pid(a.relationship.supervisor_id),
                "supervisee": pid(a.relationship.supervisee_id),
                "signed": a.signed_on,
                "reviewed": [rv.date for rv in a.reviews.all()],
            }
            for a in agreements
        ],
        "sessions": [_session(s) for s in sessions],
        "children": [
            {
                "id": f"c{c.pk}",
                "worker": pid(c.worker_id),
                "status": c.status,
                "allocated": c.allocated,
                "review_every_weeks": c.review_every_weeks,
                "rationale": c.rationale or None,
            }
            for c in children
        ],
        "case_reviews": [
            {
                "id": f"r{r.pk}",
                "child": f"c{r.child_id}",
                "date": r.date,
                "by": pid(r.by_id),
                "direction_recorded": r.direction_recorded,
            }
            for r in reviews
        ],
        "hours": [
            {"person": pid(h.person_id), "date": h.date, "hours": float(h.hours)}
            for h in HoursWorked.objects.filter(person__organisation=organisation)
        ],
        "absences": [
            {"person": pid(a.person_id), "from": a.start, "to": a.end, "planned": a.planned}
            for a in Absence.objects.filter(person__organisation=organisation)
        ],
    }
    scenario = scenario_from_python(data)
    check_references(scenario, organisation.pack)
    return scenario


def _session(s: Session) -> dict[str, Any]:
    record = getattr(s, "record", None)
    row: dict[str, Any] = {
        "id": f"s{s.pk}",
        "kind": s.kind,
        "supervisor": pid(s.supervisor_id),
        "supervisee": pid(s.supervisee_id),
        "attendees": [pid(a.pk) for a in s.attendees.all()],
        "observer": pid(s.observer_id),
        "date": s.date,
        "status": s.status,
    }
    if s.status == Session.Status.HELD and record is not None:
        row["record_shared"] = record.shared_on
        row["record_agreed"] = record.agreed_on
    if s.status == Session.Status.CANCELLED:
        row["cancelled_on"] = s.cancelled_on
        row["reason"] = s.cancel_reason or "other"
        row["return_to_work"] = s.return_to_work
    return row


@dataclass(frozen=True)
class Obligations:
    pack: PolicyPack
    as_of: date
    items: list[dict[str, Any]]
    case_ids: dict[str, str]  # "c12" -> the child's case-system ID

    def for_person(self, person: Person) -> list[dict[str, Any]]:
        key = pid(person.pk)
        return [ob for ob in self.items if key in (ob.get("person"), ob.get("supervisee"), ob.get("worker"))]

    def rule_text(self, rule_id: str) -> str:
        for rule in self.pack.all_rules():
            if rule.id == rule_id:
                return rule.interpretation or ""
        return ""


def obligations_for(organisation: Organisation, as_of: date) -> Obligations:
    """The engine's report for an organisation, as of a date."""
    report = evaluate(scenario_for(organisation, as_of), organisation.pack)
    case_ids = {
        f"c{pk}": case_id
        for pk, case_id in Child.objects.filter(organisation=organisation).values_list("pk", "case_id")
    }
    return Obligations(pack=organisation.pack, as_of=as_of, items=report["obligations"], case_ids=case_ids)
