"""The generator's shared state: the arguments, the one ``random.Random``, the
simulation window, the pack's rules indexed for look-up, and the posts and people as
they are made. Each step of the simulation is a function of this state, in its own
module; ``scenario.write`` runs them in order.
"""

from __future__ import annotations

import json
import random
from datetime import date, timedelta

from .. import clocks
from ..pack import CaseReviewRule, Period, PolicyPack, RecordRule, SupervisionRule
from .people import Person, Slot
from .shape import FOUR_WEEKS, MONTH

encode = json.JSONEncoder(separators=(",", ":"), ensure_ascii=True).encode


class Generator:
    """One scenario being made. Determinism: every random draw goes through ``rng``, in
    a fixed order; nothing iterates a set or reads the clock."""

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
        self.slots: list[Slot] = []
        self.people: list[Person] = []
        self.observer_pool: list[Person] = []  # who may observe practice (set once people are known)
        self._rules_cache: dict[tuple[str, str, bool], dict[str, SupervisionRule]] = {}
        self.records: dict[str, RecordRule] = {}
        for rule in pack.records:
            for kind in rule.kinds:
                self.records.setdefault(kind, rule)
        self.case_review_rule: dict[str, CaseReviewRule] = {s: r for r in pack.case_review for s in r.statuses}
        # Case holders whose children are reviewed in case supervision that the pack
        # does not itself require of them: a monthly (or 4-weekly) practice session.
        self.practice_case: Period | None = None
        if pack.case_review:
            shortest = min((r.every.add_to(as_of) - as_of).days for r in pack.case_review)
            self.practice_case = FOUR_WEEKS if shortest <= 28 else MONTH

    def first_role(self, candidates: tuple[str, ...]) -> str | None:
        """The first of ``candidates`` the pack has, or None."""
        return next((r for r in candidates if r in self.roles), None)

    def days(self, low: int, high: int) -> timedelta:
        """A random whole number of days from ``low`` to ``high`` inclusive."""
        return timedelta(days=self.rng.randint(low, high))

    def rules_for(self, role: str, employment: str, case_holder: bool) -> dict[str, SupervisionRule]:
        """The pack's supervision rule of each kind for this role, employment and
        caseload (an employment-specific rule over a general one)."""
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
