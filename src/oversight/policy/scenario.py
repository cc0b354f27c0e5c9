"""The scenario of the conformance contract: people, relationships and events.

``parse_scenario`` turns JSON text into a validated :class:`Scenario` or raises
:class:`ScenarioError` naming the first offending field, e.g.
``people[2].role: unknown role 'foo' for policy leeds-2023``.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import TYPE_CHECKING, Annotated, Any, Literal, TypeAlias, TypeVar

import msgspec

from .pack import FILE_EVENT_KINDS, ChildStatus, EmploymentType, PolicyPack, SessionKind, shipped_packs

# msgspec decodes and validates the scenario straight from JSON bytes: a national
# export holds hundreds of thousands of sessions, and building Pydantic models for
# each would cost seconds (see README, "Dependencies"). Dates must be YYYY-MM-DD.
NonEmpty = Annotated[str, msgspec.Meta(min_length=1)]

_T = TypeVar("_T")
if TYPE_CHECKING:
    # A list the JSON may give as null or leave out: msgspec decodes it as ``list[T] | None``,
    # and ``__post_init__`` makes null ``[]``, so once built it is always a list, as typed here.
    NullAsEmpty: TypeAlias = list[_T]
else:
    NullAsEmpty = list[_T] | None


class _Struct(msgspec.Struct, kw_only=True):
    pass


class Person(_Struct):
    id: NonEmpty
    role: str
    started: dt.date
    left: dt.date | None = None
    employment: EmploymentType = "permanent"
    asye_start: dt.date | None = None
    asye_reviews: NullAsEmpty[dt.date] = msgspec.field(default_factory=list)

    def __post_init__(self) -> None:
        if self.asye_reviews is None:
            self.asye_reviews = []


class Relationship(_Struct):
    supervisor: str
    supervisee: str
    from_: dt.date = msgspec.field(name="from")
    to: dt.date | None = None
    kinds: list[SessionKind] | None = None


class Agreement(_Struct):
    supervisor: str
    supervisee: str
    signed: dt.date | None = None
    reviewed: NullAsEmpty[dt.date] = msgspec.field(default_factory=list)

    def __post_init__(self) -> None:
        if self.reviewed is None:
            self.reviewed = []


class Session(_Struct):
    id: NonEmpty
    kind: SessionKind
    date: dt.date
    status: Literal["held", "cancelled", "planned"]
    supervisor: str | None = None
    supervisee: str | None = None
    attendees: list[str] | None = None
    observer: str | None = None
    record_shared: dt.date | None = None
    record_agreed: dt.date | None = None
    cancelled_on: dt.date | None = None
    reason: Literal["sickness", "leave", "other"] | None = None
    return_to_work: dt.date | None = None

    # attendees stays None when absent: a __post_init__ here would cost half a second
    # on a national scenario.

    def participants(self) -> list[str]:
        people = list(self.attendees or ())
        if self.supervisee is not None and self.supervisee not in people:
            people.append(self.supervisee)
        return people


class Child(_Struct):
    id: NonEmpty
    worker: str
    status: ChildStatus
    allocated: dt.date
    review_every_weeks: Annotated[int, msgspec.Meta(ge=1)] | None = None
    rationale: str | None = None


class CaseReview(_Struct):
    id: NonEmpty
    child: str
    date: dt.date
    by: str
    direction_recorded: dt.date | None = None


class Hours(_Struct):
    person: str
    date: dt.date
    hours: Annotated[float, msgspec.Meta(ge=0, le=24)]


class Absence(_Struct):
    person: str
    from_: dt.date = msgspec.field(name="from")
    to: dt.date | None = None
    planned: bool = False


class FileEvent(_Struct):
    """Something put on a person's supervision file or done in the quality loop (``kind``:
    one of ``pack.FILE_EVENT_KINDS``, checked with the references to name the field)."""

    person: str
    kind: str
    date: dt.date


_LISTS = ("people", "relationships", "agreements", "sessions", "children", "case_reviews", "hours", "absences")


class Scenario(_Struct):
    policy: str
    as_of: dt.date
    # Every list may be empty, absent or null.
    people: NullAsEmpty[Person] = msgspec.field(default_factory=list)
    relationships: NullAsEmpty[Relationship] = msgspec.field(default_factory=list)
    agreements: NullAsEmpty[Agreement] = msgspec.field(default_factory=list)
    sessions: NullAsEmpty[Session] = msgspec.field(default_factory=list)
    children: NullAsEmpty[Child] = msgspec.field(default_factory=list)
    case_reviews: NullAsEmpty[CaseReview] = msgspec.field(default_factory=list)
    hours: NullAsEmpty[Hours] = msgspec.field(default_factory=list)
    absences: NullAsEmpty[Absence] = msgspec.field(default_factory=list)
    # Optional, and unlike the lists above absent (or null) is not empty: a scenario without
    # ``file_events`` does not track the supervision file, and is owed no file clocks.
    file_events: list[FileEvent] | None = None
    # Optional with file_events: the kinds of file event the source records (default: every
    # kind). A clock on a kind it does not record is not owed: nothing could ever meet it.
    file_event_kinds: list[str] | None = None

    def __post_init__(self) -> None:
        for name in _LISTS:
            if getattr(self, name) is None:
                setattr(self, name, [])


class ScenarioError(Exception):
    """A scenario that cannot be accepted; ``field`` names where, ``message`` what."""

    def __init__(self, field: str, message: str):
        self.field = field
        self.message = message
        super().__init__(f"{field}: {message}")


_PATH = re.compile(r"^(?P<message>.*?)(?: - at `\$(?P<path>[^`]*)`)?$", re.DOTALL)
_MISSING = re.compile(r"^Object missing required field `(?P<field>[^`]+)`$")


def _error_from_msgspec(exc: Exception) -> ScenarioError:
    """msgspec's 'Expected `str`, got `int` - at `$.people[0].role`' as 'people[0].role: expected ...'."""
    text = str(exc)
    match = _PATH.match(text)
    message, path = (match.group("message"), match.group("path") or "") if match else (text, "")
    path = path.lstrip(".")
    missing = _MISSING.match(message)
    if missing:
        path = f"{path}.{missing.group('field')}" if path else missing.group("field")
        message = "missing"
    elif message.startswith("Invalid RFC3339 encoded date"):
        message = "not a date in the form YYYY-MM-DD"
    else:
        message = message[:1].lower() + message[1:]
    return ScenarioError(path or "scenario", message)


def parse_scenario(text: str | bytes) -> tuple[Scenario, PolicyPack]:
    """Validate scenario JSON; return it with its policy pack, or raise ScenarioError."""
    try:
        scenario = msgspec.json.decode(text, type=Scenario)
    except msgspec.ValidationError as exc:
        raise _error_from_msgspec(exc) from None
    except msgspec.DecodeError as exc:
        raise ScenarioError("scenario", f"not valid JSON: {exc}") from None
    return scenario, check_policy_and_references(scenario)


def scenario_from_python(data: dict[str, Any]) -> Scenario:
    """A scenario from Python values (dates as date objects), e.g. built from the database."""
    try:
        return msgspec.convert(data, type=Scenario)
    except msgspec.ValidationError as exc:
        raise _error_from_msgspec(exc) from None


def check_policy_and_references(scenario: Scenario) -> PolicyPack:
    packs = shipped_packs()
    if scenario.policy not in packs:
        known = ", ".join(sorted(packs))
        raise ScenarioError("policy", f"unknown policy {scenario.policy!r} (known: {known})")
    pack = packs[scenario.policy]
    check_references(scenario, pack)
    return pack


def _unique(items: list[Any], name: str) -> dict[str, Any]:
    by_id: dict[str, Any] = {}
    for index, item in enumerate(items):
        if item.id in by_id:
            raise ScenarioError(f"{name}[{index}].id", f"duplicate id {item.id!r}")
        by_id[item.id] = item
    return by_id


def check_references(scenario: Scenario, pack: PolicyPack) -> None:
    """Refuse unknown roles, dangling ids and impossible dates, naming the field.

    The common case (a valid scenario) is checked with set operations over whole
    lists; only when something is wrong does the item-by-item pass find the first
    offending field to name.
    """
    people = {p.id for p in scenario.people}
    roles = set(pack.roles)
    ok = (
        len(people) == len(scenario.people)
        and all(p.role in roles and (p.left is None or p.left >= p.started) for p in scenario.people)
        and len({s.id for s in scenario.sessions}) == len(scenario.sessions)
        and len({c.id for c in scenario.children}) == len(scenario.children)
        and len({r.id for r in scenario.case_reviews}) == len(scenario.case_reviews)
    )
    if ok:
        referenced: set[str | None] = set()
        for rel in scenario.relationships:
            referenced.add(rel.supervisor)
            referenced.add(rel.supervisee)
            if rel.supervisor == rel.supervisee or (rel.to is not None and rel.to < rel.from_):
                ok = False
        for agreement in scenario.agreements:
            referenced.add(agreement.supervisor)
            referenced.add(agreement.supervisee)
        for s in scenario.sessions:
            referenced.add(s.supervisor)
            referenced.add(s.supervisee)
            referenced.add(s.observer)
            if s.attendees:
                referenced.update(s.attendees)
                if s.kind != "group" and s.supervisee is None:
                    ok = False
            elif s.supervisee is None:
                ok = False
            if s.status == "held":
                if (s.record_shared is not None and s.record_shared < s.date) or (
                    s.record_agreed is not None and s.record_agreed < s.date
                ):
                    ok = False
                if s.cancelled_on is not None or s.reason is not None or s.return_to_work is not None:
                    ok = False
            elif s.record_shared is not None or s.record_agreed is not None:
                ok = False
            elif s.status == "planned" and (s.cancelled_on or s.reason or s.return_to_work):
                ok = False
        children = {c.id for c in scenario.children}
        referenced.update(c.worker for c in scenario.children)
        referenced.update(r.by for r in scenario.case_reviews)
        referenced.update(h.person for h in scenario.hours)
        referenced.update(a.person for a in scenario.absences)
        referenced.discard(None)
        ok = ok and referenced <= people and all(r.child in children for r in scenario.case_reviews)
        ok = ok and all(r.direction_recorded is None or r.direction_recorded >= r.date for r in scenario.case_reviews)
        ok = ok and all(a.to is None or a.to >= a.from_ for a in scenario.absences)
        ok = ok and all(
            not p.asye_reviews or min(p.asye_reviews) >= (p.asye_start or p.started) for p in scenario.people
        )
        ok = ok and all(p.asye_start is None or p.left is None or p.asye_start <= p.left for p in scenario.people)
        ok = ok and all(a.signed is None or not a.reviewed or min(a.reviewed) >= a.signed for a in scenario.agreements)
        if scenario.file_events or scenario.file_event_kinds:
            kinds = set(FILE_EVENT_KINDS)
            ok = ok and all(e.person in people and e.kind in kinds for e in scenario.file_events or ())
            ok = ok and set(scenario.file_event_kinds or ()) <= kinds
    if not ok:
        _check_each(scenario, pack)


def _check_each(scenario: Scenario, pack: PolicyPack) -> None:
    """Refuse unknown roles, dangling ids and impossible dates, naming the first offending field."""
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
        for j, attendee in enumerate(s.attendees or ()):
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
    for i, cr in enumerate(scenario.case_reviews):
        if cr.child not in children:
            raise ScenarioError(f"case_reviews[{i}].child", f"unknown child {cr.child!r}")
        person(f"case_reviews[{i}].by", cr.by)
        if cr.direction_recorded is not None and cr.direction_recorded < cr.date:
            raise ScenarioError(
                f"case_reviews[{i}].direction_recorded", f"{cr.direction_recorded} is before the review on {cr.date}"
            )
    for i, h in enumerate(scenario.hours):
        person(f"hours[{i}].person", h.person)
    for i, ab in enumerate(scenario.absences):
        person(f"absences[{i}].person", ab.person)
        if ab.to is not None and ab.to < ab.from_:
            raise ScenarioError(f"absences[{i}].to", f"{ab.to} is before from {ab.from_}")
    for i, event in enumerate(scenario.file_events or ()):
        person(f"file_events[{i}].person", event.person)
        if event.kind not in FILE_EVENT_KINDS:
            known = ", ".join(FILE_EVENT_KINDS)
            raise ScenarioError(f"file_events[{i}].kind", f"unknown kind {event.kind!r} (known: {known})")
    for i, kind in enumerate(scenario.file_event_kinds or ()):
        if kind not in FILE_EVENT_KINDS:
            known = ", ".join(FILE_EVENT_KINDS)
            raise ScenarioError(f"file_event_kinds[{i}]", f"unknown kind {kind!r} (known: {known})")
