"""When sessions fall due and when they happen, and when their records are shared
and agreed.

The interval comes from the pack's rule for the person's role (the ASYE role during the
ASYE year, phases counted from the start), or a practice case session for case holders
whose children are reviewed in case supervision; a rule with an hours threshold waits
for the hours. Sessions are mostly held on or a little before the due date, records
shared and agreed mostly in time.
"""

from __future__ import annotations

from bisect import bisect_right
from datetime import date, timedelta
from typing import Any

from ..pack import Period
from .people import Person
from .shape import DEFAULT_RECORD
from .state import Generator
from .workdays import DAY, working_back, working_on_or_after


def choose_day(g: Generator, base: date, due: date, casual: bool = False) -> date:
    """When the next session happens: mostly on or a little before the due date."""
    rng = g.rng
    r = rng.random()
    on_time = 0.66 if casual else 0.83
    if r < on_time:
        slack = max(0, min(7, (due - base).days // 4))
        day = due - timedelta(days=rng.randint(0, slack))
        return working_back(day, base)
    if r < on_time + 0.11:
        day = due + g.days(1, 10)
    else:
        day = due + g.days(11, 45)
    return working_on_or_after(day)


def record_dates(g: Generator, kind: str, day: date, with_agreement: bool = True) -> tuple[date | None, date | None]:
    """When a held session's record was shared and agreed (None: not yet), under the
    pack's record rule for the kind (a signed record is agreed when signed)."""
    rng = g.rng
    rule = g.records.get(kind)
    within = rule.within if rule is not None else DEFAULT_RECORD
    due = within.add_to(day)
    r = rng.random()
    if r < 0.84:
        clocked = working_back(day + timedelta(days=rng.randint(0, (due - day).days)), day - DAY)
    elif r < 0.94:
        clocked = due + g.days(1, 15)
    elif r < 0.97:
        clocked = due + g.days(16, 60)
    else:
        clocked = None
    shared: date | None
    agreed: date | None
    if rule is not None and rule.clock == "signed":
        agreed = clocked
        if agreed is not None:
            shared = agreed - timedelta(days=rng.randint(0, (agreed - day).days))
        else:
            shared = day + g.days(1, 10) if rng.random() < 0.6 else None
    else:
        shared = clocked
        agreed = None
        if shared is not None and with_agreement:
            respond = rule.respond_within if rule is not None else None
            r = rng.random()
            if respond is not None:
                answer_due = respond.add_to(shared)
                if r < 0.8:
                    agreed = shared + timedelta(days=rng.randint(0, (answer_due - shared).days))
                elif r < 0.89:
                    agreed = answer_due + g.days(1, 20)
            elif r < 0.85:
                agreed = shared + g.days(0, 7)
    as_of = g.as_of
    if shared is not None and shared > as_of:
        shared = None
    if agreed is not None and (agreed > as_of or (shared is not None and agreed < shared)):
        agreed = None if agreed > as_of else shared
    return shared, agreed


def interval(g: Generator, person: Person, kind: str, base: date) -> Period | None:
    """How often ``person`` is owed sessions of ``kind`` after ``base``, or None."""
    role = person.role_at(base)
    rule = g.rules_for(role, person.employment, person.case_holder).get(kind)
    if rule is None:
        if kind == "case" and g.practice_case is not None and person.case_holder:
            return g.practice_case
        return None
    if rule.every is not None:
        return rule.every
    assert rule.phases is not None
    anchor = person.asye_start or person.started
    for phase in rule.phases:
        if phase.until is None or base < phase.until.add_to(anchor):
            return phase.every
    return rule.phases[-1].every


def due_date(g: Generator, person: Person, kind: str, base: date) -> date | None:
    """When the session of ``kind`` after one on ``base`` is due, or None if not owed."""
    period = interval(g, person, kind, base)
    if period is None:
        return None
    due = period.add_to(base)
    rule = g.rules_for(person.role_at(base), person.employment, person.case_holder).get(kind)
    if rule is not None and rule.hours_threshold is not None:
        days, cum = person.hours_days, person.hours_cum
        start = bisect_right(days, base)
        before = cum[start - 1] if start > 0 else 0.0
        reach = next((days[i] for i in range(start, len(days)) if cum[i] - before >= rule.hours_threshold), None)
        if reach is None:
            return None
        due = max(due, reach)
    return due


def kinds_for(g: Generator, person: Person) -> list[str]:
    """The kinds of one-to-one session ``person`` is owed in any of their roles."""
    roles = [person.role] if person.asye_end is None else ["nqsw_asye", person.role]
    kinds: list[str] = []
    for role in roles:
        for kind in g.rules_for(role, person.employment, person.case_holder):
            if kind != "group" and kind not in kinds:
                kinds.append(kind)
    if g.practice_case is not None and person.case_holder and "case" not in kinds:
        kinds.append("case")
    return kinds


def spell_at(spells: list[tuple[date, date | None, Person, Any]], day: date) -> int:
    """The index of the spell that covers ``day``, else ``-1 - i`` where ``i`` is the next
    spell to start (``len(spells)`` if none)."""
    for i, (frm, to, _, _) in enumerate(spells):
        if frm <= day and (to is None or to >= day):
            return i
        if frm > day:
            return -1 - i  # the next spell to start
    return -1 - len(spells)
