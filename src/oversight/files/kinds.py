"""The kinds of item a supervision file holds, per council, as data (Leeds 4.12 lists the
folders of the electronic supervision file that follows the supervisee).

``data/base.yaml`` holds the parts of the file and a starting definition of each kind; each
council's ``data/<pack-id>.yaml`` lists the kinds its policy names, each with the ``source``
(section of the council's document) it comes from, and may change anything a kind asks
(label, fields, choices, who writes it). A kind no council file uses applies to no one.
Validated by the Pydantic models here and loaded once. Code reads kinds; it does not contain them.
"""

from __future__ import annotations

from functools import cache
from importlib import resources
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from oversight.policy.council_data import first_error
from oversight.policy.pack import Period

ID = r"^[a-z][a-z0-9_]*$"
PACK_IDS = ("leeds-2023", "lambeth-2021", "bristol-2020", "blackpool-2020", "buckinghamshire-2024")

Role = Literal["supervisee", "supervisor", "line_manager"]
ROLE_LABELS: dict[str, str] = {
    "supervisee": "the supervisee",
    "supervisor": "a current supervisor",
    "line_manager": "the line management above the supervisor",
}
FieldType = Literal["text", "date", "choice", "list"]
# What the obligation engine is told when an item of the kind is written or reviewed
# (selectors.file_events): a self-care plan or Wellness Action Plan, or objectives set.
Event = Literal["self_care_plan", "objectives_set"]
# A kind whose writing also does something elsewhere: a change of supervisor ends the
# relationship and starts the new one (oversight.supervision.services).
Action = Literal["change_supervisor"]
# Names the item forms use for themselves: no question may take one.
RESERVED = frozenset({"on", "session", "relationship", "new_supervisor", "starts", "version"})


class KindsError(ValueError):
    """A council's file kinds do not validate; the message names the file and the YAML path."""


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Choice(_Strict):
    value: str = Field(pattern=ID)
    label: str = Field(min_length=1)


class ItemField(_Strict):
    id: str = Field(pattern=ID)
    label: str = Field(min_length=1)
    hint: str | None = None
    type: FieldType = "text"
    choices: list[Choice] | None = None
    required: bool = False

    @model_validator(mode="after")
    def _choices_for_a_choice(self) -> ItemField:
        if self.type == "choice" and not self.choices:
            raise ValueError(f"field {self.id!r} is a choice and needs choices")
        if self.type != "choice" and self.choices:
            raise ValueError(f"field {self.id!r} has choices but is not a choice")
        if self.choices and len({c.value for c in self.choices}) != len(self.choices):
            raise ValueError(f"field {self.id!r} repeats a choice")
        return self

    def choice_label(self, value: str) -> str:
        return next((c.label for c in self.choices or () if c.value == value), value)


class Step(_Strict):
    """A named, dated step on an item (an improvement plan escalated to HR, an objective met)."""

    id: str = Field(pattern=ID)
    label: str = Field(min_length=1, description="what the step is, as the item's status reads: 'Escalated to HR'")
    hint: str | None = None
    by: list[Role] = Field(min_length=1)
    closes: bool = False
    source: str | None = None


class Part(_Strict):
    id: str = Field(pattern=ID)
    label: str = Field(min_length=1)
    description: str = Field(min_length=1)


class KindBase(_Strict):
    """A kind as base.yaml defines it: everything but its citation."""

    id: str = Field(pattern=ID)
    part: str = Field(pattern=ID)
    label: str = Field(min_length=1)
    description: str = Field(min_length=1)
    fields: list[ItemField] = Field(min_length=1)
    writers: list[Role] = Field(min_length=1)
    reviewers: list[Role] | None = None
    confidential: bool = False
    reviewable: bool = False
    review_label: str = "Reviewed"
    review_every: Period | None = None
    steps: list[Step] = Field(default_factory=list)
    links_session: bool = False
    event: Event | None = None
    action: Action | None = None
    no_upload: str | None = Field(default=None, description="why nothing can be attached: the form says it")
    anonymised: str | None = Field(default=None, description="what is kept out, and why: the form says it")
    source: str | None = None
    interpretation: str | None = None

    @model_validator(mode="after")
    def _consistent(self) -> KindBase:
        ids = [f.id for f in self.fields]
        if len(set(ids)) != len(ids):
            raise ValueError(f"kind {self.id!r} repeats a field id")
        if set(ids) & RESERVED:
            raise ValueError(f"kind {self.id!r}: {sorted(set(ids) & RESERVED)} are the form's own fields")
        steps = [s.id for s in self.steps]
        if len(set(steps)) != len(steps) or "review" in steps:
            raise ValueError(f"kind {self.id!r}: step ids are unique and 'review' is not one")
        if self.review_every is not None and not self.reviewable:
            raise ValueError(f"kind {self.id!r} has a review period but is not reviewable")
        if self.action == "change_supervisor" and set(self.writers) != {"line_manager"}:
            raise ValueError(f"kind {self.id!r}: a change of supervisor is written by the line management only")
        return self

    @property
    def who_reviews(self) -> list[str]:
        return list(self.reviewers if self.reviewers is not None else self.writers)

    def field(self, field_id: str) -> ItemField | None:
        return next((f for f in self.fields if f.id == field_id), None)

    def step(self, step_id: str) -> Step | None:
        return next((s for s in self.steps if s.id == step_id), None)


class Kind(KindBase):
    """A kind as a council uses it: with the section of its policy it comes from."""

    source: str = Field(min_length=1, description="section(s) of the council's document")


class Base(_Strict):
    parts: list[Part] = Field(min_length=1)
    kinds: list[KindBase] = Field(min_length=1)


class FileKinds(_Strict):
    """One council's supervision-file kinds."""

    pack: str
    council: str = Field(min_length=1)
    kinds: list[Kind] = Field(min_length=1)
    parts: list[Part]

    @model_validator(mode="after")
    def _known_parts(self) -> FileKinds:
        parts = {p.id for p in self.parts}
        ids = [k.id for k in self.kinds]
        if len(set(ids)) != len(ids):
            raise ValueError("a kind is listed twice")
        for kind in self.kinds:
            if kind.part not in parts:
                raise ValueError(f"kind {kind.id!r}: unknown part {kind.part!r}")
        return self

    def kind(self, kind_id: str) -> Kind | None:
        return next((k for k in self.kinds if k.id == kind_id), None)

    def part(self, part_id: str) -> Part | None:
        return next((p for p in self.parts if p.id == part_id), None)

    def by_part(self) -> list[tuple[Part, list[Kind]]]:
        return [(part, [k for k in self.kinds if k.part == part.id]) for part in self.parts]


def _data(name: str) -> str:
    return resources.files("oversight.files").joinpath("data", name).read_text(encoding="utf-8")


@cache
def base() -> Base:
    try:
        return Base.model_validate(yaml.safe_load(_data("base.yaml")))
    except ValidationError as error:
        raise KindsError(f"base.yaml: {first_error(error)}") from None


def parse_kinds(text: str, name: str = "<text>", base_kinds: Base | None = None) -> FileKinds:
    """Validate one council's file: each entry either ``use``s a base kind (and may change
    any of its keys) or defines a kind whole. Errors name the file and the YAML path."""
    shared = base_kinds or base()
    try:
        raw = yaml.safe_load(text)
    except yaml.YAMLError as error:
        raise KindsError(f"{name}: not valid YAML: {error}") from None
    if not isinstance(raw, dict) or not isinstance(raw.get("kinds"), list):
        raise KindsError(f"{name}: expected a mapping with 'pack', 'council' and a list of 'kinds'")
    templates = {k.id: k.model_dump(exclude_none=True) for k in shared.kinds}
    kinds: list[dict[str, Any]] = []
    for index, entry in enumerate(raw["kinds"]):
        if not isinstance(entry, dict):
            raise KindsError(f"{name}: kinds.{index}: expected a mapping")
        entry = dict(entry)
        used = entry.pop("use", None)
        if used is not None:
            if used not in templates:
                raise KindsError(f"{name}: kinds.{index}.use: no kind {used!r} in base.yaml")
            entry = {**templates[used], "id": used, **entry}
        kinds.append(entry)
    try:
        return FileKinds.model_validate({**raw, "kinds": kinds, "parts": [p.model_dump() for p in shared.parts]})
    except ValidationError as error:
        raise KindsError(f"{name}: {first_error(error)}") from None


@cache
def file_kinds(pack_id: str) -> FileKinds:
    """The kinds of ``pack_id``'s supervision file (loaded once)."""
    if pack_id not in PACK_IDS:
        raise KindsError(f"no supervision-file kinds for policy pack {pack_id!r}")
    kinds = parse_kinds(_data(f"{pack_id}.yaml"), f"{pack_id}.yaml")
    if kinds.pack != pack_id:
        raise KindsError(f"{pack_id}.yaml: pack: says {kinds.pack!r}")
    return kinds


def kinds_for(organisation: Any) -> FileKinds:
    return file_kinds(organisation.policy_pack)
