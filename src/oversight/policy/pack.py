"""The policy pack: a council's supervision policy as validated data.

A pack is a YAML file (``packs/<id>.yaml``) whose every rule names its ``source``
(a section of the council's document, the seed file) and, where the text can be
read two ways, the ``interpretation`` taken. This module validates packs with
Pydantic and loads the ones shipped with Oversight. It never imports Django.
"""

from __future__ import annotations

from datetime import date
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any, Literal, get_args

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from . import clocks

SESSION_KINDS = ("personal", "case", "group", "observation")
SUPERVISION_KINDS: tuple[SessionKind, ...] = ("personal", "case", "group")
CHILD_STATUSES = ("cin", "cp", "cla", "cla_matched", "sixteen_plus", "care_leaver", "early_help")
EMPLOYMENT_TYPES = ("permanent", "temporary", "casual", "student")
COMMON_ROLES = (
    "student_social_worker",
    "nqsw_asye",
    "social_worker",
    "senior_social_worker",
    "advanced_practitioner",
    "family_support_worker",
    "team_manager",
    "service_manager",
    "head_of_service",
    "business_support",
)

SessionKind = Literal["personal", "case", "group", "observation"]
SupervisionKind = Literal["personal", "case", "group"]
ChildStatus = Literal["cin", "cp", "cla", "cla_matched", "sixteen_plus", "care_leaver", "early_help"]
EmploymentType = Literal["permanent", "temporary", "casual", "student"]

# Events on a person's supervision file and in the quality loop, as the file and quality
# apps record them and a scenario's ``file_events`` carries them. Training, observation of
# one's supervision and audit of one's supervision files are about the supervisor; the
# self-care plan, its review and objectives set are about the supervisee or staff member.
FileEventKind = Literal[
    "training", "supervision_observed", "file_audit", "self_care_plan", "self_care_review", "objectives_set"
]
FILE_EVENT_KINDS: tuple[str, ...] = get_args(FileEventKind)


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Period(_Strict):
    """A clock: exactly one of its fields is set."""

    weeks: int | None = Field(default=None, ge=1)
    days: int | None = Field(default=None, ge=1)
    months: int | None = Field(default=None, ge=1)
    years: int | None = Field(default=None, ge=1)
    calendar_months: int | None = Field(default=None, ge=1)
    working_days: int | None = Field(default=None, ge=1)
    hours: int | None = Field(default=None, ge=1)

    @model_validator(mode="after")
    def _exactly_one(self) -> Period:
        set_fields = [name for name, value in self if value is not None]
        if len(set_fields) != 1:
            raise ValueError(
                "a period sets exactly one of weeks, days, months, years, "
                f"calendar_months, working_days, hours (got {set_fields or 'none'})"
            )
        if self.hours is not None and self.hours % 24:
            raise ValueError("hours must be a multiple of 24 on a date clock")
        return self

    def add_to(self, start: date) -> date:
        """The due date this clock gives from ``start``."""
        if self.weeks is not None:
            return clocks.add_weeks(start, self.weeks)
        if self.days is not None:
            return clocks.add_days(start, self.days)
        if self.months is not None:
            return clocks.add_months(start, self.months)
        if self.years is not None:
            return clocks.add_months(start, 12 * self.years)
        if self.calendar_months is not None:
            due = start
            for _ in range(self.calendar_months):
                due = clocks.end_of_next_calendar_month(due)
            return due
        if self.working_days is not None:
            return clocks.add_working_days(start, self.working_days)
        assert self.hours is not None
        return clocks.add_hours(start, self.hours)

    def describe(self) -> str:
        for name, value in self:
            if value is not None:
                unit = name.replace("_", " ")
                if value == 1:
                    unit = {"calendar months": "calendar month", "working days": "working day"}.get(
                        unit, unit.rstrip("s")
                    )
                return f"{value} {unit}"
        return "-"


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


class Conflict(_Strict):
    id: str
    sources: list[str] = Field(min_length=1)
    text: str
    reading: str


class TemplateSection(_Strict):
    id: str = Field(pattern=r"^[a-z0-9][a-z0-9_\-]*$")
    title: str
    prompts: list[str] = Field(default_factory=list)
    confidential: bool = False
    per_child: bool = False
    signature: bool = False


class Template(_Strict):
    id: str = Field(pattern=r"^[a-z0-9][a-z0-9_.\-]*$")
    title: str
    source: str
    applies_to: Literal["agreement", "session", "observation", "preparation", "case_discussion"]
    kinds: list[SessionKind] = Field(default_factory=list)
    roles: list[str] = Field(default_factory=list)
    sections: list[TemplateSection] = Field(min_length=1)


class ExtraRole(_Strict):
    id: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    label: str
    source: str


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


class PolicyPack(_Strict):
    id: str = Field(pattern=r"^[a-z0-9][a-z0-9\-]*$")
    council: str
    document: str
    date: str = Field(pattern=r"^\d{4}-\d{2}$")
    seed: str = Field(pattern=r"^\d{3}_[0-9a-f]{16}\.txt$")
    extra_roles: list[ExtraRole] = Field(default_factory=list)
    supervision: list[SupervisionRule] = Field(min_length=1)
    case_review: list[CaseReviewRule] = Field(default_factory=list)
    agreement: AgreementRule
    records: list[RecordRule] = Field(default_factory=list)
    case_direction: CaseDirectionRule | None = None
    rearrange: RearrangeRule | None = None
    ratio: RatioRule | None = None
    observations: list[ObservationRule] = Field(default_factory=list)
    asye_reviews: AsyeReviewRule | None = None
    absence_cover: AbsenceCoverRule | None = None
    retention: list[RetentionRule] = Field(default_factory=list)
    file_clocks: list[FileClockRule] = Field(default_factory=list)
    other_rules: list[OtherRule] = Field(default_factory=list)
    conflicts: list[Conflict] = Field(default_factory=list)
    templates: list[Template] = Field(default_factory=list)

    @property
    def roles(self) -> tuple[str, ...]:
        return COMMON_ROLES + tuple(r.id for r in self.extra_roles)

    @model_validator(mode="after")
    def _consistent(self) -> PolicyPack:
        known = set(self.roles)
        seen: set[str] = set()
        for rule in self.all_rules():
            if rule.id in seen:
                raise ValueError(f"rule id {rule.id!r} is used twice")
            seen.add(rule.id)
        for index, sup in enumerate(self.supervision):
            for role in sup.roles:
                if role not in known:
                    raise ValueError(f"supervision[{index}].roles: unknown role {role!r}")
        for index, obs in enumerate(self.observations):
            for role in obs.roles:
                if role not in known:
                    raise ValueError(f"observations[{index}].roles: unknown role {role!r}")
        for index, file_clock in enumerate(self.file_clocks):
            for role in file_clock.roles or ():
                if role not in known:
                    raise ValueError(f"file_clocks[{index}].roles: unknown role {role!r}")
        file_kinds = [rule.kind for rule in self.file_clocks]
        if len(file_kinds) != len(set(file_kinds)):
            raise ValueError("file_clocks: a kind of file event has two clocks")
        statuses = [s for rule in self.case_review for s in rule.statuses]
        if len(statuses) != len(set(statuses)):
            raise ValueError("case_review: a child status appears in two rules")
        return self

    def all_rules(self) -> list[Rule]:
        rules: list[Rule] = [*self.supervision, *self.case_review, self.agreement, *self.records]
        for single in (self.case_direction, self.rearrange, self.ratio, self.asye_reviews, self.absence_cover):
            if single is not None:
                rules.append(single)
        rules += [*self.observations, *self.retention, *self.file_clocks, *self.other_rules]
        return rules

    def template_for(self, applies_to: str, kind: str | None = None, role: str | None = None) -> Template | None:
        """The council's template for this use, preferring one written for the role."""
        candidates = [
            t for t in self.templates if t.applies_to == applies_to and (kind is None or not t.kinds or kind in t.kinds)
        ]
        for template in candidates:
            if role is not None and role in template.roles:
                return template
        return next((t for t in candidates if not t.roles), candidates[0] if candidates else None)

    def template(self, template_id: str) -> Template | None:
        return next((t for t in self.templates if t.id == template_id), None)

    def cite(self, rule: Rule) -> str:
        """The rule's source as the contract prints it: seed file, then section."""
        return f"{self.seed} {rule.source}"


class PackError(Exception):
    """A pack that does not validate; ``errors`` are (path, message) pairs."""

    def __init__(self, errors: list[tuple[str, str]]):
        self.errors = errors
        super().__init__("; ".join(f"{path}: {message}" for path, message in errors))


def _yaml_load(text: str) -> Any:
    """YAML with libyaml's C loader where it is built in (ten times faster), else the pure one."""
    return yaml.load(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))


def format_loc(loc: tuple[Any, ...]) -> str:
    """('people', 2, 'role') -> 'people[2].role'."""
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += ("." if out else "") + str(part)
    return out or "(top level)"


def parse_pack(data: Any) -> PolicyPack:
    try:
        return PolicyPack.model_validate(data)
    except ValidationError as exc:
        errors = []
        for err in exc.errors():
            loc = tuple(p for p in err["loc"] if not (isinstance(p, str) and p.startswith("function-")))
            message = err["msg"].removeprefix("Value error, ")
            path = format_loc(loc)
            # A check across fields names its own path: "supervision[1].roles: unknown role 'x'".
            head, sep, rest = message.partition(": ")
            if sep and " " not in head and ("[" in head or "." in head):
                path = f"{path}.{head}" if loc else head
                message = rest
            errors.append((path, message))
        raise PackError(errors) from None


def load_pack_file(path: str | Path) -> PolicyPack:
    """Validate a council's pack file; its templates may sit in ``templates/<same name>`` beside it."""
    path = Path(path)
    try:
        data = _yaml_load(path.read_text(encoding="utf-8"))
        templates = path.parent / "templates" / path.name
        if isinstance(data, dict) and "templates" not in data and templates.is_file():
            data["templates"] = (_yaml_load(templates.read_text(encoding="utf-8")) or {}).get("templates", [])
    except yaml.YAMLError as exc:
        raise PackError([("(yaml)", str(exc).replace("\n", " "))]) from None
    return parse_pack(data)


def _pack_dir() -> Any:
    return resources.files("oversight.policy").joinpath("packs")


@lru_cache(maxsize=1)
def shipped_packs() -> dict[str, PolicyPack]:
    """Every pack shipped with Oversight, by id, validated."""
    packs: dict[str, PolicyPack] = {}
    directory = _pack_dir()
    for entry in sorted(directory.iterdir(), key=lambda e: e.name):
        if entry.name.endswith(".yaml"):
            data = _yaml_load(entry.read_text(encoding="utf-8"))
            templates = directory.joinpath("templates", entry.name)
            if templates.is_file() and "templates" not in data:
                data["templates"] = _yaml_load(templates.read_text(encoding="utf-8")).get("templates", [])
            pack = parse_pack(data)
            packs[pack.id] = pack
    return packs


def get_pack(pack_id: str) -> PolicyPack:
    return shipped_packs()[pack_id]
