"""Sessions: one-to-one supervision of each kind the pack owes each person, observations
of practice where the pack sets a quota, and group supervision.

Each kind is walked from the window's start to the person's last day with whichever
supervisor the relationship spells name. A supervisor's absence moves the session
(earlier, on their return, or to the manager above as cover) or cancels it for
sickness or leave; a few are cancelled for other reasons and rearranged. Some people
have their next session booked. Sessions go out as they are made, numbered s1, s2, ...
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any, TextIO

from .absences import absence_on
from .people import Person
from .schedule import choose_day, due_date, interval, kinds_for, record_dates, spell_at
from .shape import MONTH
from .state import Generator, encode
from .workdays import DAY, FAR, working_back, working_on_or_after


class SessionStream:
    """The scenario's ``sessions`` list, written to ``out`` in chunks as sessions are made."""

    def __init__(self, g: Generator, out: TextIO):
        self.g = g
        self.out = out
        self.buf: list[str] = []
        self.count = 0  # sessions so far: the next one is s{count + 1}
        self.started = False  # whether a chunk has gone out yet (for the commas)

    def emit(
        self,
        kind: str,
        sup: Person,
        day: date,
        status: str,
        *,
        supervisee: Person | None = None,
        attendees: list[str] | None = None,
        observer: Person | None = None,
        cancelled_on: date | None = None,
        reason: str | None = None,
        return_to_work: date | None = None,
    ) -> None:
        """Make one session (a held one with its record dates) and queue it for writing."""
        self.count += 1
        item: dict[str, Any] = {"id": f"s{self.count}", "kind": kind, "supervisor": sup.id}
        if supervisee is not None:
            item["supervisee"] = supervisee.id
        if attendees is not None:
            item["attendees"] = attendees
        if observer is not None:
            item["observer"] = observer.id
        item["date"] = day.isoformat()
        item["status"] = status
        if status == "held":
            shared, agreed = record_dates(self.g, kind, day, with_agreement=kind != "group")
            if shared is not None:
                item["record_shared"] = shared.isoformat()
            if agreed is not None:
                item["record_agreed"] = agreed.isoformat()
        elif status == "cancelled":
            item["cancelled_on"] = (cancelled_on or day).isoformat()
            item["reason"] = reason
            if return_to_work is not None:
                item["return_to_work"] = return_to_work.isoformat()
        self.buf.append(encode(item))
        if len(self.buf) >= 2000:
            self.flush()

    def flush(self) -> None:
        """Write the sessions made since the last chunk."""
        if self.buf:
            self.out.write(("," if self.started else "") + ",".join(self.buf))
            self.started = True
            self.buf.clear()


def person_sessions(g: Generator, stream: SessionStream, person: Person) -> None:
    """Every one-to-one session and observation of ``person``; a case holder's sessions
    where their children are discussed are kept in ``person.discussions``."""
    if not person.spells:
        return
    discussion_kind = None
    if person.holds_children and person.present(g.as_of):
        kinds = kinds_for(g, person)
        discussion_kind = "case" if "case" in kinds else "personal"
        person.discussions = []
    for kind in kinds_for(g, person):
        spells = [s for s in person.spells if s[3] is None or kind in s[3]] or person.spells
        _walk(
            g,
            stream,
            person,
            kind,
            spells,
            lambda base, k=kind: due_date(g, person, k, base),
            person.discussions if kind == discussion_kind else None,
        )
    _observations(g, stream, person)


def _observations(g: Generator, stream: SessionStream, person: Person) -> None:
    """Observations of ``person``'s practice at about the pack's quota, by their supervisor
    or another observer."""
    rules = g.pack.observations
    if not rules:
        return
    roles = [person.role] if person.asye_end is None else ["nqsw_asye", person.role]
    rule = next((r for role in roles for r in rules if role in r.roles), None)
    if rule is None:
        return
    rng = g.rng
    factor = rng.uniform(0.72, 0.92) if rng.random() > 0.12 else rng.uniform(1.2, 1.5)
    if rule.per_year is not None:
        days = 365 / rule.per_year * factor
        share = min(0.9, (rule.by_supervisor or 0) / rule.per_year + 0.2) if rule.by_supervisor else 0.6
    else:
        assert rule.one_in_personal is not None
        personal = interval(g, person, "personal", g.as_of) or MONTH
        days = (personal.add_to(g.as_of) - g.as_of).days * (rule.one_in_personal - 1) * factor * 0.85
        share = 0.7
    step = timedelta(days=max(7, round(days)))

    def next_due(base: date) -> date | None:
        return base + step if person.role_at(base) in rule.roles else None

    spells = [s for s in person.spells if s[3] is None or "personal" in s[3]] or person.spells
    _walk(g, stream, person, "observation", spells, next_due, None, observed=(share, g.observer_pool))


def group_sessions(g: Generator, stream: SessionStream) -> None:
    """Group supervision run by each supervisor for their reports whose role the pack owes it."""
    group_rules = [r for r in g.pack.supervision if r.kind == "group"]
    if not group_rules:
        return
    rng = g.rng
    as_of, w0 = g.as_of, g.w0
    for slot in g.slots:
        if not slot.reports and not slot.students:
            continue
        members: list[Person] = [
            occ for r in slot.reports for occ in r.occupants if (occ.left is None or occ.left >= w0)
        ]
        members += [s for s in slot.students if s.left is None or s.left >= w0]
        roles: list[str] = []
        for m in members:
            for role in [m.role] if m.asye_end is None else ["nqsw_asye", m.role]:
                if role not in roles:
                    roles.append(role)
        periods = [r.every for r in group_rules if r.every is not None and any(x in r.roles for x in roles)]
        if not periods:
            continue
        period = min(periods, key=lambda p: (p.add_to(as_of) - as_of).days)
        first_span = (period.add_to(w0) - w0).days
        base = w0 - timedelta(days=rng.randint(0, first_span))
        while True:
            day = choose_day(g, base, period.add_to(base))
            if day > as_of:
                break
            sup = next((o for o in slot.occupants if o.present(day)), None)
            if sup is None:
                base = day
                continue
            attendees = []
            for m in members:
                if not m.present(day) or rng.random() < 0.08:
                    continue
                rules = g.rules_for(m.role_at(day), m.employment, m.case_holder)
                if "group" in rules:
                    attendees.append(m.id)
            if not attendees:
                base = day
                continue
            if rng.random() < 0.04:
                reason = "sickness" if rng.random() < 0.5 else "other"
                back = working_on_or_after(day + g.days(1, 5)) if reason == "sickness" else None
                stream.emit(
                    "group",
                    sup,
                    day,
                    "cancelled",
                    attendees=attendees,
                    cancelled_on=day - g.days(0, 3),
                    reason=reason,
                    return_to_work=back,
                )
                day = working_on_or_after((back or day) + g.days(1, 7))
                if day > as_of:
                    break
            stream.emit("group", sup, day, "held", attendees=attendees)
            base = day


def _walk(
    g: Generator,
    stream: SessionStream,
    person: Person,
    kind: str,
    spells: list[tuple[date, date | None, Person, Any]],
    next_due: Any,
    discussions: list[tuple[date, str]] | None,
    observed: tuple[float, list[Person]] | None = None,
) -> None:
    """Sessions of one kind for one supervisee, from the window's start to their last day."""
    rng = g.rng
    as_of = g.as_of
    end = person.last_day(as_of)
    start = max(person.started, spells[0][0])
    casual = person.employment == "casual"
    if start < g.w0:
        first = next_due(g.w0)
        span = (first - g.w0).days if first is not None else 30
        base = max(start, g.w0 - timedelta(days=rng.randint(0, max(span, 1))))
    else:
        base = start
    guard = 0
    while True:
        guard += 1
        if guard > 5000:
            break
        due = next_due(base)
        if due is None:
            base += timedelta(days=30)
            if base > end:
                break
            continue
        day = choose_day(g, base, due, casual)
        if day > end:
            break
        i = spell_at(spells, day)
        if i < 0:
            j = -1 - i
            if j >= len(spells):
                break
            day = working_on_or_after(spells[j][0] + g.days(0, 10))
            if day > end:
                break
            i = spell_at(spells, day)
            if i < 0:
                base = day
                continue
        sup = spells[i][2]
        held_day, held_sup = day, sup
        absence = absence_on(sup, day)
        cancel: tuple[str, date, date | None] | None = None
        if absence is not None:
            a_from, a_to, planned = absence
            long = a_to is None or (a_to - a_from).days + 1 > 14
            back = working_on_or_after((a_to or FAR - DAY) + DAY) if a_to is not None else None
            if planned and rng.random() < 0.85:
                earlier = working_back(a_from - DAY, base)
                if base < earlier < a_from:
                    held_day = earlier
                elif back is not None and not long:
                    held_day = back
                elif sup.slot is not None and sup.slot.sup is not None:
                    held_sup = _cover(sup, day) or sup
            else:
                cancel = (
                    "leave" if planned else "sickness",
                    min(day, a_from if not planned else day - g.days(3, 20)),
                    back,
                )
        else:
            r = rng.random()
            if r < 0.012:
                back_day = working_on_or_after(day + g.days(1, 10))
                cancel = ("sickness", day - timedelta(days=rng.randint(0, 1)), back_day)
            elif r < 0.017:
                cancel = ("leave", day - g.days(3, 20), working_on_or_after(day + g.days(3, 10)))
            elif r < 0.030:
                cancel = ("other", day - g.days(0, 7), None)
        if cancel is not None:
            reason, cancelled_on, back = cancel
            stream.emit(
                kind,
                sup,
                day,
                "cancelled",
                supervisee=person,
                observer=sup if observed is not None else None,
                cancelled_on=cancelled_on,
                reason=reason,
                return_to_work=back if reason != "other" else None,
            )
            if back is None and reason != "other":
                # still off: the manager above covers within a few weeks
                cover = _cover(sup, day)
                if cover is None:
                    base = day
                    continue
                held_sup = cover
                held_day = working_on_or_after(day + g.days(3, 15))
            else:
                anchor = back if back is not None and back > day else day
                gap = g.days(0, 6) if rng.random() < 0.8 else g.days(7, 30)
                held_day = working_on_or_after(anchor + gap + DAY)
                long_absence = absence is not None and (absence[1] is None or (absence[1] - absence[0]).days + 1 > 14)
                if long_absence:
                    held_sup = _cover(sup, day) or sup
                    held_day = working_on_or_after(day + g.days(3, 15))
            if held_day > end:
                break
            j = spell_at(spells, held_day)
            if j < 0:
                base = day
                continue
            if held_sup is sup:
                held_sup = spells[j][2]
        if held_day <= base:
            held_day = working_on_or_after(base + DAY)
        if held_day > end:
            break
        if cancel is None and held_day != day and spell_at(spells, held_day) < 0:
            held_day, held_sup = day, sup  # moved outside the relationship: keep the booking
        if observed is not None:
            share, pool = observed
            observer = held_sup
            if rng.random() >= share and pool:
                for _ in range(4):
                    candidate = pool[rng.randrange(len(pool))]
                    if candidate is not person and candidate is not held_sup and candidate.present(held_day):
                        observer = candidate
                        break
            stream.emit(kind, held_sup, held_day, "held", supervisee=person, observer=observer)
        else:
            stream.emit(kind, held_sup, held_day, "held", supervisee=person)
        if discussions is not None:
            discussions.append((held_day, held_sup.id))
        base = held_day
    # a booking for the next session
    if person.left is None and kind != "observation" and rng.random() < 0.3:
        last = spells[-1]
        if last[1] is None:
            due = next_due(base)
            if due is None or due <= as_of or due > as_of + timedelta(days=60):
                due = as_of + g.days(1, 28)
            stream.emit(kind, last[2], working_on_or_after(due), "planned", supervisee=person)


def _cover(sup: Person, day: date) -> Person | None:
    """Who stands in for an absent supervisor: the holder of the post above."""
    if sup.slot is None or sup.slot.sup is None:
        return None
    for occ in sup.slot.sup.occupants:
        if occ.present(day) and occ is not sup:
            return occ
    return None
