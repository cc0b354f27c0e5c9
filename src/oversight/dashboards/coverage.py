"""4x4x4 coverage: for the people a dashboard counts, which of Morrison's functions their recent
supervision served and which stages of the Kolb cycle it reached, quarter by quarter and person
by person, and the sessions short of what the council asks of each session (Leeds 3.4 and 4.11,
Blackpool 3 and 5, Bristol 4.1).

Read from the supervisor's tags on each record (records.services.record_tag_coverage); the
rules and their citations are the pack's (oversight.policy.reflective). Who is counted, and for
which kinds of supervision, is the dashboard's scope (oversight.dashboards.scope), so a viewer
sees the coverage of exactly the people the other figures count.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from oversight.people.models import Person
from oversight.policy.reflective import (
    FUNCTION_IDS,
    FUNCTIONS,
    STAGE_IDS,
    STAGES,
    CoverageRule,
    Reflective,
    period_gaps,
    reflective_for,
    session_gaps,
)
from oversight.records.models import Record

from .scope import Scope

WINDOWS = (6, 12)  # the last N records of each person
KINDS = ("personal", "case")  # one-to-one supervision, which has a record per supervisee
QUARTERS = 4


@dataclass(frozen=True)
class SessionCoverage:
    record_id: int
    day: date
    kind: str
    tagged: bool
    covered: frozenset[str]
    short: list[dict[str, Any]]  # the rules asked of each session that this one did not meet
    served: str  # the functions, stages and areas, as words
    reached: str
    areas: str


@dataclass
class PersonCoverage:
    person: Person
    sessions: list[SessionCoverage] = field(default_factory=list)  # newest first
    not_served: list[str] = field(default_factory=list)
    not_reached: list[str] = field(default_factory=list)
    period: list[dict[str, Any]] = field(default_factory=list)

    @property
    def tagged(self) -> int:
        return sum(1 for s in self.sessions if s.tagged)

    @property
    def short(self) -> int:
        return sum(1 for s in self.sessions if s.short)


@dataclass(frozen=True)
class QuarterCoverage:
    label: str
    held: int
    tagged: int
    counts: dict[str, int]
    short: int

    @property
    def cells(self) -> list[int]:
        """The counts in the order of the report's columns (functions, then stages)."""
        return [self.counts[item] for item in (*FUNCTION_IDS, *STAGE_IDS)]


@dataclass(frozen=True)
class CoverageReport:
    reflective: Reflective
    seed: str
    last: int
    people: list[PersonCoverage]
    quarters: list[QuarterCoverage]

    @property
    def rules(self) -> list[dict[str, Any]]:
        return [_rule(self.reflective, self.seed, r) for r in self.reflective.coverage]

    @property
    def columns(self) -> list[tuple[str, str]]:
        return [*FUNCTIONS, *STAGES]


def _rule(reflective: Reflective, seed: str, rule: CoverageRule, missing: tuple[str, ...] = ()) -> dict[str, Any]:
    return {
        "rule": rule,
        "cite": f"{seed} {rule.source}",
        "asks": [reflective.label(i) for i in rule.items],
        "missing": [reflective.label(i) for i in missing],
    }


def _words(reflective: Reflective, ids: list[str] | None) -> str:
    return ", ".join(reflective.label(i) for i in ids or []) or "None"


def _quarter(day: date) -> tuple[int, int]:
    return day.year, (day.month - 1) // 3 + 1


def _last_quarters(today: date, n: int) -> list[tuple[int, int]]:
    year, q = _quarter(today)
    out = []
    for _ in range(n):
        out.append((year, q))
        year, q = (year - 1, 4) if q == 1 else (year, q - 1)
    return list(reversed(out))


def coverage_report(scope: Scope, *, today: date, last: int) -> CoverageReport:
    """The coverage of the scope's people: their last ``last`` records (of the kinds the scope
    covers on each, held in the past two years) and the last four quarters. Two queries."""
    organisation = scope.organisation
    reflective = reflective_for(organisation.policy_pack)
    seed = organisation.pack.seed
    start = date(today.year - 2, today.month, min(today.day, 28))  # the last N are looked for this far back
    rows = (
        Record.objects.filter(
            scope.session_q("session__"),
            session__kind__in=KINDS,
            session__status="held",
            session__date__gte=start,
            session__date__lte=today,
        )
        .order_by("session__supervisee_id", "-session__date", "-pk")
        .values_list(
            "pk",
            "session__supervisee_id",
            "session__date",
            "session__kind",
            "functions",
            "stages",
            "areas",
            "coverage_tagged_at",
        )
    )
    by_person: dict[int, list[SessionCoverage]] = defaultdict(list)
    quarters = _last_quarters(today, QUARTERS)
    held: dict[tuple[int, int], int] = defaultdict(int)
    tagged: dict[tuple[int, int], int] = defaultdict(int)
    short: dict[tuple[int, int], int] = defaultdict(int)
    counts: dict[tuple[int, int], dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for pk, person_id, day, kind, functions, stages, areas, tagged_at in rows:
        covered = frozenset([*(functions or []), *(stages or []), *(areas or [])])
        is_tagged = tagged_at is not None
        gaps = session_gaps(reflective.coverage, kind, covered) if is_tagged else []
        session = SessionCoverage(
            record_id=pk,
            day=day,
            kind=kind,
            tagged=is_tagged,
            covered=covered,
            short=[_rule(reflective, seed, g.rule, g.missing) for g in gaps],
            served=_words(reflective, functions),
            reached=_words(reflective, stages),
            areas=_words(reflective, areas),
        )
        if len(by_person[person_id]) < last:
            by_person[person_id].append(session)
        quarter = _quarter(day)
        if quarter in quarters:
            held[quarter] += 1
            if is_tagged:
                tagged[quarter] += 1
                short[quarter] += bool(gaps)
                for item in covered:
                    counts[quarter][item] += 1

    people = []
    for person in Person.objects.filter(pk__in=scope.ids).order_by("name", "pk"):
        sessions = by_person.get(person.pk, [])
        entry = PersonCoverage(person=person, sessions=sessions)
        marked = [s for s in sessions if s.tagged]
        if marked:
            seen = frozenset().union(*(s.covered for s in marked))
            entry.not_served = [label for f, label in FUNCTIONS if f not in seen]
            entry.not_reached = [label for s, label in STAGES if s not in seen]
            entry.period = [
                _rule(reflective, seed, g.rule, g.missing)
                for g in period_gaps(reflective.coverage, [(s.kind, s.covered) for s in marked])
            ]
        people.append(entry)

    return CoverageReport(
        reflective=reflective,
        seed=seed,
        last=last,
        people=people,
        quarters=[
            QuarterCoverage(
                label=f"{year} Q{q}",
                held=held[(year, q)],
                tagged=tagged[(year, q)],
                counts={item: counts[(year, q)].get(item, 0) for item in (*FUNCTION_IDS, *STAGE_IDS)},
                short=short[(year, q)],
            )
            for year, q in quarters
        ],
    )
