"""What a capacity plan is computed from: the staff, their current supervisions, their
children's cases, when each kind was last held, the council's assumptions and a what-if.
Plain frozen data, built by the caller (oversight.capacity.selectors reads it from the database)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from ..pack import Period


@dataclass(frozen=True)
class Staff:
    """A member of staff: a supervisee, a supervisor or both."""

    id: str
    name: str
    role: str
    started: date
    employment: str = "permanent"
    asye_start: date | None = None
    weekly_hours: float | None = None  # contracted hours a week
    team: str = ""
    case_holder: bool = False


@dataclass(frozen=True)
class Supervision:
    """A current supervisory relationship; ``kinds`` None covers every kind."""

    supervisor: str
    supervisee: str
    start: date
    kinds: frozenset[str] | None = None


@dataclass(frozen=True)
class Case:
    """A child on a worker's caseload."""

    id: str
    worker: str
    status: str
    allocated: date
    last_review: date | None = None
    review_every_weeks: int | None = None


@dataclass(frozen=True)
class Assumptions:
    """What the policies do not say, set by the council (and the what-if form)."""

    share: float = 0.2  # of contracted hours available for supervision
    default_minutes: int = 90  # a session whose rule sets no duration
    case_review_minutes: int = 15  # one child's case review


@dataclass(frozen=True)
class Inputs:
    people: dict[str, Staff]
    supervisions: tuple[Supervision, ...]
    today: date
    cases: tuple[Case, ...] = ()
    last_held: dict[tuple[str, str], date] = field(default_factory=dict)  # (person, kind) -> last held
    hours: dict[str, list[tuple[date, float]]] = field(default_factory=dict)  # hours worked, by person


@dataclass(frozen=True)
class FrequencyChange:
    """Every session of ``rule`` (a supervision or case review rule id) at ``every`` instead."""

    rule: str
    every: Period


@dataclass(frozen=True)
class Move:
    """Every current supervision of ``supervisee`` passes to ``to``."""

    supervisee: str
    to: str


@dataclass(frozen=True)
class WhatIf:
    frequencies: tuple[FrequencyChange, ...] = ()
    moves: tuple[Move, ...] = ()

    def __bool__(self) -> bool:
        return bool(self.frequencies or self.moves)
