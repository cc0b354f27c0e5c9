"""The rules of a pack, one model per kind of rule; each carries its citation (``source``)."""

from __future__ import annotations

from typing import Literal

from pydantic import Field, model_validator

from .period import Period
from .vocabulary import (
    SUPERVISION_KINDS,
    ChildStatus,
    EmploymentType,
    FileEventKind,
    SessionKind,
    SupervisionKind,
    _Strict,
)


class Rule(_Strict):
    """What every rule carries: an id, a citation and, where needed, a reading."""

    id: str = Field(pattern=r"^[a-z0-9][a-z0-9_.\-]*$")
    source: str = Field(min_length=1, description="section(s) of the seed document")
    interpretation: str | None = None
    note: str | None = None


class Phase(_Strict):
    """One stage of a staged frequency (ASYE, students): applies until ``until``
    after the stage anchor (ASYE start, else the person's start); the last phase
    has no ``until``."""

    until: Period | None = None
    every: Period
    label: str | None = None


class SupervisionRule(Rule):
    kind: SupervisionKind
    roles: list[str] = Field(min_length=1)
    employment: list[EmploymentType] | None = None
    every: Period | None = None
    phases: list[Phase] | None = None
    hours_threshold: float | None = Field(default=None, gt=0)
    only_without_cases: bool = False
    duration_minutes: int | None = Field(default=None, gt=0)
    minimum_minutes: int | None = Field(default=None, gt=0)
    supervised_by: str | None = None

    @model_validator(mode="after")
    def _one_frequency(self) -> SupervisionRule:
        if (self.every is None) == (self.phases is None):
            raise ValueError("a supervision rule sets either 'every' or 'phases'")
        if self.phases is not None:
            if not self.phases:
                raise ValueError("phases must not be empty")
            if any(p.until is None for p in self.phases[:-1]):
                raise ValueError("only the last phase may leave 'until' empty")
            if self.phases[-1].until is not None:
                raise ValueError("the last phase must leave 'until' empty")
        return self


class CaseReviewRule(Rule):
    statuses: list[ChildStatus] = Field(min_length=1)
    every: Period
    manager_may_shorten: bool = False
    rationale_required: bool = False


class AgreementRule(Rule):
    due_within: Period | None = None
    review_every: Period
    signed_by: list[str] = Field(default_factory=lambda: ["supervisor", "supervisee"])
    line_manager_signs_delegated: bool = False
    on_change_of_supervisor: bool = True


class RecordRule(Rule):
    kinds: list[SessionKind] = Field(min_length=1)
    within: Period
    clock: Literal["shared", "signed"] = "shared"
    respond_within: Period | None = None
    silence_is_agreement: bool = False
    written_by: str = "supervisor"


class CaseDirectionRule(Rule):
    within: Period


class RearrangeRule(Rule):
    kinds: list[SessionKind] = Field(default_factory=lambda: list(SUPERVISION_KINDS))
    within: Period
    counted_from: Literal["original_date", "cancelled_on"]
    after_return_reasons: list[Literal["sickness", "leave", "other"]] = Field(default_factory=list)
    after_return_within: Period | None = None


class RatioRule(Rule):
    limit: int = Field(gt=0)
    guide_low: int | None = None
    roles_of_supervisees: list[str] | None = None


class ObservationRule(Rule):
    roles: list[str] = Field(min_length=1)
    per_year: int | None = Field(default=None, ge=1)
    by_supervisor: int | None = Field(default=None, ge=0)
    one_in_personal: int | None = Field(default=None, ge=2)

    @model_validator(mode="after")
    def _one_quota(self) -> ObservationRule:
        if (self.per_year is None) == (self.one_in_personal is None):
            raise ValueError("an observation rule sets either 'per_year' or 'one_in_personal'")
        return self


class AsyeReviewRule(Rule):
    months: list[int] = Field(min_length=1)


class AbsenceCoverRule(Rule):
    longer_than_days: int = Field(gt=0)
    unplanned_only: bool = False


class RetentionRule(Rule):
    record_class: str
    keep: Period
    after: Literal["left", "created", "closed"] = "left"
    held_by: str | None = None


class FileClockRule(Rule):
    """A clock on the supervision file or the quality loop, met by file events of ``met_by``
    (default: its own ``kind``); see README, "File and quality clocks".

    ``who`` owes it: ``supervisors`` (anyone supervising on the day; the clock starts when
    they first became a supervisor), ``supervisees`` (anyone supervised on the day; it starts
    with their current relationship) or ``staff`` (everyone employed on the day; it starts
    when they started), narrowed to ``roles`` when given.

    ``every`` set: recurring, due ``every`` after the last event. Never done: ``first_due``
    says when it is first owed: ``at_start`` (at once, on the day the clock starts, plus
    ``within`` if given), ``one_period`` (``every`` after that day), or ``only_with`` (owed
    only by people with an event of kind ``requires``, e.g. a self-care review only by those
    with a plan). ``every`` unset: once, due at the start (plus ``within``) and met by the
    first event on or after the start.
    """

    kind: FileEventKind
    who: Literal["supervisors", "supervisees", "staff"]
    roles: list[str] | None = Field(default=None, min_length=1)
    every: Period | None = None
    first_due: Literal["at_start", "one_period", "only_with"]
    within: Period | None = None
    requires: FileEventKind | None = None
    met_by: list[FileEventKind] | None = Field(default=None, min_length=1)
    discussed_in: SupervisionKind | None = Field(
        default=None, description="the kind of supervision the policy has it discussed in, if it says"
    )

    @model_validator(mode="after")
    def _readable(self) -> FileClockRule:
        if self.every is None and self.first_due != "at_start":
            raise ValueError("a clock without 'every' is owed once, at the start: first_due must be 'at_start'")
        if self.within is not None and self.first_due != "at_start":
            raise ValueError("'within' is the time allowed from the start: only with first_due 'at_start'")
        if (self.first_due == "only_with") != (self.requires is not None):
            raise ValueError("first_due 'only_with' names the event it needs in 'requires' (and only then)")
        return self

    @property
    def meeting_kinds(self) -> tuple[str, ...]:
        """The kinds of file event that meet this clock."""
        return tuple(self.met_by or (self.kind,))


class OtherRule(Rule):
    """A rule with a number or clock that the engine does not compute from yet
    (planning horizon, training refresh, QA cadence ...), kept with its citation."""

    topic: str
    value: str
    period: Period | None = None
