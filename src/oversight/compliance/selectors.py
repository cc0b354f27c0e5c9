"""Reads for compliance: the organisation's data as an engine scenario, and the
obligations the engine computes from it.

Ids in the scenario are prefixed database keys (``p12`` a person, ``s5`` a
session, ``c3`` a child, ``r7`` a case review) so that an obligation id such as
``supervision:personal:p12`` leads back to its rows.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection
from dataclasses import dataclass
from datetime import date
from operator import itemgetter
from typing import Any

from django.db.models import Q, QuerySet

from oversight.cases.models import CaseReview, Child
from oversight.organisations.models import Organisation
from oversight.people.models import Absence, AsyeReview, HoursWorked, Person
from oversight.policy import PolicyPack, Scenario, evaluate
from oversight.policy.scenario import check_references, scenario_from_python
from oversight.sessions.models import Session
from oversight.supervision.models import Agreement, AgreementReview, AgreementSignature, Relationship

from .providers import file_events_for


def pid(person_id: int | None) -> str | None:
    return None if person_id is None else f"p{person_id}"


def scenario_for(organisation: Organisation, as_of: date, people: Collection[int] | None = None) -> Scenario:
    """Everything the engine needs about one organisation, on ``as_of``.

    With ``people`` (keys of the organisation's people), a sub-scenario: only what the obligations of those
    people are computed from (``oversight.compliance.store.owner_of`` names whose each
    obligation is): their own data, their relationships and the people at the other end,
    their sessions (and group sessions led by them or their supervisors), the children they
    hold with their case reviews, their supervisors' absences, and their own file events
    (``providers``). It also yields some obligations of those other people, computed from
    partial data: keep only the ones ``owner_of`` gives to ``people``. It is not checked
    against the pack again.
    """
    persons = Person.objects.filter(organisation=organisation)
    relationships: QuerySet[Relationship] | list[Relationship] = Relationship.objects.filter(organisation=organisation)
    agreements = Agreement.objects.filter(relationship__organisation=organisation)
    sessions = Session.objects.filter(organisation=organisation)
    children = Child.objects.filter(organisation=organisation)
    reviews = CaseReview.objects.filter(child__organisation=organisation)
    hours = HoursWorked.objects.filter(person__organisation=organisation)
    absences = Absence.objects.filter(person__organisation=organisation)
    in_scenario: set[int] = set()
    if people is not None:
        # The people are the organisation's (the caller checks): filtering by it as well only
        # misleads the planners away from the person indexes.
        focus = set(people)
        relationships = list(Relationship.objects.filter(Q(supervisee_id__in=focus) | Q(supervisor_id__in=focus)))
        supervisors = {r.supervisor_id for r in relationships if r.supervisee_id in focus}
        in_scenario = focus | supervisors | {r.supervisee_id for r in relationships if r.supervisor_id in focus}
        persons = persons.filter(pk__in=in_scenario)
        agreements = Agreement.objects.filter(relationship__supervisee_id__in=focus)
        # Three indexed look-ups rather than one OR, which the databases answer with a scan.
        attended = set(
            Session.attendees.through.objects.filter(person_id__in=focus).values_list("session_id", flat=True)
        )
        attended |= set(
            Session.objects.filter(kind=Session.Kind.GROUP, supervisor_id__in=focus | supervisors).values_list(
                "pk", flat=True
            )
        )
        sessions = Session.objects.filter(Q(supervisee_id__in=focus) | Q(pk__in=sorted(attended)))
        children = Child.objects.filter(worker_id__in=focus)
        reviews = CaseReview.objects.filter(child__worker_id__in=focus)
        hours = HoursWorked.objects.filter(person_id__in=focus)
        absences = Absence.objects.filter(person_id__in=focus | supervisors)
    # Plain values, not model instances: a national council has hundreds of thousands of rows.
    asye_reviews: dict[int, list[date]] = defaultdict(list)
    asye = (
        AsyeReview.objects.filter(person__organisation=organisation)
        if people is None
        else AsyeReview.objects.filter(person_id__in=in_scenario)
    )
    for person_id, day in asye.values_list("person_id", "date"):
        asye_reviews[person_id].append(day)
    agreement_rows = list(agreements.values_list("pk", "relationship__supervisor_id", "relationship__supervisee_id"))
    signatures: dict[int, dict[str, date]] = defaultdict(dict)
    reviewed: dict[int, list[date]] = defaultdict(list)
    if agreement_rows:
        agreement_ids = agreements.values("pk")
        for agreement_id, party, at in AgreementSignature.objects.filter(
            agreement__in=agreement_ids, party__in=("supervisor", "supervisee")
        ).values_list("agreement_id", "party", "signed_at"):
            signatures[agreement_id][party] = at.date()
        for agreement_id, day in AgreementReview.objects.filter(agreement__in=agreement_ids).values_list(
            "agreement_id", "date"
        ):
            reviewed[agreement_id].append(day)
    session_rows = list(
        sessions.order_by().values_list(
            "pk",
            "kind",
            "supervisor_id",
            "supervisee_id",
            "observer_id",
            "date",
            "status",
            "record__pk",
            "record__shared_on",
            "record__agreed_on",
            "cancelled_on",
            "cancel_reason",
            "return_to_work",
        )
    )
    attendees: dict[int, list[str | None]] = defaultdict(list)
    through = Session.attendees.through.objects
    attending = (
        through.filter(session__organisation=organisation)
        if people is None
        else through.filter(session_id__in=[row[0] for row in session_rows])
    )
    for session_id, person_id in attending.order_by("pk").values_list("session_id", "person_id"):
        attendees[session_id].append(pid(person_id))
    data: dict[str, Any] = {
        "policy": organisation.policy_pack,
        "as_of": as_of,
        "people": [
            {
                "id": pid(pk),
                "role": role,
                "started": started,
                "left": left,
                "employment": employment,
                "asye_start": asye_start,
                "asye_reviews": sorted(asye_reviews.get(pk, ())),
            }
            for pk, role, started, left, employment, asye_start in persons.order_by().values_list(
                "pk", "role", "started", "left", "employment", "asye_start"
            )
        ],
        "relationships": [
            {
                "supervisor": pid(supervisor),
                "supervisee": pid(supervisee),
                "from": start,
                "to": end,
                "kinds": kinds or None,
            }
            for supervisor, supervisee, start, end, kinds in (
                [(r.supervisor_id, r.supervisee_id, r.start, r.end, r.kinds) for r in relationships]
                if isinstance(relationships, list)
                else relationships.order_by().values_list("supervisor_id", "supervisee_id", "start", "end", "kinds")
            )
        ],
        "agreements": [
            {
                "supervisor": pid(supervisor),
                "supervisee": pid(supervisee),
                "signed": max(signatures[pk].values()) if len(signatures.get(pk, ())) == 2 else None,
                "reviewed": sorted(reviewed.get(pk, ())),
            }
            for pk, supervisor, supervisee in agreement_rows
        ],
        "sessions": [_session(row, attendees.get(row[0], [])) for row in session_rows],
        "children": [
            {
                "id": f"c{pk}",
                "worker": pid(worker),
                "status": status,
                "allocated": allocated,
                "review_every_weeks": every,
                "rationale": rationale or None,
            }
            for pk, worker, status, allocated, every, rationale in children.order_by().values_list(
                "pk", "worker_id", "status", "allocated", "review_every_weeks", "rationale"
            )
        ],
        "case_reviews": [
            {"id": f"r{pk}", "child": f"c{child}", "date": day, "by": pid(by), "direction_recorded": recorded}
            for pk, child, day, by, recorded in reviews.order_by().values_list(
                "pk", "child_id", "date", "by_id", "direction_recorded"
            )
        ],
        "hours": [
            {"person": pid(person), "date": day, "hours": float(worked)}
            for person, day, worked in hours.order_by().values_list("person_id", "date", "hours")
        ],
        "absences": [
            {"person": pid(person), "from": start, "to": end, "planned": planned}
            # the later of two covering absences wins, in a full refresh and an incremental one alike
            for person, start, end, planned in absences.order_by("-start", "pk").values_list(
                "person_id", "start", "end", "planned"
            )
        ],
    }
    file_events = file_events_for(organisation, people)
    if file_events is not None:  # only when the file is kept here: see ``providers``
        data["file_events"], data["file_event_kinds"] = file_events
    scenario = scenario_from_python(data)
    if people is None:
        check_references(scenario, organisation.pack)
    return scenario


def _session(row: tuple[Any, ...], attendees: list[str | None]) -> dict[str, Any]:
    """A session's values (see ``scenario_for``) as the scenario's session."""
    pk, kind, supervisor, supervisee, observer, day, status, record, shared, agreed = row[:10]
    cancelled_on, reason, return_to_work = row[10:]
    session: dict[str, Any] = {
        "id": f"s{pk}",
        "kind": kind,
        "supervisor": pid(supervisor),
        "supervisee": pid(supervisee),
        "attendees": attendees,
        "observer": pid(observer),
        "date": day,
        "status": status,
    }
    if status == Session.Status.HELD and record is not None:
        session["record_shared"] = shared
        session["record_agreed"] = agreed
    if status == Session.Status.CANCELLED:
        session["cancelled_on"] = cancelled_on
        session["reason"] = reason or "other"
        session["return_to_work"] = return_to_work
    return session


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


def stored_obligations(
    organisation: Organisation,
    as_of: date,
    *,
    people: Collection[int] | None = None,
    kinds: Collection[str] | None = None,
    children_of: int | None = None,
    keys: Collection[str] | None = None,
    statuses: Collection[str] | None = None,
) -> Obligations:
    """The engine's report as ``obligations_for`` gives it, read from the obligation store.

    The store is brought up to date first (``store.ensure_current``: recomputed in full
    if never refreshed or refreshed as of another day). Filters narrow which rows are
    read: ``people`` whom they concern (the ``person`` column), ``kinds``, the children
    held by ``children_of``, ``keys`` (engine ids), ``statuses`` (e.g. only open ones). Items are sorted by id as the engine's.
    """
    from .models import Obligation
    from .store import engine_obligation, ensure_current

    ensure_current(organisation, as_of)
    rows = Obligation.objects.filter(organisation=organisation)
    if people is not None:
        rows = rows.filter(person_id__in=list(people))
    if kinds is not None:
        rows = rows.filter(kind__in=list(kinds))
    if children_of is not None:
        rows = rows.filter(child__worker_id=children_of)
    if keys is not None:
        rows = rows.filter(key__in=list(keys))
    if statuses is not None:
        rows = rows.filter(status__in=list(statuses))
    items = sorted(
        (engine_obligation(row) for row in rows.only("key", "kind", "rule", "source", "due", "status", "detail")),
        key=itemgetter("id"),
    )
    children = {pk for ob in items if (pk := _key_to_pk(ob.get("child"), "c")) is not None}
    case_ids = {
        f"c{pk}": case_id
        for pk, case_id in Child.objects.filter(organisation=organisation, pk__in=children).values_list("pk", "case_id")
    }
    return Obligations(pack=organisation.pack, as_of=as_of, items=items, case_ids=case_ids)


def _key_to_pk(value: Any, prefix: str) -> int | None:
    if isinstance(value, str) and value.startswith(prefix) and value[len(prefix) :].isdigit():
        return int(value[len(prefix) :])
    return None
