"""The people in the simulation: the posts of the establishment (``Slot``) and the
people who hold them one after another, agency cover and students (``Person``)."""

from __future__ import annotations

from datetime import date

from .. import clocks


class Slot:
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
        sup: Slot | None,
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
        self.team: Slot | None = None
        self.reports: list[Slot] = []
        self.occupants: list[Person] = []
        self.students: list[Person] = []
        self.asye_track = False
        if sup is not None:
            sup.reports.append(self)


class Person:
    """One person over their time in a post (or a student placement): who supervised them
    when, their absences, casual hours, ASYE dates and the children they hold."""

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

    def __init__(self, slot: Slot | None, role: str, employment: str, started: date, asye_start: date | None = None):
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
        self.spells: list[tuple[date, date | None, Person, tuple[str, ...] | None]] = []
        self.absences: list[tuple[date, date | None, bool]] = []
        self.absence_starts: list[date] = []
        self.hours_days: list[date] = []
        self.hours_cum: list[float] = []
        self.case_holder = bool(slot is not None and slot.holds)
        self.holds_children = False
        self.discussions: list[tuple[date, str]] | None = None
        self.team: Slot | None = slot.team if slot is not None else None

    def role_at(self, day: date) -> str:
        """``nqsw_asye`` during the ASYE year, else the role."""
        if self.asye_end is not None and day < self.asye_end:
            return "nqsw_asye"
        return self.role

    def last_day(self, as_of: date) -> date:
        """The last day in post up to ``as_of``."""
        return as_of if self.left is None or self.left > as_of else self.left

    def present(self, day: date) -> bool:
        """Whether they are in post on ``day``."""
        return self.started <= day and (self.left is None or self.left >= day)
