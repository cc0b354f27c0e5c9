"""Reads for capacity planning: the plain data oversight.policy.capacity computes from, for the
people a dashboard scope counts (oversight.dashboards.scope, the one access policy).

A supervisor's load counts everyone they supervise now, so the supervisors of the scope's
people are read with all their current supervisees; those outside the scope are counted but
never named (``capacity.outside_view``). A fixed number of queries, whatever the size.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from django.conf import settings
from django.db.models import Max, Q

from oversight.access.reach import active_on
from oversight.cases.models import Child
from oversight.dashboards.scope import Scope
from oversight.people.models import HoursWorked, Person
from oversight.policy.capacity import Assumptions, Case, Inputs, Staff, Supervision
from oversight.sessions.models import Session
from oversight.supervision.models import Relationship

HOURS_LOOKBACK = timedelta(days=366)  # hours worked read back: the last session and 13 weeks before today


def pid(pk: int) -> str:
    return f"p{pk}"


def default_assumptions() -> Assumptions:
    """The council's assumptions for what the policies do not say (settings, see README)."""
    return Assumptions(
        share=float(getattr(settings, "OVERSIGHT_CAPACITY_SHARE", 0.2)),
        default_minutes=int(getattr(settings, "OVERSIGHT_CAPACITY_DEFAULT_MINUTES", 90)),
        case_review_minutes=int(getattr(settings, "OVERSIGHT_CAPACITY_CASE_REVIEW_MINUTES", 15)),
    )


@dataclass(frozen=True)
class Planning:
    inputs: Inputs
    visible: set[str]  # the scope's people, whom the page may name
    supervisees: list[Staff]  # the scope's people supervised now (who may be moved)
    supervisors: list[Staff]  # whom they may be moved to: current supervisors and the scope's people


def planning_for(scope: Scope, today: date, quarter_start: date) -> Planning:
    """The scope's supervisees, their supervisors and the supervisors' other supervisees, as of
    ``today``; supervisees who leave before the quarter starts are left out."""
    in_scope = set(scope.people)
    current = Relationship.objects.filter(active_on(today)).filter(
        Q(supervisee__left__isnull=True) | Q(supervisee__left__gte=quarter_start)
    )
    supervisors = set(current.filter(supervisee_id__in=in_scope).values_list("supervisor_id", flat=True))
    rows = list(
        current.filter(supervisor_id__in=supervisors | in_scope).values_list(
            "supervisor_id", "supervisee_id", "start", "kinds"
        )
    )
    ids = in_scope | supervisors | {row[0] for row in rows} | {row[1] for row in rows}
    supervisees = {row[1] for row in rows}
    holders = set(Child.objects.filter(worker_id__in=supervisees).values_list("worker_id", flat=True).distinct())
    people: dict[str, Staff] = {}
    for pk, name, role, started, employment, asye_start, weekly, team in (
        Person.objects.filter(pk__in=ids, organisation_id=scope.organisation.pk)
        .order_by()
        .values_list("pk", "name", "role", "started", "employment", "asye_start", "weekly_hours", "team__name")
    ):
        people[pid(pk)] = Staff(
            id=pid(pk),
            name=name,
            role=role,
            started=started,
            employment=employment,
            asye_start=asye_start,
            weekly_hours=None if weekly is None else float(weekly),
            team=team or "",
            case_holder=pk in holders,
        )
    supervisions = tuple(
        Supervision(pid(sup), pid(see), start, frozenset(kinds) if kinds else None)
        for sup, see, start, kinds in sorted(rows, key=lambda r: (r[0], r[1], r[2]))
        if pid(sup) in people and pid(see) in people
    )
    last_held: dict[tuple[str, str], date] = {}
    held = Session.objects.filter(status=Session.Status.HELD, date__lte=today)
    for supervisee, kind, last in (
        held.filter(supervisee_id__in=supervisees).values_list("supervisee_id", "kind").annotate(last=Max("date"))
    ):
        last_held[(pid(supervisee), kind)] = last
    through = Session.attendees.through.objects.filter(
        person_id__in=supervisees, session__status=Session.Status.HELD, session__date__lte=today
    )
    for person, kind, last in through.values_list("person_id", "session__kind").annotate(last=Max("session__date")):
        key = (pid(person), kind)
        last_held[key] = max(last, last_held.get(key, last))
    cases = tuple(
        Case(f"c{pk}", pid(worker), status, allocated, last_review, every)
        for pk, worker, status, allocated, every, last_review in Child.objects.filter(worker_id__in=supervisees)
        .annotate(last_review=Max("reviews__date", filter=Q(reviews__date__lte=today)))
        .order_by("pk")
        .values_list("pk", "worker_id", "status", "allocated", "review_every_weeks", "last_review")
    )
    casual = [int(p.id[1:]) for p in people.values() if p.employment == "casual"]
    hours: dict[str, list[tuple[date, float]]] = {}
    for person, day, worked in (
        HoursWorked.objects.filter(person_id__in=casual, date__gt=today - HOURS_LOOKBACK, date__lte=today)
        .order_by("person_id", "date")
        .values_list("person_id", "date", "hours")
    ):
        hours.setdefault(pid(person), []).append((day, float(worked)))
    inputs = Inputs(
        people=people, supervisions=supervisions, today=today, cases=cases, last_held=last_held, hours=hours
    )
    visible = {pid(pk) for pk in in_scope}
    supervised = {s.supervisee for s in supervisions}
    by_name = sorted(people.values(), key=lambda s: (s.name, s.id))
    return Planning(
        inputs=inputs,
        visible=visible,
        supervisees=[s for s in by_name if s.id in visible and s.id in supervised],
        supervisors=[s for s in by_name if s.id in visible or s.id in {x.supervisor for x in supervisions}],
    )
