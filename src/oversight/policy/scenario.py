"""The scenario of the conformance contract: people, relationships and events.

``parse_scenario`` turns JSON text into a validated :class:`Scenario` or raises
:class:`ScenarioError` naming the first offending field, e.g.
``people[2].role: unknown role 'foo' for policy leeds-2023``.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any, Literal, Optional, TypeVar

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from .pack import ChildStatus, EmploymentType, PolicyPack, SessionKind, format_loc, shipped_packs

T = TypeVar("T")
if TYPE_CHECKING:
    NullableList = list
else:  # JSON null is accepted and turned into [] by Scenario._null_is_empty
    NullableList = Optional[list[T]]  # noqa: UP045 (a generic alias, subscripted below)


class _Model(BaseModel):
    model_config = ConfigDict(strict=True, extra="ignore", frozen=False, populate_by_name=True)


class Person(_Model):
    id: str = Field(min_length=1)
    role: str
    started: date
    left: date | None = None
    employment: EmploymentType = "permanent"
    asye_start: date | None = None
    asye_reviews: list[date] = Field(default_factory=list)


class Relationship(_Model):
    supervisor: str
    supervisee: str
    from_: date = Field(alias="from")
    to: date | None = None
    kinds: list[SessionKind] | None = None


class Agreement(_Model):
    supervisor: str
    supervisee: str
    signed: date | None = None
    reviewed: list[date] = Field(default_factory=list)


class Session(_Model):
    id: str = Field(min_length=1)
    kind: SessionKind
    supervisor: str | None = None
    supervisee: str | None = None
    attendees: list[str] = Field(default_factory=list)
    observer: str | None = None
    date: date
    status: Literal["held", "cancelled", "planned"]
    record_shared: date | None = None
    record_agreed: date | None = None
    cancelled_on: date | None = None
    reason: Literal["sickness", "leave", "other"] | None = None
    return_to_work: date | None = None

    def participants(self) -> list[str]:
        people = list(self.attendees)
        if self.supervisee is not None and self.supervisee not in people:
            people.append(self.supervisee)
        return people


class Child(_Model):
    id: str = Field(min_length=1)
    worker: str
    status: ChildStatus
    allocated: date
    review_every_weeks: int | None = Field(default=None, ge=1)
    rationale: str | None = None


class CaseReview(_Model):
    id: str = Field(min_length=1)
    child: str
    date: date
    by: str
    direction_recorded: date | None = None


class Hours(_Model):
    person: str
    date: date
    hours: float = Field(ge=0, le=24)


class Absence(_Model):
    person: str
    from_: date = Field(alias="from")
    to: date | None = None
    planned: bool = False


_LISTS = ("people", "relationships", "agreements", "sessions", "children", "case_reviews", "hours", "absences")


class Scenario(_Model):
    policy: str
    as_of: date
    # Every list may be empty, absent or null.
    people: NullableList[Person] = Field(default_factory=list)
    relationships: NullableList[Relationship] = Field(default_factory=list)
    agreements: NullableList[Agreement] = Field(default_factory=list)
    sessions: NullableList[Session] = Field(default_factory=list)
    children: NullableList[Child] = Field(default_factory=list)
    case_reviews: NullableList[CaseReview] = Field(default_factory=list)
    hours: NullableList[Hours] = Field(default_factory=list)
    absences: NullableList[Absence] = Field(default_factory=list)

    @model_validator(mode="after")
    def _null_is_empty(self) -> Scenario:
        for name in _LISTS:
            if getattr(self, name) is None:
                setattr(self, name, [])
        return self


class ScenarioError(Exception):
    """A scenario that cannot be accepted; ``field`` names where, ``message`` what."""

    def __init__(self, field: str, message: str):
        self.field = field
        self.message = message
        super().__init__(f"{field}: {message}")


def parse_scenario(text: str | bytes) -> tuple[Scenario, PolicyPack]:
    """Validate scenario JSON; return it with its policy pack, or raise ScenarioError."""
    try:
        scenario = Scenario.model_validate_json(text)
    except ValidationError as exc:
        err = exc.errors()[0]
        if err["type"] == "json_invalid":
            raise ScenarioError("scenario", f"not valid JSON: {err['msg']}") from None
        if err["type"] == "model_type" and not err["loc"]:
            raise ScenarioError("scenario", "must be a JSON object") from None
        loc = tuple("from" if part == "from_" else part for part in err["loc"])
        message = err["msg"]
        if err["type"] == "missing":
            message = "missing"
        elif "input" in err and not isinstance(err["input"], (dict, list)):
            message = f"{message} (got {err['input']!r})"
        raise ScenarioError(format_loc(loc), message) from None
    packs = shipped_packs()
    if scenario.policy not in packs:
        known = ", ".join(sorted(packs))
        raise ScenarioError("policy", f"unknown policy {scenario.policy!r} (known: {known})")
    pack = packs[scenario.policy]
    check_references(scenario, pack)
    return scenario, pack


def _unique(items: list[Any], name: str) -> dict[str, Any]:
    by_id: dict[str, Any] = {}
    for index, item in enumerate(items):
        if item.id in by_id:
            raise ScenarioError(f"{name}[{index}].id", f"duplicate id {item.id!r}")
        by_id[item.id] = item
    return by_id


def check_references(scenario: Scenario, pack: PolicyPack) -> None:
    """Refuse unknown roles, dangling ids and impossible dates, naming the field."""
    roles = set(pack.roles)
    people = _unique(scenario.people, "people")
    _unique(scenario.sessions, "sessions")
    children = _unique(scenario.children, "children")
    _unique(scenario.case_reviews, "case_reviews")

    def person(field: str, pid: str | None) -> None:
        if pid is not None and pid not in people:
            raise ScenarioError(field, f"unknown person {pid!r}")

    for i, p in enumerate(scenario.people):
        if p.role not in roles:
            raise ScenarioError(f"people[{i}].role", f"unknown role {p.role!r} for policy {pack.id}")
        if p.left is not None and p.left < p.started:
            raise ScenarioError(f"people[{i}].left", f"{p.left} is before started {p.started}")
        if p.asye_start is not None and p.left is not None and p.asye_start > p.left:
            raise ScenarioError(f"people[{i}].asye_start", f"{p.asye_start} is after left {p.left}")
        for j, review in enumerate(p.asye_reviews):
            anchor = p.asye_start or p.started
            if review < anchor:
                raise ScenarioError(f"people[{i}].asye_reviews[{j}]", f"{review} is before the ASYE start {anchor}")
    for i, r in enumerate(scenario.relationships):
        person(f"relationships[{i}].supervisor", r.supervisor)
        person(f"relationships[{i}].supervisee", r.supervisee)
        if r.supervisor == r.supervisee:
            raise ScenarioError(f"relationships[{i}].supervisee", "a person cannot supervise themselves")
        if r.to is not None and r.to < r.from_:
            raise ScenarioError(f"relationships[{i}].to", f"{r.to} is before from {r.from_}")
    for i, a in enumerate(scenario.agreements):
        person(f"agreements[{i}].supervisor", a.supervisor)
        person(f"agreements[{i}].supervisee", a.supervisee)
        for j, reviewed in enumerate(a.reviewed):
            if a.signed is not None and reviewed < a.signed:
                raise ScenarioError(f"agreements[{i}].reviewed[{j}]", f"{reviewed} is before signed {a.signed}")
    for i, s in enumerate(scenario.sessions):
        field = f"sessions[{i}]"
        person(f"{field}.supervisor", s.supervisor)
        person(f"{field}.supervisee", s.supervisee)
        person(f"{field}.observer", s.observer)
        for j, attendee in enumerate(s.attendees):
            person(f"{field}.attendees[{j}]", attendee)
        if s.kind == "group":
            if not s.attendees and s.supervisee is None:
                raise ScenarioError(f"{field}.attendees", "a group session needs attendees")
        elif s.supervisee is None:
            raise ScenarioError(f"{field}.supervisee", f"a {s.kind} session needs a supervisee")
        if s.record_shared is not None and s.record_shared < s.date:
            raise ScenarioError(f"{field}.record_shared", f"{s.record_shared} is before the session on {s.date}")
        if s.record_agreed is not None and s.record_agreed < s.date:
            raise ScenarioError(f"{field}.record_agreed", f"{s.record_agreed} is before the session on {s.date}")
        if s.status != "held" and (s.record_shared or s.record_agreed):
            which = "record_shared" if s.record_shared else "record_agreed"
            raise ScenarioError(f"{field}.{which}", f"a {s.status} session has no record")
        if s.status != "cancelled":
            for attr in ("cancelled_on", "reason", "return_to_work"):
                if getattr(s, attr) is not None:
                    raise ScenarioError(f"{field}.{attr}", f"only a cancelled session has {attr}")
    for i, c in enumerate(scenario.children):
        person(f"children[{i}].worker", c.worker)
    for i, r in enumerate(scenario.case_reviews):
        if r.child not in children:
            raise ScenarioError(f"case_reviews[{i}].child", f"unknown child {r.child!r}")
        person(f"case_reviews[{i}].by", r.by)
        if r.direction_recorded is not None and r.direction_recorded < r.date:
            raise ScenarioError(
                f"case_reviews[{i}].direction_recorded", f"{r.direction_recorded} is before the review on {r.date}"
            )
    for i, h in enumerate(scenario.hours):
        person(f"hours[{i}].person", h.person)
    for i, ab in enumerate(scenario.absences):
        person(f"absences[{i}].person", ab.person)
        if ab.to is not None and ab.to < ab.from_:
            raise ScenarioError(f"absences[{i}].to", f"{ab.to} is before from {ab.from_}")
