"""Children and their case reviews.

About 16 children per case-holding worker on ``as_of``, by status (child in need,
child protection, looked after, care leavers, early help), allocated to a worker in
the pool that holds them; each child is reviewed in the worker's supervision at the
pack's interval with a direction recorded, mostly on time.
"""

from __future__ import annotations

from bisect import bisect_right
from datetime import date, timedelta
from itertools import accumulate
from typing import Any, TextIO

from ..pack import Period
from .people import Person
from .shape import CASELOAD_WEIGHT, DEFAULT_CASE_REVIEW, DEFAULT_DIRECTION, RATIONALES, STATUSES
from .state import Generator, encode
from .workdays import DAY, working_back


def allocate_children(g: Generator) -> list[tuple[str, Person, date]]:
    """The children open on ``as_of`` as (status, worker, allocated), weighted to workers'
    caseloads (lighter for ASYE workers and senior practitioners); marks the case holders."""
    rng = g.rng
    as_of = g.as_of
    pools: dict[str, list[Person]] = {"statutory": [], "leaving_care": [], "early_help": []}
    current = [p for p in g.people if p.present(as_of)]
    for person in current:
        slot = person.slot
        if slot is not None and slot.holds and person.employment != "casual":
            pools[slot.holds].append(person)
    cum: dict[str, list[float]] = {}
    for name, pool in pools.items():
        weights = []
        for person in pool:
            if person.role_at(as_of) == "nqsw_asye":
                w = 0.25 if person.asye_start and (as_of - person.asye_start).days < 30 else 0.7
            else:
                w = CASELOAD_WEIGHT.get(person.role, 1.0)
            weights.append(w)
        cum[name] = list(accumulate(weights))
    fallback = current or g.people
    status_cum = list(accumulate(s[1] for s in STATUSES))
    out: list[tuple[str, Person, date]] = []
    for _ in range(g.n_children):
        status, _, mean_days = STATUSES[bisect_right(status_cum, rng.random() * status_cum[-1])]
        order: tuple[str, ...]
        if status == "early_help":
            order = ("early_help", "statutory")
        elif status in ("sixteen_plus", "care_leaver") and rng.random() < 0.75:
            order = ("leaving_care", "statutory")
        else:
            order = ("statutory", "leaving_care", "early_help")
        pool_name = next((name for name in order if pools[name]), None)
        if pool_name is None:
            worker = fallback[rng.randrange(len(fallback))]
        else:
            weights = cum[pool_name]
            worker = pools[pool_name][bisect_right(weights, rng.random() * weights[-1])]
        worker.holds_children = True
        floor = max(worker.started, worker.asye_start or worker.started)
        if floor + timedelta(days=7) <= as_of:
            floor += timedelta(days=7)
        allocated = as_of - timedelta(days=min(6570, int(rng.expovariate(1 / mean_days))))
        if allocated < floor:
            allocated = floor + g.days(0, max(0, min(90, (as_of - floor).days)))
        allocated = working_back(allocated, floor - DAY)
        if allocated > as_of:
            allocated = floor
        out.append((status, worker, allocated))
    for person in g.people:
        person.case_holder = person.holds_children if person.present(as_of) else person.case_holder
    return out


def write_children(g: Generator, out: TextIO, children: list[tuple[str, Person, date]]) -> None:
    """Write the ``children`` and ``case_reviews`` lists: each child with its review
    interval (some shortened by the manager, with a rationale where the pack asks for one)
    and the reviews held in the worker's supervision since allocation."""
    child_items: list[str] = []
    review_items: list[str] = []
    out.write(',"children":[')
    first_child = True
    review_number = 0
    for number, (status, worker, allocated) in enumerate(children, 1):
        cid = f"c{number}"
        item: dict[str, Any] = {
            "id": cid,
            "worker": worker.id,
            "status": status,
            "allocated": allocated.isoformat(),
        }
        rule = g.case_review_rule.get(status)
        period = rule.every if rule is not None else DEFAULT_CASE_REVIEW
        if rule is not None and rule.manager_may_shorten and g.rng.random() < 0.3:
            weeks = g.rng.choice({"cp": (4, 6), "cin": (6, 8)}.get(status, (8, 10)))
            item["review_every_weeks"] = weeks
            if timedelta(weeks=weeks) < period.add_to(allocated) - allocated:
                period = Period(weeks=weeks)
        if rule is not None and rule.rationale_required and g.rng.random() < 0.85:
            item["rationale"] = g.rng.choice(RATIONALES)
        child_items.append(encode(item))
        for review in _case_reviews(g, worker, allocated, period):
            review_number += 1
            day, by, direction = review
            entry = {"id": f"r{review_number}", "child": cid, "date": day.isoformat(), "by": by}
            if direction is not None:
                entry["direction_recorded"] = direction.isoformat()
            review_items.append(encode(entry))
        if len(child_items) >= 2000:
            out.write(("" if first_child else ",") + ",".join(child_items))
            first_child = False
            child_items.clear()
    if child_items:
        out.write(("" if first_child else ",") + ",".join(child_items))
    out.write("]")
    out.write(',"case_reviews":[' + ",".join(review_items) + "]")


def _case_reviews(g: Generator, worker: Person, allocated: date, period: Period) -> list[tuple[date, str, date | None]]:
    """A child's reviews as (date, by, direction recorded or None), held at the worker's
    sessions where their children are discussed: mostly by the due date, some late."""
    sessions = worker.discussions or []
    if not sessions:
        return []
    rng = g.rng
    dates = [d for d, _ in sessions]
    within = g.pack.case_direction.within if g.pack.case_direction else DEFAULT_DIRECTION
    base = allocated
    due = period.add_to(base)
    while due < g.w0:
        base = due - g.days(0, 10)
        due = period.add_to(base)
    out = []
    while True:
        i = bisect_right(dates, base)
        j = bisect_right(dates, due)
        if j > i and rng.random() < 0.9:
            k = j - 1 if (j - 1 == i or rng.random() < 0.8) else j - 2
        elif rng.random() < 0.7:
            k = j  # at the first session after the due date
        else:
            k = j + rng.randint(1, 3)  # missed at one or more sessions
        if k >= len(dates):
            break
        day, by = sessions[k]
        direction_due = within.add_to(day)
        r = rng.random()
        direction: date | None
        if r < 0.86:
            direction = day + timedelta(days=rng.randint(0, (direction_due - day).days))
        elif r < 0.94:
            direction = direction_due + g.days(1, 20)
        else:
            direction = None
        if direction is not None and direction > g.as_of:
            direction = None
        out.append((day, by, direction))
        base = day
        due = period.add_to(base)
    return out
