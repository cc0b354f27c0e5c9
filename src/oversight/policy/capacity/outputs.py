"""What a capacity plan gives back: each supervisor's load (a line per supervisee, kind and
rule), their ratio against the pack's limit, totals, and the plan that holds them."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date

from .inputs import Assumptions, Staff
from .quarters import quarter_label

KIND_LABELS = {
    "personal": "Personal supervision",
    "case": "Case supervision",
    "group": "Group supervision",
    "case_review": "Children's case reviews",
}
KIND_ORDER = tuple(KIND_LABELS)


@dataclass(frozen=True)
class Line:
    """The supervision one supervisee (or, merged, the supervisees outside the viewer's reach:
    ``supervisee`` None) demands of one supervisor under one rule in the quarter."""

    supervisee: str | None
    kind: str
    rule: str
    source: str
    interval: str  # the frequencies that apply in the quarter, in order ('1 week, then 2 weeks')
    sessions: int  # sessions in the quarter (a group: the group's sessions; case reviews: reviews)
    minutes_each: int
    minutes: float  # this supervisor's minutes for it: a group's share, a split supervision's part
    minimum_minutes: float
    assumed_duration: bool = False  # the pack sets no duration: Assumptions gave it
    shared_by: int = 1  # attendees of the group session
    people: int = 1  # supervisees merged into this line

    @property
    def hours(self) -> float:
        return self.minutes / 60


@dataclass(frozen=True)
class Ratio:
    count: int
    limit: int
    guide_low: int | None
    rule: str
    source: str

    @property
    def status(self) -> str:
        """'exceeded' above the limit (the engine's reading), 'in range' within the guide's range
        (guide_low to limit), else 'below'."""
        if self.count > self.limit:
            return "exceeded"
        if self.guide_low is not None and self.count >= self.guide_low:
            return "in range"
        return "below"

    @property
    def guide(self) -> str:
        return f"{self.guide_low}-{self.limit}" if self.guide_low is not None else f"up to {self.limit}"


@dataclass
class Load:
    supervisor: Staff
    lines: list[Line]
    supervisees: list[str]  # current supervisees, for the ratio (every one, in reach or not)
    ratio: Ratio | None
    available_minutes: float | None  # None: no contracted hours recorded

    @property
    def demanded_minutes(self) -> float:
        return sum(line.minutes for line in self.lines)

    @property
    def minimum_minutes(self) -> float:
        return sum(line.minimum_minutes for line in self.lines)

    @property
    def demanded_hours(self) -> float:
        return self.demanded_minutes / 60

    @property
    def minimum_hours(self) -> float:
        return self.minimum_minutes / 60

    @property
    def available_hours(self) -> float | None:
        return None if self.available_minutes is None else self.available_minutes / 60

    @property
    def load_percent(self) -> float | None:
        if not self.available_minutes:
            return None
        return 100 * self.demanded_minutes / self.available_minutes

    def minutes_by_kind(self) -> dict[str, float]:
        out: dict[str, float] = defaultdict(float)
        for line in self.lines:
            out[line.kind] += line.minutes
        return {kind: out[kind] for kind in KIND_ORDER if kind in out}


@dataclass(frozen=True)
class Total:
    demanded_minutes: float
    available_minutes: float
    supervisors: int
    without_hours: int  # supervisors with no contracted hours: their demand counts, no availability

    @property
    def demanded_hours(self) -> float:
        return self.demanded_minutes / 60

    @property
    def available_hours(self) -> float:
        return self.available_minutes / 60

    @property
    def load_percent(self) -> float | None:
        return 100 * self.demanded_minutes / self.available_minutes if self.available_minutes else None


@dataclass
class Plan:
    start: date
    end: date
    loads: list[Load]
    assumptions: Assumptions
    rules: dict[str, str]  # rule id -> citation (seed file and section), every rule a figure used

    @property
    def label(self) -> str:
        return quarter_label(self.start)

    def load_of(self, supervisor: str) -> Load | None:
        return next((load for load in self.loads if load.supervisor.id == supervisor), None)

    def total(self, loads: list[Load] | None = None) -> Total:
        loads = self.loads if loads is None else loads
        return Total(
            demanded_minutes=sum(load.demanded_minutes for load in loads),
            available_minutes=sum(load.available_minutes or 0 for load in loads),
            supervisors=len(loads),
            without_hours=sum(1 for load in loads if load.available_minutes is None),
        )

    def totals_by_team(self) -> list[tuple[str, Total]]:
        teams: dict[str, list[Load]] = defaultdict(list)
        for load in self.loads:
            teams[load.supervisor.team].append(load)
        return [(team, self.total(loads)) for team, loads in sorted(teams.items())]
