"""File and quality clocks: what the supervision file and the quality loop owe, from a
scenario's ``file_events`` and the pack's ``file_clocks`` (see README, "File and quality
clocks", and ``pack.FileClockRule``).

One obligation per rule and person who owes it, ``file:<event kind>:<person>``:

- ``due``: ``every`` after the last event that meets it; never met, by the rule's
  ``first_due`` from ``anchor`` (when the clock starts: the day the person began to
  supervise, the start of their current supervisory relationship, or the day they
  started, for ``who`` = supervisors, supervisees, staff);
- ``done``: the last such event on or before ``as_of`` (for a rule owed once: the first
  on or after ``anchor``);
- ``status``: ``overdue`` or ``upcoming`` for a recurring clock, as ``supervision:*``;
  ``met``, ``late``, ``overdue`` or ``pending`` for one owed once, as ``agreement:*``.

Nothing is owed when the scenario has no ``file_events`` key: it does not track the file;
nor under a rule whose kind (or required kind) is not among ``file_event_kinds``, where the
scenario names the kinds its source records. Events after ``as_of`` count for nothing (not
yet happened). Pure Python, no Django.
"""

from __future__ import annotations

import bisect
from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from typing import Any

from .pack import FileClockRule, PolicyPack
from .scenario import Person, Relationship, Scenario

Obligation = dict[str, Any]

# What each kind of file event is, as a page or a reminder names it.
FILE_EVENT_LABELS = {
    "training": "Supervision training",
    "supervision_observed": "Observation of the supervisor's supervision",
    "file_audit": "Audit of the supervisor's supervision files",
    "self_care_plan": "Self-care plan",
    "self_care_review": "Review of the self-care plan",
    "objectives_set": "Objectives set",
}
# Whom each ``who`` names, and the day its clock starts, in words.
WHO_LABELS = {
    "supervisors": ("supervisors", "on", "the day they began to supervise"),
    "supervisees": ("supervisees", "at", "the start of the supervisory relationship"),
    "staff": ("all staff", "on", "the day they started"),
}


@dataclass(frozen=True)
class Owing:
    """A person who may owe a clock, and the day their clock starts for each ``who``."""

    person: Person
    anchor: date
    relationships: tuple[Relationship, ...] = ()


def _living(person: Person, as_of: date) -> bool:
    return person.started <= as_of and (person.left is None or person.left >= as_of)


def _active(rel: Relationship, as_of: date) -> bool:
    return rel.from_ <= as_of and (rel.to is None or rel.to >= as_of)


def who_owes(scenario: Scenario) -> dict[str, dict[str, Owing]]:
    """For each ``who``: the people it names on ``as_of``, by id, with when their clock starts.

    supervisors: supervising someone still employed in a relationship running on the day
    (as ``ratio:*`` counts them); their clock starts on the first day they supervised
    anyone (not before they started). supervisees: supervised in a relationship running on
    the day (as ``supervision:*``); their clock starts with the latest such relationship.
    staff: employed on the day; their clock starts on the day they started.
    """
    as_of = scenario.as_of
    people = {p.id: p for p in scenario.people or ()}
    first_supervised: dict[str, date] = {}
    supervising: set[str] = set()
    current: dict[str, list[Relationship]] = defaultdict(list)
    for rel in scenario.relationships or ():
        if rel.from_ <= as_of and (
            rel.supervisor not in first_supervised or rel.from_ < first_supervised[rel.supervisor]
        ):
            first_supervised[rel.supervisor] = rel.from_
        supervisee = people[rel.supervisee]
        if _active(rel, as_of) and (supervisee.left is None or supervisee.left >= as_of):
            supervising.add(rel.supervisor)
            current[rel.supervisee].append(rel)
    out: dict[str, dict[str, Owing]] = {"supervisors": {}, "supervisees": {}, "staff": {}}
    for pid, person in people.items():
        if not _living(person, as_of):
            continue
        out["staff"][pid] = Owing(person, person.started)
        if pid in supervising:
            out["supervisors"][pid] = Owing(person, max(person.started, first_supervised[pid]))
        if pid in current:
            relationships = tuple(current[pid])
            start = max(rel.from_ for rel in relationships)
            out["supervisees"][pid] = Owing(person, max(person.started, start), relationships)
    return out


def _anchor(rule: FileClockRule, owing: Owing) -> date:
    """When the clock starts; for a supervisee's clock discussed in one kind of supervision,
    the latest relationship covering that kind (every relationship where none names it)."""
    if rule.who != "supervisees" or rule.discussed_in is None:
        return owing.anchor
    covering = [r for r in owing.relationships if r.kinds is None or rule.discussed_in in r.kinds]
    return max(owing.person.started, max(r.from_ for r in covering or owing.relationships))


def file_clock_obligations(scenario: Scenario, pack: PolicyPack) -> list[Obligation]:
    """The ``file:*`` obligations (unsorted); none when the scenario has no ``file_events``."""
    if scenario.file_events is None or not pack.file_clocks:
        return []
    as_of = scenario.as_of
    recorded = set(scenario.file_event_kinds) if scenario.file_event_kinds is not None else None
    events: dict[tuple[str, str], list[date]] = defaultdict(list)
    for event in scenario.file_events:
        if event.date <= as_of:
            events[(event.person, event.kind)].append(event.date)
    for dates in events.values():
        dates.sort()
    owing_by_who = who_owes(scenario)
    out: list[Obligation] = []
    for rule in pack.file_clocks:
        if recorded is not None and not {rule.kind, rule.requires or rule.kind} <= recorded:
            continue
        source = pack.cite(rule)
        for pid, owing in sorted(owing_by_who[rule.who].items()):
            if rule.roles is not None and owing.person.role not in rule.roles:
                continue
            if rule.requires is not None and not events.get((pid, rule.requires)):
                continue
            dates = sorted(day for kind in rule.meeting_kinds for day in events.get((pid, kind), ()))
            out.append(_obligation(rule, pid, _anchor(rule, owing), dates, as_of, source))
    return out


def _obligation(rule: FileClockRule, pid: str, anchor: date, dates: list[date], as_of: date, source: str) -> Obligation:
    """One person's obligation under ``rule``; ``dates``: the events that meet it, sorted."""
    start_due = rule.within.add_to(anchor) if rule.within is not None else anchor
    if rule.every is None:  # owed once: met by the first event on or after the start
        position = bisect.bisect_left(dates, anchor)
        done = dates[position] if position < len(dates) else None
        due = start_due
        if done is not None:
            status = "met" if done <= due else "late"
        else:
            status = "overdue" if as_of > due else "pending"
    else:
        done = dates[-1] if dates else None
        if done is not None:
            due = rule.every.add_to(done)
        elif rule.first_due == "at_start":
            due = start_due
        else:  # one_period (only_with always has its required event, which meets it or not)
            due = rule.every.add_to(anchor)
        status = "overdue" if as_of > due else "upcoming"
    ob: Obligation = {
        "id": f"file:{rule.kind}:{pid}",
        "kind": "file",
        "event_kind": rule.kind,
        "person": pid,
        "who": rule.who,
        "anchor": anchor.isoformat(),
        "due": due.isoformat(),
        "done": done.isoformat() if done is not None else None,
        "status": status,
        "every": rule.every.describe() if rule.every is not None else None,
        "rule": rule.id,
        "source": source,
    }
    if rule.discussed_in is not None:
        ob["session_kind"] = rule.discussed_in
    return ob


def describe_rule(rule: FileClockRule) -> str:
    """One line saying what a file clock asks, e.g. 'supervision training, supervisors:
    every 5 years; never done: due on the day they began to supervise'."""
    who, on, start = WHO_LABELS[rule.who]
    if rule.roles:
        who += f" ({', '.join(rule.roles) if len(rule.roles) <= 4 else f'{len(rule.roles)} roles'})"
    head = f"{FILE_EVENT_LABELS[rule.kind].lower()}, {who}"
    at_start = f"within {rule.within.describe()} of {start}" if rule.within is not None else f"{on} {start}"
    if rule.every is None:
        parts = [f"{head}: once, {at_start}"]
    else:
        parts = [f"{head}: every {rule.every.describe()}"]
        if rule.first_due == "at_start":
            parts.append(f"never done: due {at_start}")
        elif rule.first_due == "one_period":
            parts.append(f"never done: due {rule.every.describe()} after {start}")
        else:
            assert rule.requires is not None
            parts.append(f"only for those with a {FILE_EVENT_LABELS[rule.requires].lower()}")
    if rule.met_by:
        parts.append("met by " + " or ".join(FILE_EVENT_LABELS[k].lower() for k in rule.met_by))
    if rule.discussed_in:
        parts.append(f"discussed in {rule.discussed_in} supervision")
    return "; ".join(parts)
