"""What every obligation family shares: the per-evaluation index, the process-wide caches
(ISO dates, clocks, period words) and the deadline helpers.

The caches ``_ISO_CACHE``, ``_CLOCKS`` and ``_DESCRIPTIONS`` live here and only here: the
family modules import these very objects, so all of them share one of each.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from ..pack import Period, PolicyPack
from ..scenario import Person, Relationship, Scenario

Obligation = dict[str, Any]


_ISO_CACHE: dict[date, str] = {}


def _iso(day: date | None) -> str | None:
    """ISO text of a date, cached: a national scenario repeats a few thousand dates a million times."""
    if day is None:
        return None
    text = _ISO_CACHE.get(day)
    if text is None:
        text = _ISO_CACHE[day] = day.isoformat()
    return text


class _Clock:
    """A period's ``add_to`` with a cache per start date."""

    __slots__ = ("period", "cache")

    def __init__(self, period: Period):
        self.period = period
        self.cache: dict[date, date] = {}

    def __call__(self, start: date) -> date:
        due = self.cache.get(start)
        if due is None:
            due = self.cache[start] = self.period.add_to(start)
        return due


_CLOCKS: dict[int, _Clock] = {}
_DESCRIPTIONS: dict[int, tuple[Period, str]] = {}


def _describe(period: Period) -> str:
    """A period's words ('4 weeks'), cached: the same few periods are described for every person."""
    found = _DESCRIPTIONS.get(id(period))
    if found is None or found[0] is not period:
        found = _DESCRIPTIONS[id(period)] = (period, period.describe())
    return found[1]


def clock(period: Period) -> _Clock:
    """The cached clock of a pack's period (packs live for the whole process)."""
    found = _CLOCKS.get(id(period))
    if found is None or found.period is not period:
        found = _CLOCKS[id(period)] = _Clock(period)
    return found


def _deadline_status(due: date, done: date | None, as_of: date) -> str:
    """met / late once done; overdue / pending while not (on the due date is on time)."""
    if done is not None and done <= as_of:
        return "met" if done <= due else "late"
    return "overdue" if as_of > due else "pending"


def _deadline(
    ob_id: str, kind: str, due: date, done: date | None, as_of: date, pack: PolicyPack, rule: Any, **extra: Any
) -> Obligation:
    return {
        "id": ob_id,
        "kind": kind,
        "due": _iso(due),
        "done": _iso(done if done is not None and done <= as_of else None),
        "status": _deadline_status(due, done, as_of),
        "rule": rule.id,
        "source": pack.cite(rule),
        **extra,
    }


@dataclass
class _Index:
    """Look-ups built once per evaluation."""

    scenario: Scenario
    people: dict[str, Person] = field(default_factory=dict)
    active: dict[str, list[Relationship]] = field(default_factory=lambda: defaultdict(list))
    supervisees_of: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    relationships_of: dict[str, list[Relationship]] = field(default_factory=lambda: defaultdict(list))
    held: dict[tuple[str, str], list[date]] = field(default_factory=lambda: defaultdict(list))
    case_holders: set[str] = field(default_factory=set)
    hours: dict[str, list[tuple[date, float]]] = field(default_factory=lambda: defaultdict(list))

    @classmethod
    def build(cls, scenario: Scenario) -> _Index:
        index = cls(scenario)
        as_of = scenario.as_of
        index.people = {p.id: p for p in scenario.people}
        for rel in scenario.relationships:
            index.relationships_of[rel.supervisee].append(rel)
            supervisee = index.people[rel.supervisee]
            if (
                rel.from_ <= as_of
                and (rel.to is None or rel.to >= as_of)
                and (supervisee.left is None or supervisee.left >= as_of)
            ):
                index.active[rel.supervisee].append(rel)
                index.supervisees_of[rel.supervisor].add(rel.supervisee)
        held = index.held
        for session in scenario.sessions:
            if session.status == "held" and session.date <= as_of:
                kind, day = session.kind, session.date
                if session.attendees:
                    for pid in session.participants():
                        held[(pid, kind)].append(day)
                elif session.supervisee is not None:
                    held[(session.supervisee, kind)].append(day)
        for dates in index.held.values():
            dates.sort()
        index.case_holders = {child.worker for child in scenario.children}
        for entry in scenario.hours:
            if entry.date <= as_of:  # hours not yet worked on as_of count for nothing
                index.hours[entry.person].append((entry.date, entry.hours))
        for entries in index.hours.values():
            entries.sort()
        return index
