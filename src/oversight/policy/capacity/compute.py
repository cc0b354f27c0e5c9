"""The computation: the supervision demanded of each supervisor in a quarter (``plan_quarter``),
the what-if's copies of the pack and the supervisions, and the view that merges the supervisees
outside a viewer's reach. How it counts is the package's docstring (oversight.policy.capacity)."""

from __future__ import annotations

import bisect
from collections import defaultdict
from collections.abc import Callable
from dataclasses import replace
from datetime import date, timedelta

from ..engine import case_review_period, interval_for, next_due, rules_for
from ..pack import CaseReviewRule, PolicyPack, RatioRule, SupervisionRule
from ..scenario import Child as EngineChild
from ..scenario import Person as EnginePerson
from .inputs import Assumptions, FrequencyChange, Inputs, Move, Staff, Supervision, WhatIf
from .outputs import KIND_ORDER, Line, Load, Plan, Ratio

RECENT_WEEKS = 13  # the weeks of hours worked averaged to project a casual worker's hours


def plan_quarter(
    inputs: Inputs,
    pack: PolicyPack,
    start: date,
    end: date,
    assumptions: Assumptions | None = None,
    what_if: WhatIf | None = None,
) -> Plan:
    """Each supervisor's demanded minutes from ``start`` to ``end`` (inclusive), by supervisee,
    kind and rule, with their available minutes and ratio; ``what_if`` applied to copies."""
    assumptions = assumptions or Assumptions()
    if what_if:
        pack = with_frequencies(pack, what_if.frequencies)
        supervisions = with_moves(inputs.supervisions, what_if.moves, inputs.people)
    else:
        supervisions = inputs.supervisions
    of_supervisee: dict[str, list[Supervision]] = defaultdict(list)
    for sup in supervisions:
        of_supervisee[sup.supervisee].append(sup)
    lines: dict[str, list[Line]] = defaultdict(list)
    rules_used: dict[str, str] = {}
    groups: dict[tuple[str, str], list[tuple[str, float, list[date], SupervisionRule]]] = defaultdict(list)

    for pid in sorted(of_supervisee):
        staff = inputs.people[pid]
        person = _engine_person(staff)
        relationships = of_supervisee[pid]
        for kind, rule in sorted(rules_for(pack, person, staff.case_holder).items()):
            covering = _covering(relationships, kind)
            relationship_start = min(r.start for r in covering)
            base = inputs.last_held.get((pid, kind))
            if base is None or base < relationship_start:
                base = max(relationship_start, staff.started)
            hours = _hours(inputs, pid, end) if rule.hours_threshold is not None else []
            dates = due_dates(rule, person, base, start, end, hours)
            rules_used[rule.id] = pack.cite(rule)
            part = 1 / len(covering)
            for sup in covering:
                if kind == "group":
                    groups[(sup.supervisor, rule.id)].append((pid, part, dates, rule))
                else:
                    lines[sup.supervisor].append(_line(pid, kind, rule, pack, person, dates, part, 1, assumptions))
    for (supervisor, _rule_id), members in sorted(groups.items()):
        # The group meets as often as its most often owed member needs; it counts once.
        dates = max((m[2] for m in members), key=len)
        for pid, part, _own, rule in members:
            person = _engine_person(inputs.people[pid])
            lines[supervisor].append(_line(pid, "group", rule, pack, person, dates, part, len(members), assumptions))
    for supervisor, line in _case_review_lines(inputs, pack, of_supervisee, start, end, assumptions, rules_used):
        lines[supervisor].append(line)

    ratio_rule = pack.ratio
    if ratio_rule is not None:
        rules_used[ratio_rule.id] = pack.cite(ratio_rule)
    supervisees_of: dict[str, set[str]] = defaultdict(set)
    for sup in supervisions:
        supervisees_of[sup.supervisor].add(sup.supervisee)
    weeks = ((end - start).days + 1) / 7
    loads = []
    for supervisor_id in sorted(supervisees_of.keys() | lines.keys()):
        staff = inputs.people[supervisor_id]
        supervisees = sorted(supervisees_of.get(supervisor_id, ()))
        hours_a_week = staff.weekly_hours
        loads.append(
            Load(
                supervisor=staff,
                lines=sorted(lines.get(supervisor_id, []), key=_line_order(inputs)),
                supervisees=supervisees,
                ratio=_ratio(ratio_rule, pack, supervisees, inputs.people),
                available_minutes=None if hours_a_week is None else hours_a_week * assumptions.share * weeks * 60,
            )
        )
    loads.sort(key=lambda load: (load.supervisor.name, load.supervisor.id))
    return Plan(start=start, end=end, loads=loads, assumptions=assumptions, rules=dict(sorted(rules_used.items())))


def due_dates(
    rule: SupervisionRule,
    person: EnginePerson,
    base: date,
    start: date,
    end: date,
    hours: list[tuple[date, float]],
) -> list[date]:
    """The days sessions fall on from ``start`` to ``end`` when each is held on its due date,
    the first due the engine's interval after ``base``; one overdue before ``start`` is held on
    ``start``. An hours-based rule whose hours never reach the threshold owes none."""
    out: list[date] = []
    due = next_due(rule, person, base, hours)
    while due is not None and due <= end:
        day = max(due, start)
        out.append(day)
        following = next_due(rule, person, day, hours)
        due = None if following is None else max(following, day + timedelta(days=1))
    return out


def with_frequencies(pack: PolicyPack, changes: tuple[FrequencyChange, ...]) -> PolicyPack:
    """A copy of the pack with these rules' frequencies changed (a staged rule becomes one
    frequency throughout)."""
    if not changes:
        return pack
    by_rule = {change.rule: change.every for change in changes}
    known = {r.id for r in pack.supervision} | {r.id for r in pack.case_review}
    unknown = sorted(set(by_rule) - known)
    if unknown:
        raise ValueError(f"no supervision or case review rule {unknown[0]!r} in {pack.id}")
    supervision = [
        rule.model_copy(update={"every": by_rule[rule.id], "phases": None}) if rule.id in by_rule else rule
        for rule in pack.supervision
    ]
    case_review = [
        rule.model_copy(update={"every": by_rule[rule.id]}) if rule.id in by_rule else rule for rule in pack.case_review
    ]
    return pack.model_copy(update={"supervision": supervision, "case_review": case_review})


def with_moves(
    supervisions: tuple[Supervision, ...], moves: tuple[Move, ...], people: dict[str, Staff]
) -> tuple[Supervision, ...]:
    """The supervisions with each moved supervisee's relationships passed to the new supervisor
    (kinds kept; two that meet there are merged)."""
    out = list(supervisions)
    for move in moves:
        if move.supervisee not in people or move.to not in people:
            raise ValueError("a move names someone who is not in the plan")
        if move.supervisee == move.to:
            raise ValueError("a person cannot supervise themselves")
        moved = [s for s in out if s.supervisee == move.supervisee]
        if not moved:
            raise ValueError("a move names someone no one supervises now")
        kinds: frozenset[str] | None = frozenset()
        for sup in moved:
            kinds = None if kinds is None or sup.kinds is None else kinds | sup.kinds
        out = [s for s in out if s.supervisee != move.supervisee]
        out.append(Supervision(move.to, move.supervisee, min(s.start for s in moved), kinds))
    return tuple(out)


def outside_view(plan: Plan, visible: set[str]) -> Plan:
    """The plan with the lines of supervisees not in ``visible`` merged, per supervisor, kind
    and rule, into one unnamed line: a supervisor's load counts everyone they supervise, while
    the page names only the people the viewer reaches."""
    loads = []
    for load in plan.loads:
        named = [line for line in load.lines if line.supervisee in visible]
        merged: dict[tuple[str, str], Line] = {}
        for line in load.lines:
            if line.supervisee in visible:
                continue
            key = (line.kind, line.rule)
            seen = merged.get(key)
            if seen is None:
                merged[key] = replace(line, supervisee=None, interval="", shared_by=1)
            else:
                merged[key] = replace(
                    seen,
                    sessions=seen.sessions + line.sessions,
                    minutes=seen.minutes + line.minutes,
                    minimum_minutes=seen.minimum_minutes + line.minimum_minutes,
                    people=seen.people + line.people,
                )
        loads.append(replace(load, lines=named + [merged[key] for key in sorted(merged)]))
    return replace(plan, loads=loads)


# --- helpers ---------------------------------------------------------------------------------


def _engine_person(staff: Staff) -> EnginePerson:
    return EnginePerson(
        id=staff.id,
        role=staff.role,
        started=staff.started,
        employment=staff.employment,  # type: ignore[arg-type]
        asye_start=staff.asye_start,
    )


def _covering(relationships: list[Supervision], kind: str) -> list[Supervision]:
    """Who gives this kind: a relationship naming it beats one covering every kind; none
    covering it, every relationship (the engine's reading). Two equally: split between them."""
    named = [r for r in relationships if r.kinds is not None and kind in r.kinds]
    every = [r for r in relationships if r.kinds is None]
    chosen = named or every or relationships
    by_supervisor = {r.supervisor: r for r in sorted(chosen, key=lambda r: (r.supervisor, r.start))}
    return list(by_supervisor.values())


def _hours(inputs: Inputs, pid: str, end: date) -> list[tuple[date, float]]:
    """Hours worked up to today, then the average of the last 13 weeks spread over the working
    days to ``end``."""
    today = inputs.today
    worked = sorted((day, hours) for day, hours in inputs.hours.get(pid, []) if day <= today)
    since = today - timedelta(weeks=RECENT_WEEKS)
    recent = sum(hours for day, hours in worked[bisect.bisect_right(worked, (since, float("inf"))) :])
    per_day = recent / RECENT_WEEKS / 5
    day = today + timedelta(days=1)
    while per_day > 0 and day <= end:
        if day.weekday() < 5:
            worked.append((day, per_day))
        day += timedelta(days=1)
    return worked


def _intervals(rule: SupervisionRule, person: EnginePerson, dates: list[date]) -> str:
    words: list[str] = []
    days: list[date | None] = list(dates) or [None]  # no dates: the rule's own interval
    for day in days:
        if day is None:
            period = rule.every or (rule.phases[-1].every if rule.phases else None)
        else:
            period = interval_for(rule, person, day)
        text = period.describe() if period is not None else "-"
        if not words or words[-1] != text:
            words.append(text)
    text = ", then ".join(words)
    return f"{text}, or {rule.hours_threshold:g} hours worked" if rule.hours_threshold is not None else text


def _line(
    pid: str,
    kind: str,
    rule: SupervisionRule,
    pack: PolicyPack,
    person: EnginePerson,
    dates: list[date],
    part: float,
    shared_by: int,
    assumptions: Assumptions,
) -> Line:
    each = rule.duration_minutes or rule.minimum_minutes or assumptions.default_minutes
    minimum = rule.minimum_minutes or each
    sessions = len(dates)
    return Line(
        supervisee=pid,
        kind=kind,
        rule=rule.id,
        source=pack.cite(rule),
        interval=_intervals(rule, person, dates),
        sessions=sessions,
        minutes_each=each,
        minutes=sessions * each * part / shared_by,
        minimum_minutes=sessions * minimum * part / shared_by,
        assumed_duration=rule.duration_minutes is None and rule.minimum_minutes is None,
        shared_by=shared_by,
    )


def _case_review_lines(
    inputs: Inputs,
    pack: PolicyPack,
    of_supervisee: dict[str, list[Supervision]],
    start: date,
    end: date,
    assumptions: Assumptions,
    rules_used: dict[str, str],
) -> list[tuple[str, Line]]:
    """One line per worker and case review rule: their children's reviews in the quarter, given
    by their case supervisor."""
    rule_for_status: dict[str, CaseReviewRule] = {s: rule for rule in pack.case_review for s in rule.statuses}
    counts: dict[tuple[str, str], int] = defaultdict(int)
    periods: dict[tuple[str, str], set[str]] = defaultdict(set)
    for case in inputs.cases:
        rule = rule_for_status.get(case.status)
        if rule is None or case.worker not in of_supervisee:
            continue
        child = EngineChild(
            id=case.id,
            worker=case.worker,
            status=case.status,  # type: ignore[arg-type]
            allocated=case.allocated,
            review_every_weeks=case.review_every_weeks,
        )
        period = case_review_period(rule, child)
        due = period.add_to(case.last_review or case.allocated)
        while due <= end:
            day = max(due, start)
            counts[(case.worker, rule.id)] += 1
            due = max(period.add_to(day), day + timedelta(days=1))
        periods[(case.worker, rule.id)].add(period.describe())
        rules_used[rule.id] = pack.cite(rule)
    rules = {rule.id: rule for rule in pack.case_review}
    out = []
    for (worker, rule_id), reviews in sorted(counts.items()):
        covering = _covering(of_supervisee[worker], "case")
        for sup in covering:
            part = 1 / len(covering)
            minutes = reviews * assumptions.case_review_minutes * part
            line = Line(
                supervisee=worker,
                kind="case_review",
                rule=rule_id,
                source=pack.cite(rules[rule_id]),
                interval=", ".join(sorted(periods[(worker, rule_id)])) + " per child",
                sessions=reviews,
                minutes_each=assumptions.case_review_minutes,
                minutes=minutes,
                minimum_minutes=minutes,
                assumed_duration=True,
            )
            out.append((sup.supervisor, line))
    return out


def _ratio(rule: RatioRule | None, pack: PolicyPack, supervisees: list[str], people: dict[str, Staff]) -> Ratio | None:
    if rule is None:
        return None
    counted = [
        p for p in supervisees if rule.roles_of_supervisees is None or people[p].role in rule.roles_of_supervisees
    ]
    return Ratio(len(counted), rule.limit, rule.guide_low, rule.id, pack.cite(rule))


def _line_order(inputs: Inputs) -> Callable[[Line], tuple[bool, str, str, int, str]]:
    """Named supervisees by name, the merged line of the others last; kinds in their usual order."""

    def key(line: Line) -> tuple[bool, str, str, int, str]:
        person = inputs.people.get(line.supervisee or "")
        name = person.name if person is not None else ""
        return (line.supervisee is None, name, line.supervisee or "", KIND_ORDER.index(line.kind), line.rule)

    return key
