"""The organisation tree and who holds each post over time.

``build_establishment`` lays out ``staff`` posts: teams of practitioners under a team
manager at the pack's ratio (7-9 where it sets none), service managers over 4-6 teams,
heads of service over 3-5 service managers and, where the pack names one, a director
over them; team types use the pack's own roles where it has them.
``simulate_occupants`` fills each post with a succession of people (turnover of about
16% a year, vacancy gaps, agency and casual staff, an ASYE intake each autumn and a
smaller one in the new year); ``place_students`` adds student placements each autumn
and spring.
"""

from __future__ import annotations

from bisect import bisect_right
from datetime import date, timedelta
from itertools import accumulate

from .people import Person, Slot
from .shape import DEPUTY_ROLES, TEAM_TYPES, TOP_ROLES, TURNOVER, TeamType
from .state import Generator
from .workdays import DAY, monday_on_or_after


def build_establishment(g: Generator) -> None:
    rng = g.rng
    n = g.staff
    ratio = g.pack.ratio
    if ratio is not None:
        low, high = (ratio.guide_low or max(1, ratio.limit - 2)), ratio.limit
    else:
        low, high = 7, 9
    types = [t for t in TEAM_TYPES if g.first_role(t[2]) is not None]
    type_weights = list(accumulate(t[1] for t in types))
    n_teams = 1 if n <= 11 else max(1, round(n / ((low + high) / 2 + 1.3)))
    n_sm = 0 if n_teams < 3 else -(-n_teams // 5)
    n_hos = 0 if n_sm < 3 else -(-n_sm // 4)
    top_role = g.first_role(TOP_ROLES) if n_hos >= 2 else None
    top = Slot("top", top_role, None) if top_role else None
    if top:
        g.slots.append(top)
    hos_slots = [Slot("hos", "head_of_service", top) for _ in range(n_hos)]
    g.slots += hos_slots
    sm_role_alt = g.first_role(("area_lead",))
    sm_slots = []
    for i in range(n_sm):
        role = sm_role_alt if sm_role_alt and rng.random() < 0.3 else "service_manager"
        sm_slots.append(Slot("sm", role, hos_slots[i % n_hos] if hos_slots else None))
    g.slots += sm_slots
    pdl = g.first_role(("practice_development_lead",))
    extra = 0
    if pdl:
        for hos in hos_slots:
            if rng.random() < 0.5:
                g.slots.append(Slot("member", pdl, hos))
                extra += 1
    members_total = max(0, n - n_teams - n_sm - n_hos - (1 if top else 0) - extra)
    # Each team's type and its size (two lists in step: the sizes are evened out below).
    team_kinds: list[TeamType] = []
    team_sizes: list[int] = []
    for i in range(n_teams):
        kind = types[0] if i == 0 else types[bisect_right(type_weights, rng.random() * type_weights[-1])]
        size = rng.randint(low, high)
        if rng.random() < 0.06:
            size += rng.randint(1, 2)
        team_kinds.append(kind)
        team_sizes.append(size)
    if n_teams == 1:
        team_sizes[0] = members_total
    total = sum(team_sizes)
    while total != members_total:
        t = rng.randrange(n_teams)
        if total < members_total and team_sizes[t] < high + 2 + (members_total - total) // n_teams:
            team_sizes[t] += 1
            total += 1
        elif total > members_total and team_sizes[t] > 1:
            team_sizes[t] -= 1
            total -= 1
    deputy = g.first_role(DEPUTY_ROLES)
    for i, (kind, size) in enumerate(zip(team_kinds, team_sizes, strict=True)):
        _, _, manager_roles, member_specs = kind
        sm = sm_slots[i % n_sm] if sm_slots else None
        tm = Slot("tm", g.first_role(manager_roles) or "team_manager", sm, temp_share=0.12)
        tm.team = tm
        g.slots.append(tm)
        # (the role the pack accepts, weight, whose children, chance casual) for each kind of member
        specs = [(spec_role, w, h, cp) for c, w, h, cp in member_specs if (spec_role := g.first_role(c)) is not None]
        cum = list(accumulate(s[1] for s in specs))
        first_fixed: list[tuple[str, str | None, float]] = []
        if kind[0] == "residential" and g.first_role(("deputy_home_manager",)):
            first_fixed.append(("deputy_home_manager", None, 0.0))
        elif kind[0] == "fieldwork" and deputy and rng.random() < 0.5 and size >= 5:
            first_fixed.append((deputy, None, 0.0))
        for j in range(size):
            if j < len(first_fixed):
                role, holds, casual_p = first_fixed[j]
            else:
                role, _, holds, casual_p = specs[bisect_right(cum, rng.random() * cum[-1])]
            casual = rng.random() < casual_p
            temp = 0.35 if holds == "statutory" else 0.06
            slot = Slot("member", role, tm, holds=None if casual else holds, casual=casual, temp_share=temp)
            slot.team = tm
            slot.asye_track = role == "social_worker" and holds == "statutory" and not casual
            g.slots.append(slot)
    members = [s for s in g.slots if s.level == "member" and s.team is not None]
    if members and not any(s.casual for s in members):
        pick = next((s for s in members if s.role == "family_support_worker"), members[-1])
        pick.casual, pick.holds, pick.asye_track = True, None, False
    if not any(s.asye_track for s in g.slots):
        trainee = next((s for s in members if s.role == "social_worker" and not s.casual), None)
        if trainee is not None:
            trainee.asye_track, trainee.holds = True, trainee.holds or "statutory"


def _asye_intakes(g: Generator) -> dict[int, list[date]]:
    """ASYE intakes, a large one each autumn and a smaller one in the new year: the
    posts they fill and when."""
    rng = g.rng
    track = [i for i, s in enumerate(g.slots) if s.asye_track]
    forced: dict[int, list[date]] = {}
    if not track:
        return forced
    per_year = max(1, round(0.03 * g.staff))
    cohorts: list[tuple[list[date], int]] = []
    for year in range(g.t0.year, g.as_of.year + 1):
        spring = [monday_on_or_after(date(year, 1, 8)), monday_on_or_after(date(year, 2, 1))]
        autumn = [
            monday_on_or_after(date(year, 9, 1)),
            monday_on_or_after(date(year, 9, 15)),
            monday_on_or_after(date(year, 10, 1)),
        ]
        cohorts.append((spring, round(per_year * 0.25)))
        cohorts.append((autumn, per_year))
    last: dict[int, date] = {}
    for days, count in cohorts:
        candidates = list(track)
        rng.shuffle(candidates)
        taken = 0
        for index in candidates:
            if taken >= count:
                break
            day = days[0] if rng.random() < 0.5 else days[rng.randrange(1, len(days))]
            if not (g.t0 < day <= g.as_of):
                continue
            if index in last and (day - last[index]).days < 730:
                continue
            forced.setdefault(index, []).append(day)
            last[index] = day
            taken += 1
    for dates in forced.values():
        dates.sort()
    return forced


def _employment(g: Generator, slot: Slot) -> str:
    if slot.casual:
        return "casual"
    return "temporary" if g.rng.random() < slot.temp_share else "permanent"


def _stay(g: Generator, slot: Slot, employment: str) -> timedelta:
    rate = (
        TURNOVER[employment]
        if employment != "permanent"
        else (TURNOVER["manager"] if slot.level != "member" else TURNOVER["permanent"])
    )
    return timedelta(days=max(30, int(g.rng.expovariate(rate) * 365.25)))


def _vacancy_gap(g: Generator, slot: Slot) -> timedelta:
    rng = g.rng
    if slot.level != "member":
        return timedelta(0) if rng.random() < 0.6 else g.days(7, 45)
    if slot.casual:
        return g.days(0, 30)
    return timedelta(days=int(rng.expovariate(1 / 40)))


def simulate_occupants(g: Generator) -> None:
    rng = g.rng
    forced_by_slot = _asye_intakes(g)
    as_of = g.as_of
    for index, slot in enumerate(g.slots):
        forced = forced_by_slot.get(index, [])
        fi = 0
        emp = _employment(g, slot)
        tenure = _stay(g, slot, emp) + g.days(0, 365)
        start = g.t0 - min(tenure, timedelta(days=30 * 365))
        asye = False
        while True:
            while fi < len(forced) and forced[fi] < start:
                fi += 1
            if not asye and fi < len(forced) and (forced[fi] - start).days <= 60:
                start, asye = forced[fi], True
                fi += 1
            if asye:
                emp = "permanent"
            person = Person(slot, slot.role, emp, start, asye_start=start if asye else None)
            slot.occupants.append(person)
            leave = start + _stay(g, slot, emp)
            nxt = forced[fi] if fi < len(forced) else None
            if nxt is not None and leave >= nxt - timedelta(days=14):
                # the post falls vacant in the summer and is held for the intake
                leave = max(start, nxt - g.days(1, 75))
                person.left = leave
                if (nxt - leave).days > 42 and rng.random() < 0.5:
                    cover_start = leave + g.days(7, 21)
                    cover = Person(slot, slot.role, "temporary", cover_start)
                    cover.left = nxt - g.days(1, 4)
                    if cover.left >= cover_start:
                        slot.occupants.append(cover)
                start, asye = nxt, True
                fi += 1
                continue
            if leave > as_of:
                break
            person.left = leave
            start = leave + DAY + _vacancy_gap(g, slot)
            if start > as_of:
                break
            asye = False
            emp = _employment(g, slot)


def place_students(g: Generator) -> None:
    rng = g.rng
    teams = [s for s in g.slots if s.level == "tm" and s.reports and any(r.holds == "statutory" for r in s.reports)]
    if not teams:
        return
    n_places = max(1, round(0.015 * g.staff))
    for _ in range(n_places):
        team = teams[rng.randrange(len(teams))]
        for year in range(g.w0.year - 1, g.as_of.year + 1):
            start = monday_on_or_after(date(year, 9, 20) + g.days(0, 14))
            final_year = rng.random() < 0.5
            length = rng.randint(150, 175) if final_year else rng.randint(95, 110)
            placements = [(start, length)]
            if not final_year:
                spring = monday_on_or_after(date(year + 1, 1, 15) + g.days(0, 21))
                placements.append((spring, rng.randint(95, 125)))
            for begin, days in placements:
                end = begin + timedelta(days=days)
                if rng.random() < 0.08:
                    end = begin + g.days(20, days)
                if begin > g.as_of or end < g.w0:
                    continue
                student = Person(None, "student_social_worker", "student", begin)
                student.team = team
                student.left = end if end <= g.as_of else None
                team.students.append(student)
