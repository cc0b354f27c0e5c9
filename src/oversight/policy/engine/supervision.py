"""Supervision: each person's sessions against the pack's interval for each kind required of
them, and the supervision agreement (and its reviews) for each active supervisor and supervisee.
"""

from __future__ import annotations

import bisect
from collections import defaultdict
from datetime import date
from typing import Any

from ..pack import Period, PolicyPack, SupervisionRule
from ..scenario import Person, Scenario
from .common import Obligation, _deadline, _describe, _Index, _iso, clock


def _held_index(scenario: Scenario) -> dict[tuple[str, str], list[tuple[date, str]]]:
    """(date, session id) of each held session per (participant, kind), by date: the sessions
    ``_Index.held`` counts, with their ids (built only when timings are asked for)."""
    as_of = scenario.as_of
    held: dict[tuple[str, str], list[tuple[date, str]]] = defaultdict(list)
    for session in scenario.sessions:
        if session.status == "held" and session.date <= as_of:
            if session.attendees:
                for pid in session.participants():
                    held[(pid, session.kind)].append((session.date, session.id))
            elif session.supervisee is not None:
                held[(session.supervisee, session.kind)].append((session.date, session.id))
    for entries in held.values():
        entries.sort()  # by date, then id: sessions held on one day are timed in a fixed order
    return held


def rules_for(pack: PolicyPack, person: Person, case_holder: bool) -> dict[str, SupervisionRule]:
    """The supervision rule for each kind the pack requires of this person.

    A rule that names the person's employment type beats a general one.
    """
    chosen: dict[str, SupervisionRule] = {}
    for rule in pack.supervision:
        if person.role not in rule.roles:
            continue
        if rule.employment is not None and person.employment not in rule.employment:
            continue
        if rule.only_without_cases and case_holder:
            continue
        current = chosen.get(rule.kind)
        if current is None or (current.employment is None and rule.employment is not None):
            chosen[rule.kind] = rule
    return chosen


def interval_for(rule: SupervisionRule, person: Person, base: date) -> Period:
    """The interval of the phase in which ``base`` falls (phases count from the ASYE start)."""
    if rule.every is not None:
        return rule.every
    assert rule.phases is not None
    anchor = person.asye_start or person.started
    for phase in rule.phases:
        if phase.until is None or base < clock(phase.until)(anchor):
            return phase.every
    return rule.phases[-1].every


def next_due(rule: SupervisionRule, person: Person, base: date, hours: list[tuple[date, float]]) -> date | None:
    """Base + interval; for an hours-based rule, the later of that and the day the
    hours worked after base reach the threshold (None while they have not)."""
    due = clock(interval_for(rule, person, base))(base)
    if rule.hours_threshold is None:
        return due
    total = 0.0
    start = bisect.bisect_right(hours, (base, float("inf")))
    for day, worked in hours[start:]:
        total += worked
        if total >= rule.hours_threshold:
            return max(due, day)
    return None


def _obligations_supervision(
    index: _Index, pack: PolicyPack, held_timings: list[dict[str, Any]] | None = None
) -> list[Obligation]:
    as_of = index.scenario.as_of
    out: list[Obligation] = []
    by_participant: dict[tuple[str, str], list[tuple[date, str]]] | None = None
    if held_timings is not None:
        by_participant = _held_index(index.scenario)
    for pid, relationships in index.active.items():
        person = index.people[pid]
        rules = rules_for(pack, person, pid in index.case_holders)
        for kind, rule in rules.items():
            covering = [r for r in relationships if r.kinds is None or kind in r.kinds] or relationships
            relationship_start = min(r.from_ for r in covering)
            start = max(relationship_start, person.started)
            held = index.held.get((pid, kind), [])
            hours = index.hours.get(pid, [])
            since = held[bisect.bisect_left(held, relationship_start) :]
            late = 0
            previous = relationship_start  # the contract: the first is late against the relationship's start
            if by_participant is None:  # the contract's path, kept as lean as it was
                for day in since:
                    due_then = next_due(rule, person, previous, hours)
                    if due_then is not None and day > due_then:
                        late += 1
                    previous = day
            else:
                assert held_timings is not None
                sessions = by_participant.get((pid, kind), [])
                timed = sessions[len(sessions) - len(since) :]  # the same sessions as ``since``
                source = pack.cite(rule)
                for (day, session_id), _same_day in zip(timed, since, strict=True):
                    due_then = next_due(rule, person, previous, hours)
                    on_time = due_then is None or day <= due_then
                    if not on_time:
                        late += 1
                    held_timings.append(
                        {
                            "person": pid,
                            "session": session_id,
                            "session_kind": kind,
                            "held": _iso(day),
                            "due": _iso(due_then),
                            "on_time": on_time,
                            "rule": rule.id,
                            "source": source,
                        }
                    )
                    previous = day
            last = held[-1] if held else None
            base = last if last is not None else start
            due = next_due(rule, person, base, hours)
            out.append(
                {
                    "id": f"supervision:{kind}:{pid}",
                    "kind": "supervision",
                    "session_kind": kind,
                    "person": pid,
                    "supervisors": sorted({r.supervisor for r in covering}),
                    "due": _iso(due),
                    "last": _iso(last),
                    "status": "overdue" if due is not None and as_of > due else "upcoming",
                    "interval": _describe(interval_for(rule, person, base)),
                    "history": {"held": len(since), "late": late},
                    "rule": rule.id,
                    "source": pack.cite(rule),
                }
            )
    return out


# --- agreements ------------------------------------------------------------------


def _obligations_agreements(index: _Index, pack: PolicyPack) -> list[Obligation]:
    scenario = index.scenario
    as_of = scenario.as_of
    rule = pack.agreement
    pairs: dict[tuple[str, str], date] = {}
    for supervisee, relationships in index.active.items():
        for rel in relationships:
            key = (rel.supervisor, supervisee)
            if key not in pairs or rel.from_ < pairs[key]:
                pairs[key] = rel.from_
    signed: dict[tuple[str, str], list[date]] = defaultdict(list)
    latest_review: dict[tuple[str, str], date] = {}
    for agreement in scenario.agreements:
        key = (agreement.supervisor, agreement.supervisee)
        if agreement.signed is not None and agreement.signed <= as_of:
            signed[key].append(agreement.signed)
            for day in [agreement.signed, *agreement.reviewed]:
                if day <= as_of and (key not in latest_review or day > latest_review[key]):
                    latest_review[key] = day
    out: list[Obligation] = []
    for (supervisor, supervisee), start in sorted(pairs.items()):
        due = rule.due_within.add_to(start) if rule.due_within is not None else start
        done = min(signed[(supervisor, supervisee)]) if signed.get((supervisor, supervisee)) else None
        out.append(
            _deadline(
                f"agreement:{supervisor}:{supervisee}",
                "agreement",
                due,
                done,
                as_of,
                pack,
                rule,
                supervisor=supervisor,
                supervisee=supervisee,
            )
        )
        if done is not None:
            base = latest_review[(supervisor, supervisee)]
            review_due = rule.review_every.add_to(base)
            out.append(
                {
                    "id": f"agreement_review:{supervisor}:{supervisee}",
                    "kind": "agreement_review",
                    "supervisor": supervisor,
                    "supervisee": supervisee,
                    "due": _iso(review_due),
                    "last": _iso(base),
                    "status": "overdue" if as_of > review_due else "upcoming",
                    "rule": rule.id,
                    "source": pack.cite(rule),
                }
            )
    return out
