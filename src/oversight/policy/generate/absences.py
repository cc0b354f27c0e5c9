"""Supervisors' absences, casual workers' hours and ASYE reviews.

Absences: sickness (mostly a few days, sometimes weeks) and planned leave for every
supervisor over the window, a few still open on ``as_of``. Hours: the shifts casual
staff work, week by week (the pack may owe them supervision after so many hours).
ASYE reviews at the pack's months (3, 6 and 12 where it sets none), mostly on time.
"""

from __future__ import annotations

from bisect import bisect_right
from datetime import date, timedelta

from .. import clocks
from .people import Person
from .state import Generator
from .workdays import DAY, monday_on_or_after, working_back, working_on_or_after


def make_absences(g: Generator) -> None:
    """Each supervisor's absences in the window, in order and not overlapping."""
    rng = g.rng
    as_of, w0 = g.as_of, g.w0
    supervisors: dict[int, Person] = {}
    for person in g.people:
        for _, _, sup, _ in person.spells:
            supervisors.setdefault(id(sup), sup)
    for sup in supervisors.values():
        begin = max(sup.started, w0)
        end = sup.last_day(as_of)
        if end < begin:
            continue
        span = (end - begin).days
        spells: list[tuple[date, date | None, bool]] = []
        years = max(span, 1) / 365.25
        n_sick = sum(1 for _ in range(int(years * 4)) if rng.random() < 0.33)
        for _ in range(n_sick):
            start = working_on_or_after(begin + g.days(0, span))
            r = rng.random()
            length = rng.randint(1, 3) if r < 0.65 else rng.randint(4, 10) if r < 0.93 else rng.randint(15, 70)
            spells.append((start, start + timedelta(days=length - 1), False))
        for _ in range(int(years * 3)):
            start = monday_on_or_after(begin + g.days(0, span))
            length = rng.choice((5, 7, 9, 12, 14)) if rng.random() > 0.02 else rng.randint(15, 28)
            spells.append((start, start + timedelta(days=length - 1), True))
        if sup.left is None and end == as_of:
            r = rng.random()
            if r < 0.02:
                spells.append((as_of - g.days(15, 60), None, False))
            elif r < 0.03:
                spells.append((as_of - g.days(10, 30), as_of + g.days(5, 60), True))
        spells.sort(key=lambda a: a[0])
        kept: list[tuple[date, date | None, bool]] = []
        for start, stop, planned in spells:
            if start > end and stop is not None:
                continue
            if stop is not None and sup.left is not None and stop > sup.left:
                stop = sup.left
            if start < begin:
                continue
            if kept and (kept[-1][1] is None or kept[-1][1] >= start - DAY):
                continue
            kept.append((start, stop, planned))
        sup.absences = kept
        sup.absence_starts = [a[0] for a in kept]


def absence_on(person: Person, day: date) -> tuple[date, date | None, bool] | None:
    """The absence (from, to or None, planned) ``person`` is on on ``day``, or None."""
    if not person.absences:
        return None
    i = bisect_right(person.absence_starts, day) - 1
    if i < 0:
        return None
    absence = person.absences[i]
    return absence if absence[1] is None or absence[1] >= day else None


def make_hours(g: Generator) -> list[tuple[str, date, float]]:
    """Casual staff's shifts as (person id, day, hours); each person's running total is kept
    for supervision owed after so many hours."""
    rng = g.rng
    out: list[tuple[str, date, float]] = []
    for person in g.people:
        if person.employment != "casual":
            continue
        day = monday_on_or_after(max(person.started, g.w0))
        end = person.last_day(g.as_of)
        total = 0.0
        while day <= end:
            shifts = rng.choices((0, 1, 2, 3, 4), (15, 30, 30, 20, 5))[0]
            for offset in sorted(rng.sample(range(7), shifts)):
                when = day + timedelta(days=offset)
                if when < person.started or when > end:
                    continue
                hours = rng.choice((4.0, 6.0, 7.0, 7.5, 7.5, 8.0, 10.0, 12.0))
                total += hours
                person.hours_days.append(when)
                person.hours_cum.append(total)
                out.append((person.id, when, hours))
            day += timedelta(days=7)
    return out


def make_asye_reviews(g: Generator) -> None:
    """ASYE reviews for each ASYE worker, up to their last day."""
    rng = g.rng
    months = list(g.pack.asye_reviews.months) if g.pack.asye_reviews else [3, 6, 12]
    for person in g.people:
        if person.asye_start is None:
            continue
        last = person.last_day(g.as_of)
        previous = person.asye_start
        for m in months:
            due = clocks.add_months(person.asye_start, m)
            r = rng.random()
            day = due - g.days(0, 14) if r < 0.85 else due + (g.days(1, 30) if r < 0.95 else g.days(31, 60))
            day = max(working_back(day, previous), previous)
            if day > last:
                break
            person.asye_reviews.append(day)
            previous = day
