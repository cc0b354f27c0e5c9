"""A realistic scenario for the conformance contract: ``oversight generate``.

``write_scenario`` simulates a children's services workforce under one council's
policy pack over the ``years`` before ``as_of`` and writes it as one compact JSON
object that ``oversight check`` accepts. The large lists (sessions, children, case
reviews) are streamed as they are made.

What is simulated (proportions from ``../shared/SCALE.md``):

- an establishment of ``staff`` posts: teams of practitioners under a team manager
  at the pack's ratio (7-9 where it sets none), service managers over 4-6 teams,
  heads of service over 3-5 service managers and, where the pack names one, a
  director over them; team types (fieldwork, early help, leaving care, fostering,
  reviewing officers, front door, children's homes, business support) use the
  pack's own roles where it has them;
- turnover of about 16% a year with vacancy gaps, agency (``temporary``) and
  ``casual`` staff, an ASYE intake each autumn (``asye_start``, ``asye_reviews``;
  ASYE workers become social workers after a year), student placements each
  autumn and spring supervised by a practice educator;
- relationships that end and start as people come and go (a manager's absence
  between posts is covered by the manager above), one agreement per
  relationship with its reviews;
- sessions of each kind the pack requires of each role at about its frequency
  (and case supervision of case holders where children are reviewed in it),
  group sessions, observations where the pack sets a quota, cancellations for
  sickness, leave and other reasons with rearranged sessions, records shared and
  agreed mostly on time, supervisor absences, a few planned future sessions;
- about 16 children per case-holding worker with case reviews held in the
  worker's supervision and directions recorded mostly on time.

Determinism: one ``random.Random(seed)``, no set iteration, no clock reads; the
same arguments give the same bytes. Pure Python: no Django.
"""

from __future__ import annotations

import json
import random
from bisect import bisect_right
from datetime import date, timedelta
from itertools import accumulate
from typing import Any, TextIO

from . import clocks
from .pack import CaseReviewRule, Period, PolicyPack, RecordRule, SupervisionRule, get_pack

__all__ = ["write_scenario", "generate_scenario"]

DAY = timedelta(days=1)
FAR = date(9999, 12, 31)

_encode = json.JSONEncoder(separators=(",", ":"), ensure_ascii=True).encode

# --- the shape of the organisation ----------------------------------------------

# A member entry: (role candidates, first one the pack accepts; weight; whose
# children the post holds; chance the post is casual).
_MemberSpec = tuple[tuple[str, ...], float, "str | None", float]

# A team type: (name; weight; manager role candidates; its members).
_TeamType = tuple[str, float, tuple[str, ...], tuple[_MemberSpec, ...]]

_TEAM_TYPES: tuple[_TeamType, ...] = (
    (
        "fieldwork",
        0.46,
        ("team_manager",),
        (
            (("social_worker",), 0.47, "statutory", 0.02),
            (("senior_social_worker",), 0.16, "statutory", 0.0),
            (("advanced_practitioner",), 0.07, "statutory", 0.0),
            (("family_support_worker",), 0.13, None, 0.06),
            (("consultant_social_worker", "social_worker"), 0.05, "statutory", 0.0),
            (("non_qualified_social_work_staff", "family_support_worker"), 0.04, None, 0.05),
            (("practice_lead", "senior_social_worker"), 0.03, "statutory", 0.0),
            (("unit_coordinator", "business_support"), 0.03, None, 0.0),
        ),
    ),
    (
        "early_help",
        0.12,
        ("team_manager",),
        (
            (("family_support_worker",), 0.55, "early_help", 0.08),
            (
                ("early_help_worker", "alternatively_qualified_practitioner", "family_support_worker"),
                0.30,
                "early_help",
                0.05,
            ),
            (("social_worker",), 0.15, "early_help", 0.0),
        ),
    ),
    (
        "leaving_care",
        0.07,
        ("team_manager",),
        (
            (("personal_adviser", "social_worker"), 0.60, "leaving_care", 0.0),
            (("social_worker",), 0.25, "leaving_care", 0.0),
            (("senior_social_worker",), 0.15, "leaving_care", 0.0),
        ),
    ),
    (
        "fostering",
        0.06,
        ("team_manager",),
        (
            (("supervising_fostering_social_worker", "supervising_social_worker", "social_worker"), 0.85, None, 0.0),
            (("senior_social_worker",), 0.15, None, 0.0),
        ),
    ),
    (
        "reviewing",
        0.04,
        ("team_manager",),
        (
            (("iro_cp_chair", "iro", "advanced_practitioner"), 0.6, None, 0.0),
            (("iro_cp_chair", "cp_chair", "advanced_practitioner"), 0.4, None, 0.0),
        ),
    ),
    (
        "front_door",
        0.07,
        ("team_manager",),
        (
            (("first_response_advisor", "social_worker"), 0.6, None, 0.0),
            (("social_worker",), 0.25, None, 0.0),
            (("family_support_worker",), 0.15, None, 0.05),
        ),
    ),
    (
        "residential",
        0.06,
        ("registered_manager",),
        (
            (("residential_practitioner",), 0.8, None, 0.30),
            (("residential_senior_practitioner",), 0.2, None, 0.0),
        ),
    ),
    (
        "business_support",
        0.09,
        ("team_manager",),
        (
            (("business_support",), 0.9, None, 0.03),
            (("unit_coordinator", "business_support"), 0.1, None, 0.0),
        ),
    ),
)
_DEPUTY_ROLES = ("deputy_team_manager", "assistant_team_manager")
_TOP_ROLES = ("chief_officer", "assistant_director", "service_director")
_QUALIFIED = (
    "social_worker",
    "senior_social_worker",
    "advanced_practitioner",
    "consultant_social_worker",
    "practice_lead",
    "personal_adviser",
    "supervising_fostering_social_worker",
    "supervising_social_worker",
    "first_response_advisor",
)
_EDUCATORS = ("senior_social_worker", "advanced_practitioner", "practice_lead", "consultant_social_worker")
_OBSERVERS = (
    "team_manager",
    "advanced_practitioner",
    "senior_social_worker",
    "practice_lead",
    "consultant_social_worker",
    "deputy_team_manager",
    "assistant_team_manager",
)

# Children: share of each status, mean days since allocation to the current worker.
_STATUSES = (
    ("cin", 0.36, 200),
    ("cp", 0.13, 270),
    ("cla", 0.26, 700),
    ("cla_matched", 0.03, 1100),
    ("sixteen_plus", 0.06, 500),
    ("care_leaver", 0.09, 600),
    ("early_help", 0.07, 150),
)
_CASELOAD_WEIGHT = {
    "advanced_practitioner": 0.6,
    "practice_lead": 0.6,
    "consultant_social_worker": 0.9,
    "personal_adviser": 1.2,
}
_RATIONALES = (
    "Plan stable; 12-weekly oversight agreed at transfer",
    "Escalating concerns: 4-weekly oversight until the next conference",
    "New to the team: 6-weekly until the plan is reviewed",
    "Placement settled; review at the 12-week ceiling",
    "Court timetable: 8-weekly oversight",
    "Pre-birth assessment under way: 4-weekly",
)

_TURNOVER = {"permanent": 0.10, "manager": 0.09, "temporary": 0.3, "casual": 0.45}
_DEFAULT_RECORD = Period(working_days=10)
_DEFAULT_DIRECTION = Period(working_days=5)
_DEFAULT_CASE_REVIEW = Period(months=3)
_MONTH = Period(months=1)
_FOUR_WEEKS = Period(weeks=4)


class _Slot:
    """A post in the establishment; its occupants follow one another over time."""

    __slots__ = (
        "level",
        "role",
        "sup",
        "holds",
        "casual",
        "temp_share",
        "team",
        "reports",
        "occupants",
        "students",
        "asye_track",
    )

    def __init__(
        self,
        level: str,
        role: str,
        sup: _Slot | None,
        holds: str | None = None,
        casual: bool = False,
        temp_share: float = 0.04,
    ):
        self.level = level
        self.role = role
        self.sup = sup
        self.holds = holds
        self.casual = casual
        self.temp_share = temp_share
        self.team: _Slot | None = None
        self.reports: list[_Slot] = []
        self.occupants: list[_Person] = []
        self.students: list[_Person] = []
        self.asye_track = False
        if sup is not None:
            sup.reports.append(self)


class _Person:
    __slots__ = (
        "id",
        "slot",
        "role",
        "employment",
        "started",
        "left",
        "asye_start",
        "asye_end",
        "asye_reviews",
        "spells",
        "absences",
        "absence_starts",
        "hours_days",
        "hours_cum",
        "case_holder",
        "holds_children",
        "discussions",
        "team",
    )

    def __init__(self, slot: _Slot | None, role: str, employment: str, started: date, asye_start: date | None = None):
        self.id = ""
        self.slot = slot
        self.role = role  # the role after any ASYE year
        self.employment = employment
        self.started = started
        self.left: date | None = None
        self.asye_start = asye_start
        self.asye_end = clocks.add_months(asye_start, 12) if asye_start else None
        self.asye_reviews: list[date] = []
        # (from, to or None, supervisor, kinds or None)
        self.spells: list[tuple[date, date | None, _Person, tuple[str, ...] | None]] = []
        self.absences: list[tuple[date, date | None, bool]] = []
        self.absence_starts: list[date] = []
        self.hours_days: list[date] = []
        self.hours_cum: list[float] = []
        self.case_holder = bool(slot is not None and slot.holds)
        self.holds_children = False
        self.discussions: list[tuple[date, str]] | None = None
        self.team: _Slot | None = slot.team if slot is not None else None

    def role_at(self, day: date) -> str:
        if self.asye_end is not None and day < self.asye_end:
            return "nqsw_asye"
        return self.role

    def last_day(self, as_of: date) -> date:
        return as_of if self.left is None or self.left > as_of else self.left

    def present(self, day: date) -> bool:
        return self.started <= day and (self.left is None or self.left >= day)


def _working_back(day: date, floor: date) -> date:
    """The working day on or before ``day`` if it is after ``floor``, else the next one."""
    back = day
    while not clocks.is_working_day(back):
        back -= DAY
    if back > floor:
        return back
    while not clocks.is_working_day(day):
        day += DAY
    return day


def _working_on_or_after(day: date) -> date:
    while not clocks.is_working_day(day):
        day += DAY
    return day


def _monday_on_or_after(day: date) -> date:
    return day + timedelta(days=(7 - day.weekday()) % 7)


class _Generator:
    _sessions_started: bool  # set by write(): whether a session has gone out yet (for the commas)

    def __init__(self, *, staff: int, children: int, years: int, seed: int, pack: PolicyPack, as_of: date):
        self.staff = staff
        self.n_children = children
        self.years = years
        self.pack = pack
        self.as_of = as_of
        self.rng = random.Random(seed)
        self.w0 = clocks.add_months(as_of, -12 * years)  # start of the window
        self.t0 = self.w0 - timedelta(days=400)  # the simulation starts a little earlier
        self.roles = set(pack.roles)
        self.slots: list[_Slot] = []
        self.people: list[_Person] = []
        self.session_count = 0
        self._rules_cache: dict[tuple[str, str, bool], dict[str, SupervisionRule]] = {}
        self.records: dict[str, RecordRule] = {}
        for rule in pack.records:
            for kind in rule.kinds:
                self.records.setdefault(kind, rule)
        self.case_review_period = {s: r.every for r in pack.case_review for s in r.statuses}
        self.case_review_rule: dict[str, CaseReviewRule] = {s: r for r in pack.case_review for s in r.statuses}
        # Case holders whose children are reviewed in case supervision that the pack
        # does not itself require of them: a monthly (or 4-weekly) practice session.
        self.practice_case: Period | None = None
        if pack.case_review:
            shortest = min((r.every.add_to(as_of) - as_of).days for r in pack.case_review)
            self.practice_case = _FOUR_WEEKS if shortest <= 28 else _MONTH

    # -- helpers -------------------------------------------------------------------

    def _role(self, candidates: tuple[str, ...]) -> str | None:
        return next((r for r in candidates if r in self.roles), None)

    def _days(self, low: int, high: int) -> timedelta:
        return timedelta(days=self.rng.randint(low, high))

    def rules_for(self, role: str, employment: str, case_holder: bool) -> dict[str, SupervisionRule]:
        key = (role, employment, case_holder)
        cached = self._rules_cache.get(key)
        if cached is not None:
            return cached
        chosen: dict[str, SupervisionRule] = {}
        for rule in self.pack.supervision:
            if role not in rule.roles:
                continue
            if rule.employment is not None and employment not in rule.employment:
                continue
            if rule.only_without_cases and case_holder:
                continue
            current = chosen.get(rule.kind)
            if current is None or (current.employment is None and rule.employment is not None):
                chosen[rule.kind] = rule
        self._rules_cache[key] = chosen
        return chosen

    # -- 1. the establishment ------------------------------------------------------------

    def build_establishment(self) -> None:
        rng = self.rng
        n = self.staff
        ratio = self.pack.ratio
        if ratio is not None:
            low, high = (ratio.guide_low or max(1, ratio.limit - 2)), ratio.limit
        else:
            low, high = 7, 9
        types = [t for t in _TEAM_TYPES if self._role(t[2]) is not None]
        type_weights = list(accumulate(t[1] for t in types))
        n_teams = 1 if n <= 11 else max(1, round(n / ((low + high) / 2 + 1.3)))
        n_sm = 0 if n_teams < 3 else -(-n_teams // 5)
        n_hos = 0 if n_sm < 3 else -(-n_sm // 4)
        top_role = self._role(_TOP_ROLES) if n_hos >= 2 else None
        top = _Slot("top", top_role, None) if top_role else None
        if top:
            self.slots.append(top)
        hos_slots = [_Slot("hos", "head_of_service", top) for _ in range(n_hos)]
        self.slots += hos_slots
        sm_role_alt = self._role(("area_lead",))
        sm_slots = []
        for i in range(n_sm):
            role = sm_role_alt if sm_role_alt and rng.random() < 0.3 else "service_manager"
            sm_slots.append(_Slot("sm", role, hos_slots[i % n_hos] if hos_slots else None))
        self.slots += sm_slots
        pdl = self._role(("practice_development_lead",))
        extra = 0
        if pdl:
            for hos in hos_slots:
                if rng.random() < 0.5:
                    self.slots.append(_Slot("member", pdl, hos))
                    extra += 1
        members_total = max(0, n - n_teams - n_sm - n_hos - (1 if top else 0) - extra)
        # Each team's type and its size (two lists in step: the sizes are evened out below).
        team_kinds: list[_TeamType] = []
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
        deputy = self._role(_DEPUTY_ROLES)
        for i, (kind, size) in enumerate(zip(team_kinds, team_sizes, strict=True)):
            _, _, manager_roles, member_specs = kind
            sm = sm_slots[i % n_sm] if sm_slots else None
            tm = _Slot("tm", self._role(manager_roles) or "team_manager", sm, temp_share=0.12)
            tm.team = tm
            self.slots.append(tm)
            # (the role the pack accepts, weight, whose children, chance casual) for each kind of member
            specs = [(spec_role, w, h, cp) for c, w, h, cp in member_specs if (spec_role := self._role(c)) is not None]
            cum = list(accumulate(s[1] for s in specs))
            first_fixed: list[tuple[str, str | None, float]] = []
            if kind[0] == "residential" and self._role(("deputy_home_manager",)):
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
                slot = _Slot("member", role, tm, holds=None if casual else holds, casual=casual, temp_share=temp)
                slot.team = tm
                slot.asye_track = role == "social_worker" and holds == "statutory" and not casual
                self.slots.append(slot)
        members = [s for s in self.slots if s.level == "member" and s.team is not None]
        if members and not any(s.casual for s in members):
            pick = next((s for s in members if s.role == "family_support_worker"), members[-1])
            pick.casual, pick.holds, pick.asye_track = True, None, False
        if not any(s.asye_track for s in self.slots):
            trainee = next((s for s in members if s.role == "social_worker" and not s.casual), None)
            if trainee is not None:
                trainee.asye_track, trainee.holds = True, trainee.holds or "statutory"

    # -- 2. who occupies each post, when -----------------------------------------------

    def _intakes(self) -> dict[int, list[date]]:
        """ASYE intakes, a large one each autumn and a smaller one in the new year: the
        posts they fill and when."""
        rng = self.rng
        track = [i for i, s in enumerate(self.slots) if s.asye_track]
        forced: dict[int, list[date]] = {}
        if not track:
            return forced
        per_year = max(1, round(0.03 * self.staff))
        cohorts: list[tuple[list[date], int]] = []
        for year in range(self.t0.year, self.as_of.year + 1):
            spring = [_monday_on_or_after(date(year, 1, 8)), _monday_on_or_after(date(year, 2, 1))]
            autumn = [
                _monday_on_or_after(date(year, 9, 1)),
                _monday_on_or_after(date(year, 9, 15)),
                _monday_on_or_after(date(year, 10, 1)),
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
                if not (self.t0 < day <= self.as_of):
                    continue
                if index in last and (day - last[index]).days < 730:
                    continue
                forced.setdefault(index, []).append(day)
                last[index] = day
                taken += 1
        for dates in forced.values():
            dates.sort()
        return forced

    def _employment(self, slot: _Slot) -> str:
        if slot.casual:
            return "casual"
        return "temporary" if self.rng.random() < slot.temp_share else "permanent"

    def _stay(self, slot: _Slot, employment: str) -> timedelta:
        rate = (
            _TURNOVER[employment]
            if employment != "permanent"
            else (_TURNOVER["manager"] if slot.level != "member" else _TURNOVER["permanent"])
        )
        return timedelta(days=max(30, int(self.rng.expovariate(rate) * 365.25)))

    def _gap(self, slot: _Slot) -> timedelta:
        rng = self.rng
        if slot.level != "member":
            return timedelta(0) if rng.random() < 0.6 else self._days(7, 45)
        if slot.casual:
            return self._days(0, 30)
        return timedelta(days=int(rng.expovariate(1 / 40)))

    def simulate_occupants(self) -> None:
        rng = self.rng
        forced_by_slot = self._intakes()
        as_of = self.as_of
        for index, slot in enumerate(self.slots):
            forced = forced_by_slot.get(index, [])
            fi = 0
            emp = self._employment(slot)
            tenure = self._stay(slot, emp) + self._days(0, 365)
            start = self.t0 - min(tenure, timedelta(days=30 * 365))
            asye = False
            while True:
                while fi < len(forced) and forced[fi] < start:
                    fi += 1
                if not asye and fi < len(forced) and (forced[fi] - start).days <= 60:
                    start, asye = forced[fi], True
                    fi += 1
                if asye:
                    emp = "permanent"
                person = _Person(slot, slot.role, emp, start, asye_start=start if asye else None)
                slot.occupants.append(person)
                leave = start + self._stay(slot, emp)
                nxt = forced[fi] if fi < len(forced) else None
                if nxt is not None and leave >= nxt - timedelta(days=14):
                    # the post falls vacant in the summer and is held for the intake
                    leave = max(start, nxt - self._days(1, 75))
                    person.left = leave
                    if (nxt - leave).days > 42 and rng.random() < 0.5:
                        cover_start = leave + self._days(7, 21)
                        cover = _Person(slot, slot.role, "temporary", cover_start)
                        cover.left = nxt - self._days(1, 4)
                        if cover.left >= cover_start:
                            slot.occupants.append(cover)
                    start, asye = nxt, True
                    fi += 1
                    continue
                if leave > as_of:
                    break
                person.left = leave
                start = leave + DAY + self._gap(slot)
                if start > as_of:
                    break
                asye = False
                emp = self._employment(slot)

    def place_students(self) -> None:
        rng = self.rng
        teams = [
            s for s in self.slots if s.level == "tm" and s.reports and any(r.holds == "statutory" for r in s.reports)
        ]
        if not teams:
            return
        n_places = max(1, round(0.015 * self.staff))
        for _ in range(n_places):
            team = teams[rng.randrange(len(teams))]
            for year in range(self.w0.year - 1, self.as_of.year + 1):
                start = _monday_on_or_after(date(year, 9, 20) + self._days(0, 14))
                final_year = rng.random() < 0.5
                length = rng.randint(150, 175) if final_year else rng.randint(95, 110)
                placements = [(start, length)]
                if not final_year:
                    spring = _monday_on_or_after(date(year + 1, 1, 15) + self._days(0, 21))
                    placements.append((spring, rng.randint(95, 125)))
                for begin, days in placements:
                    end = begin + timedelta(days=days)
                    if rng.random() < 0.08:
                        end = begin + self._days(20, days)
                    if begin > self.as_of or end < self.w0:
                        continue
                    student = _Person(None, "student_social_worker", "student", begin)
                    student.team = team
                    student.left = end if end <= self.as_of else None
                    team.students.append(student)

    # -- 3. relationships --------------------------------------------------------------

    @staticmethod
    def _overlaps(slot: _Slot | None, a: date, b: date) -> list[tuple[date, date, _Person]]:
        if slot is None:
            return []
        out = []
        for occ in slot.occupants:
            end = occ.left or FAR
            if end < a or occ.started > b:
                continue
            out.append((max(a, occ.started), min(b, end), occ))
        return out

    def _supervisor_spells(self, sup_slot: _Slot | None, a: date, b: date) -> list[tuple[date, date, _Person]]:
        """Who supervised a post holder between a and b: the post above, or the one above that
        while it was vacant."""
        spells: list[tuple[date, date, _Person]] = []
        cursor = a
        for frm, to, occ in self._overlaps(sup_slot, a, b):
            if frm > cursor and sup_slot is not None:
                spells += self._overlaps(sup_slot.sup, cursor, frm - DAY)
            spells.append((frm, to, occ))
            cursor = to + DAY if to < FAR else FAR
        if cursor <= b and sup_slot is not None and cursor < FAR:
            spells += self._overlaps(sup_slot.sup, cursor, b)
        return spells

    def build_people_and_relationships(self) -> None:
        rng = self.rng
        w0 = self.w0
        everyone: list[_Person] = []
        for slot in self.slots:
            everyone += slot.occupants
        for slot in self.slots:
            everyone += slot.students
        for person in everyone:
            end = person.left or FAR
            spells: list[tuple[date, date, _Person, tuple[str, ...] | None]]
            if person.slot is not None:
                spells = [(f, t, s, None) for f, t, s in self._supervisor_spells(person.slot.sup, person.started, end)]
            else:  # a student: a practice educator for personal supervision, the team manager for the rest
                team = person.team
                assert team is not None
                last = min(end, self.as_of)
                educators = [
                    occ
                    for r in team.reports
                    if r.role in _EDUCATORS
                    for occ in r.occupants
                    if occ.present(person.started) and occ.present(last)
                ]
                tm_spells = self._supervisor_spells(team, person.started, end)
                if educators:
                    pe = educators[rng.randrange(len(educators))]
                    pe_end = min(end, pe.left or FAR)
                    spells = [(f, t, s, ("case", "group")) for f, t, s in tm_spells]
                    spells.append((person.started, pe_end, pe, ("personal",)))
                else:
                    spells = [(f, t, s, None) for f, t, s in tm_spells]
            person.spells = [(f, None if t == FAR else t, s, k) for f, t, s, k in spells if t >= w0 and s is not person]
            person.spells.sort(key=lambda sp: sp[0])
        self.people = [p for p in everyone if p.left is None or p.left >= w0]
        self.people.sort(key=lambda p: (p.slot is None, p.started))
        for number, person in enumerate(self.people, 1):
            person.id = f"p{number}"

    # -- 4. absences, hours, ASYE reviews ---------------------------------------------

    def make_absences(self) -> None:
        rng = self.rng
        as_of, w0 = self.as_of, self.w0
        supervisors: dict[int, _Person] = {}
        for person in self.people:
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
                start = _working_on_or_after(begin + self._days(0, span))
                r = rng.random()
                length = rng.randint(1, 3) if r < 0.65 else rng.randint(4, 10) if r < 0.93 else rng.randint(15, 70)
                spells.append((start, start + timedelta(days=length - 1), False))
            for _ in range(int(years * 3)):
                start = _monday_on_or_after(begin + self._days(0, span))
                length = rng.choice((5, 7, 9, 12, 14)) if rng.random() > 0.02 else rng.randint(15, 28)
                spells.append((start, start + timedelta(days=length - 1), True))
            if sup.left is None and end == as_of:
                r = rng.random()
                if r < 0.02:
                    spells.append((as_of - self._days(15, 60), None, False))
                elif r < 0.03:
                    spells.append((as_of - self._days(10, 30), as_of + self._days(5, 60), True))
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

    @staticmethod
    def absence_on(person: _Person, day: date) -> tuple[date, date | None, bool] | None:
        if not person.absences:
            return None
        i = bisect_right(person.absence_starts, day) - 1
        if i < 0:
            return None
        absence = person.absences[i]
        return absence if absence[1] is None or absence[1] >= day else None

    def make_hours(self) -> list[tuple[str, date, float]]:
        rng = self.rng
        out: list[tuple[str, date, float]] = []
        for person in self.people:
            if person.employment != "casual":
                continue
            day = _monday_on_or_after(max(person.started, self.w0))
            end = person.last_day(self.as_of)
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

    def make_asye_reviews(self) -> None:
        rng = self.rng
        months = list(self.pack.asye_reviews.months) if self.pack.asye_reviews else [3, 6, 12]
        for person in self.people:
            if person.asye_start is None:
                continue
            last = person.last_day(self.as_of)
            previous = person.asye_start
            for m in months:
                due = clocks.add_months(person.asye_start, m)
                r = rng.random()
                day = (
                    due - self._days(0, 14)
                    if r < 0.85
                    else due + (self._days(1, 30) if r < 0.95 else self._days(31, 60))
                )
                day = max(_working_back(day, previous), previous)
                if day > last:
                    break
                person.asye_reviews.append(day)
                previous = day

    # -- 5. children ---------------------------------------------------------------------

    def allocate_children(self) -> list[tuple[str, _Person, date]]:
        rng = self.rng
        as_of = self.as_of
        pools: dict[str, list[_Person]] = {"statutory": [], "leaving_care": [], "early_help": []}
        current = [p for p in self.people if p.present(as_of)]
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
                    w = _CASELOAD_WEIGHT.get(person.role, 1.0)
                weights.append(w)
            cum[name] = list(accumulate(weights))
        fallback = current or self.people
        status_cum = list(accumulate(s[1] for s in _STATUSES))
        out: list[tuple[str, _Person, date]] = []
        for _ in range(self.n_children):
            status, _, mean_days = _STATUSES[bisect_right(status_cum, rng.random() * status_cum[-1])]
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
                allocated = floor + self._days(0, max(0, min(90, (as_of - floor).days)))
            allocated = _working_back(allocated, floor - DAY)
            if allocated > as_of:
                allocated = floor
            out.append((status, worker, allocated))
        for person in self.people:
            person.case_holder = person.holds_children if person.present(as_of) else person.case_holder
        return out

    # -- 6. sessions -----------------------------------------------------------------------

    def _choose(self, base: date, due: date, casual: bool = False) -> date:
        """When the next session happens: mostly on or a little before the due date."""
        rng = self.rng
        r = rng.random()
        on_time = 0.66 if casual else 0.83
        if r < on_time:
            slack = max(0, min(7, (due - base).days // 4))
            day = due - timedelta(days=rng.randint(0, slack))
            return _working_back(day, base)
        if r < on_time + 0.11:
            day = due + self._days(1, 10)
        else:
            day = due + self._days(11, 45)
        return _working_on_or_after(day)

    def _records(self, kind: str, day: date, with_agreement: bool = True) -> tuple[date | None, date | None]:
        rng = self.rng
        rule = self.records.get(kind)
        within = rule.within if rule is not None else _DEFAULT_RECORD
        due = within.add_to(day)
        r = rng.random()
        if r < 0.84:
            clocked = _working_back(day + timedelta(days=rng.randint(0, (due - day).days)), day - DAY)
        elif r < 0.94:
            clocked = due + self._days(1, 15)
        elif r < 0.97:
            clocked = due + self._days(16, 60)
        else:
            clocked = None
        shared: date | None
        agreed: date | None
        if rule is not None and rule.clock == "signed":
            agreed = clocked
            if agreed is not None:
                shared = agreed - timedelta(days=rng.randint(0, (agreed - day).days))
            else:
                shared = day + self._days(1, 10) if rng.random() < 0.6 else None
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
                        agreed = answer_due + self._days(1, 20)
                elif r < 0.85:
                    agreed = shared + self._days(0, 7)
        as_of = self.as_of
        if shared is not None and shared > as_of:
            shared = None
        if agreed is not None and (agreed > as_of or (shared is not None and agreed < shared)):
            agreed = None if agreed > as_of else shared
        return shared, agreed

    def _flush(self) -> None:
        if self.buf:
            self.out.write(("," if self._sessions_started else "") + ",".join(self.buf))
            self._sessions_started = True
            self.buf.clear()

    def _emit(
        self,
        buf: list[str],
        kind: str,
        sup: _Person,
        day: date,
        status: str,
        *,
        supervisee: _Person | None = None,
        attendees: list[str] | None = None,
        observer: _Person | None = None,
        cancelled_on: date | None = None,
        reason: str | None = None,
        return_to_work: date | None = None,
    ) -> None:
        self.session_count += 1
        item: dict[str, Any] = {"id": f"s{self.session_count}", "kind": kind, "supervisor": sup.id}
        if supervisee is not None:
            item["supervisee"] = supervisee.id
        if attendees is not None:
            item["attendees"] = attendees
        if observer is not None:
            item["observer"] = observer.id
        item["date"] = day.isoformat()
        item["status"] = status
        if status == "held":
            shared, agreed = self._records(kind, day, with_agreement=kind != "group")
            if shared is not None:
                item["record_shared"] = shared.isoformat()
            if agreed is not None:
                item["record_agreed"] = agreed.isoformat()
        elif status == "cancelled":
            item["cancelled_on"] = (cancelled_on or day).isoformat()
            item["reason"] = reason
            if return_to_work is not None:
                item["return_to_work"] = return_to_work.isoformat()
        buf.append(_encode(item))
        if len(buf) >= 2000:
            self._flush()

    def _interval(self, person: _Person, kind: str, base: date) -> Period | None:
        role = person.role_at(base)
        rule = self.rules_for(role, person.employment, person.case_holder).get(kind)
        if rule is None:
            if kind == "case" and self.practice_case is not None and person.case_holder:
                return self.practice_case
            return None
        if rule.every is not None:
            return rule.every
        assert rule.phases is not None
        anchor = person.asye_start or person.started
        for phase in rule.phases:
            if phase.until is None or base < phase.until.add_to(anchor):
                return phase.every
        return rule.phases[-1].every

    def _due(self, person: _Person, kind: str, base: date) -> date | None:
        period = self._interval(person, kind, base)
        if period is None:
            return None
        due = period.add_to(base)
        rule = self.rules_for(person.role_at(base), person.employment, person.case_holder).get(kind)
        if rule is not None and rule.hours_threshold is not None:
            days, cum = person.hours_days, person.hours_cum
            start = bisect_right(days, base)
            before = cum[start - 1] if start > 0 else 0.0
            reach = next((days[i] for i in range(start, len(days)) if cum[i] - before >= rule.hours_threshold), None)
            if reach is None:
                return None
            due = max(due, reach)
        return due

    def _kinds_for(self, person: _Person) -> list[str]:
        roles = [person.role] if person.asye_end is None else ["nqsw_asye", person.role]
        kinds: list[str] = []
        for role in roles:
            for kind in self.rules_for(role, person.employment, person.case_holder):
                if kind != "group" and kind not in kinds:
                    kinds.append(kind)
        if self.practice_case is not None and person.case_holder and "case" not in kinds:
            kinds.append("case")
        return kinds

    @staticmethod
    def _spell_at(spells: list[tuple[date, date | None, _Person, Any]], day: date) -> int:
        for i, (frm, to, _, _) in enumerate(spells):
            if frm <= day and (to is None or to >= day):
                return i
            if frm > day:
                return -1 - i  # the next spell to start
        return -1 - len(spells)

    def _walk(
        self,
        buf: list[str],
        person: _Person,
        kind: str,
        spells: list[tuple[date, date | None, _Person, Any]],
        next_due: Any,
        discussions: list[tuple[date, str]] | None,
        observed: tuple[float, list[_Person]] | None = None,
    ) -> None:
        """Sessions of one kind for one supervisee, from the window's start to their last day."""
        rng = self.rng
        as_of = self.as_of
        end = person.last_day(as_of)
        start = max(person.started, spells[0][0])
        casual = person.employment == "casual"
        if start < self.w0:
            first = next_due(self.w0)
            span = (first - self.w0).days if first is not None else 30
            base = max(start, self.w0 - timedelta(days=rng.randint(0, max(span, 1))))
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
            day = self._choose(base, due, casual)
            if day > end:
                break
            i = self._spell_at(spells, day)
            if i < 0:
                j = -1 - i
                if j >= len(spells):
                    break
                day = _working_on_or_after(spells[j][0] + self._days(0, 10))
                if day > end:
                    break
                i = self._spell_at(spells, day)
                if i < 0:
                    base = day
                    continue
            sup = spells[i][2]
            held_day, held_sup = day, sup
            absence = self.absence_on(sup, day)
            cancel: tuple[str, date, date | None] | None = None
            if absence is not None:
                a_from, a_to, planned = absence
                long = a_to is None or (a_to - a_from).days + 1 > 14
                back = _working_on_or_after((a_to or FAR - DAY) + DAY) if a_to is not None else None
                if planned and rng.random() < 0.85:
                    earlier = _working_back(a_from - DAY, base)
                    if base < earlier < a_from:
                        held_day = earlier
                    elif back is not None and not long:
                        held_day = back
                    elif sup.slot is not None and sup.slot.sup is not None:
                        held_sup = self._cover(sup, day) or sup
                else:
                    cancel = (
                        "leave" if planned else "sickness",
                        min(day, a_from if not planned else day - self._days(3, 20)),
                        back,
                    )
            else:
                r = rng.random()
                if r < 0.012:
                    back_day = _working_on_or_after(day + self._days(1, 10))
                    cancel = ("sickness", day - timedelta(days=rng.randint(0, 1)), back_day)
                elif r < 0.017:
                    cancel = ("leave", day - self._days(3, 20), _working_on_or_after(day + self._days(3, 10)))
                elif r < 0.030:
                    cancel = ("other", day - self._days(0, 7), None)
            if cancel is not None:
                reason, cancelled_on, back = cancel
                self._emit(
                    buf,
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
                    cover = self._cover(sup, day)
                    if cover is None:
                        base = day
                        continue
                    held_sup = cover
                    held_day = _working_on_or_after(day + self._days(3, 15))
                else:
                    anchor = back if back is not None and back > day else day
                    gap = self._days(0, 6) if rng.random() < 0.8 else self._days(7, 30)
                    held_day = _working_on_or_after(anchor + gap + DAY)
                    long_absence = absence is not None and (
                        absence[1] is None or (absence[1] - absence[0]).days + 1 > 14
                    )
                    if long_absence:
                        held_sup = self._cover(sup, day) or sup
                        held_day = _working_on_or_after(day + self._days(3, 15))
                if held_day > end:
                    break
                j = self._spell_at(spells, held_day)
                if j < 0:
                    base = day
                    continue
                if held_sup is sup:
                    held_sup = spells[j][2]
            if held_day <= base:
                held_day = _working_on_or_after(base + DAY)
            if held_day > end:
                break
            if cancel is None and held_day != day and self._spell_at(spells, held_day) < 0:
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
                self._emit(buf, kind, held_sup, held_day, "held", supervisee=person, observer=observer)
            else:
                self._emit(buf, kind, held_sup, held_day, "held", supervisee=person)
            if discussions is not None:
                discussions.append((held_day, held_sup.id))
            base = held_day
        # a booking for the next session
        if person.left is None and kind != "observation" and rng.random() < 0.3:
            last = spells[-1]
            if last[1] is None:
                due = next_due(base)
                if due is None or due <= as_of or due > as_of + timedelta(days=60):
                    due = as_of + self._days(1, 28)
                self._emit(buf, kind, last[2], _working_on_or_after(due), "planned", supervisee=person)

    def _cover(self, sup: _Person, day: date) -> _Person | None:
        """Who stands in for an absent supervisor: the holder of the post above."""
        if sup.slot is None or sup.slot.sup is None:
            return None
        for occ in sup.slot.sup.occupants:
            if occ.present(day) and occ is not sup:
                return occ
        return None

    def person_sessions(self, buf: list[str], person: _Person) -> None:
        if not person.spells:
            return
        discussion_kind = None
        if person.holds_children and person.present(self.as_of):
            kinds = self._kinds_for(person)
            discussion_kind = "case" if "case" in kinds else "personal"
            person.discussions = []
        for kind in self._kinds_for(person):
            spells = [s for s in person.spells if s[3] is None or kind in s[3]] or person.spells
            self._walk(
                buf,
                person,
                kind,
                spells,
                lambda base, k=kind: self._due(person, k, base),
                person.discussions if kind == discussion_kind else None,
            )
        self._observations(buf, person)

    def _observations(self, buf: list[str], person: _Person) -> None:
        rules = self.pack.observations
        if not rules:
            return
        roles = [person.role] if person.asye_end is None else ["nqsw_asye", person.role]
        rule = next((r for role in roles for r in rules if role in r.roles), None)
        if rule is None:
            return
        rng = self.rng
        factor = rng.uniform(0.72, 0.92) if rng.random() > 0.12 else rng.uniform(1.2, 1.5)
        if rule.per_year is not None:
            days = 365 / rule.per_year * factor
            share = min(0.9, (rule.by_supervisor or 0) / rule.per_year + 0.2) if rule.by_supervisor else 0.6
        else:
            assert rule.one_in_personal is not None
            personal = self._interval(person, "personal", self.as_of) or _MONTH
            days = (personal.add_to(self.as_of) - self.as_of).days * (rule.one_in_personal - 1) * factor * 0.85
            share = 0.7
        step = timedelta(days=max(7, round(days)))

        def next_due(base: date) -> date | None:
            return base + step if person.role_at(base) in rule.roles else None

        spells = [s for s in person.spells if s[3] is None or "personal" in s[3]] or person.spells
        self._walk(buf, person, "observation", spells, next_due, None, observed=(share, self._observer_pool))

    def group_sessions(self, buf: list[str]) -> None:
        """Group supervision run by each supervisor for their reports whose role the pack owes it."""
        group_rules = [r for r in self.pack.supervision if r.kind == "group"]
        if not group_rules:
            return
        rng = self.rng
        as_of, w0 = self.as_of, self.w0
        for slot in self.slots:
            if not slot.reports and not slot.students:
                continue
            members: list[_Person] = [
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
                day = self._choose(base, period.add_to(base))
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
                    rules = self.rules_for(m.role_at(day), m.employment, m.case_holder)
                    if "group" in rules:
                        attendees.append(m.id)
                if not attendees:
                    base = day
                    continue
                if rng.random() < 0.04:
                    reason = "sickness" if rng.random() < 0.5 else "other"
                    back = _working_on_or_after(day + self._days(1, 5)) if reason == "sickness" else None
                    self._emit(
                        buf,
                        "group",
                        sup,
                        day,
                        "cancelled",
                        attendees=attendees,
                        cancelled_on=day - self._days(0, 3),
                        reason=reason,
                        return_to_work=back,
                    )
                    day = _working_on_or_after((back or day) + self._days(1, 7))
                    if day > as_of:
                        break
                self._emit(buf, "group", sup, day, "held", attendees=attendees)
                base = day

    # -- 7. writing ---------------------------------------------------------------------

    def write(self, out: TextIO) -> None:
        self.build_establishment()
        self.simulate_occupants()
        self.place_students()
        self.build_people_and_relationships()
        self.make_absences()
        hours = self.make_hours()
        self.make_asye_reviews()
        children = self.allocate_children()
        self._observer_pool = [p for p in self.people if p.role in _OBSERVERS]
        as_of = self.as_of

        out.write('{"policy":' + _encode(self.pack.id) + ',"as_of":"' + as_of.isoformat() + '"')
        self._write_list(out, "people", (self._person_json(p) for p in self.people))
        self._write_list(
            out, "relationships", (_encode(item) for p in self.people for item in self._relationship_json(p))
        )
        self._write_list(out, "agreements", (_encode(item) for p in self.people for item in self._agreements_json(p)))
        self._write_list(
            out,
            "absences",
            (
                _encode({"person": p.id, "from": a.isoformat(), "to": b.isoformat() if b else None, "planned": pl})
                for p in self.people
                for a, b, pl in p.absences
            ),
        )
        self._write_list(
            out,
            "hours",
            (f'{{"person":"{pid}","date":"{day.isoformat()}","hours":{_encode(h)}}}' for pid, day, h in hours),
        )

        out.write(',"sessions":[')
        self.out = out
        self.buf: list[str] = []
        self._sessions_started = False
        for person in self.people:
            self.person_sessions(self.buf, person)
        self.group_sessions(self.buf)
        self._flush()
        out.write("]")

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
            rule = self.case_review_rule.get(status)
            period = rule.every if rule is not None else _DEFAULT_CASE_REVIEW
            if rule is not None and rule.manager_may_shorten and self.rng.random() < 0.3:
                weeks = self.rng.choice({"cp": (4, 6), "cin": (6, 8)}.get(status, (8, 10)))
                item["review_every_weeks"] = weeks
                if timedelta(weeks=weeks) < period.add_to(allocated) - allocated:
                    period = Period(weeks=weeks)
            if rule is not None and rule.rationale_required and self.rng.random() < 0.85:
                item["rationale"] = self.rng.choice(_RATIONALES)
            child_items.append(_encode(item))
            for review in self._case_reviews(worker, allocated, period):
                review_number += 1
                day, by, direction = review
                entry = {"id": f"r{review_number}", "child": cid, "date": day.isoformat(), "by": by}
                if direction is not None:
                    entry["direction_recorded"] = direction.isoformat()
                review_items.append(_encode(entry))
            if len(child_items) >= 2000:
                out.write(("" if first_child else ",") + ",".join(child_items))
                first_child = False
                child_items.clear()
        if child_items:
            out.write(("" if first_child else ",") + ",".join(child_items))
        out.write("]")
        out.write(',"case_reviews":[' + ",".join(review_items) + "]}")
        out.write("\n")

    def _case_reviews(self, worker: _Person, allocated: date, period: Period) -> list[tuple[date, str, date | None]]:
        sessions = worker.discussions or []
        if not sessions:
            return []
        rng = self.rng
        dates = [d for d, _ in sessions]
        within = self.pack.case_direction.within if self.pack.case_direction else _DEFAULT_DIRECTION
        base = allocated
        due = period.add_to(base)
        while due < self.w0:
            base = due - self._days(0, 10)
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
                direction = direction_due + self._days(1, 20)
            else:
                direction = None
            if direction is not None and direction > self.as_of:
                direction = None
            out.append((day, by, direction))
            base = day
            due = period.add_to(base)
        return out

    @staticmethod
    def _write_list(out: TextIO, name: str, items: Any) -> None:
        out.write(f',"{name}":[')
        chunk: list[str] = []
        first = True
        for item in items:
            chunk.append(item)
            if len(chunk) >= 2000:
                out.write(("" if first else ",") + ",".join(chunk))
                first = False
                chunk = []
        if chunk:
            out.write(("" if first else ",") + ",".join(chunk))
        out.write("]")

    def _person_json(self, p: _Person) -> str:
        item: dict[str, Any] = {"id": p.id, "role": p.role_at(p.last_day(self.as_of)), "started": p.started.isoformat()}
        if p.left is not None:
            item["left"] = p.left.isoformat()
        if p.employment != "permanent":
            item["employment"] = p.employment
        if p.asye_start is not None:
            item["asye_start"] = p.asye_start.isoformat()
            item["asye_reviews"] = [d.isoformat() for d in p.asye_reviews]
        return _encode(item)

    def _relationship_json(self, p: _Person) -> list[dict[str, Any]]:
        out = []
        for frm, to, sup, kinds in p.spells:
            item: dict[str, Any] = {"supervisor": sup.id, "supervisee": p.id, "from": frm.isoformat()}
            if to is not None:
                item["to"] = to.isoformat()
            if kinds is not None:
                item["kinds"] = list(kinds)
            out.append(item)
        return out

    def _agreements_json(self, p: _Person) -> list[dict[str, Any]]:
        rng = self.rng
        rule = self.pack.agreement
        as_of = self.as_of
        out = []
        for frm, to, sup, _ in p.spells:
            cover = p.slot is not None and sup.slot is not (p.slot.sup if p.slot else None)
            due = rule.due_within.add_to(frm) if rule.due_within is not None else frm
            r = rng.random()
            if cover and r < 0.5:
                continue
            if rule.due_within is None:
                if r < 0.55:
                    signed = frm
                elif r < 0.85:
                    signed = frm + self._days(1, 21)
                elif r < 0.9:
                    signed = frm + self._days(22, 90)
                else:
                    continue
            elif r < 0.8:
                signed = frm + timedelta(days=rng.randint(0, (due - frm).days))
            elif r < 0.9:
                signed = due + self._days(1, 40)
            else:
                continue
            last = min(to or as_of, as_of)
            if signed > last:
                continue
            reviewed: list[str] = []  # ISO dates
            lapse = rng.randint(0, 6) if rng.random() < 0.08 else None  # reviews stop
            base = signed
            while True:
                review_due = rule.review_every.add_to(base)
                if lapse is not None and len(reviewed) >= lapse:
                    break
                r = rng.random()
                day = review_due - self._days(0, 20) if r < 0.85 else review_due + self._days(1, 60)
                day = max(day, base + DAY)
                if day > last:
                    break
                reviewed.append(day.isoformat())
                base = day
            out.append({"supervisor": sup.id, "supervisee": p.id, "signed": signed.isoformat(), "reviewed": reviewed})
        return out


def write_scenario(out: TextIO, *, staff: int, children: int, years: int, seed: int, policy: str, as_of: str) -> None:
    """Write one realistic scenario JSON object (compact, streamed) to ``out``.

    ``staff`` is the establishment (posts, about the headcount on ``as_of``; leavers
    and students come on top), ``children`` the children open on ``as_of``,
    ``years`` how far back sessions go. The same arguments give the same bytes.
    """
    try:
        day = date.fromisoformat(as_of)
    except ValueError:
        raise ValueError(f"--as-of: not a YYYY-MM-DD date: {as_of!r}") from None
    if staff < 1 or years < 1 or children < 0:
        raise ValueError("staff and years must be at least 1 and children at least 0")
    _Generator(staff=staff, children=children, years=years, seed=seed, pack=get_pack(policy), as_of=day).write(out)


def generate_scenario(**kwargs: Any) -> str:
    """``write_scenario`` into a string (for tests and small runs)."""
    import io

    buf = io.StringIO()
    write_scenario(buf, **kwargs)
    return buf.getvalue()
