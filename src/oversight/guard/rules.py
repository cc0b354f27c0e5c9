"""Each council's reading for the child-data guard, as data (``data/<pack-id>.yaml``): which kinds
of finding hold a record back from being shared or finalised, and which are only shown as a note
to check, each with the section of the council's policy it comes from. Validated on load; no Django.
"""

from __future__ import annotations

from functools import cache
from typing import Any

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from oversight.policy.council_data import first_error, shipped_by_pack

from .scanner import KINDS


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class KindRule(_Strict):
    kind: str
    blocks: bool
    source: str = Field(min_length=1)
    note: str = ""

    @field_validator("kind")
    @classmethod
    def _known(cls, value: str) -> str:
        if value not in KINDS:
            raise ValueError(f"no kind {value!r} (known: {', '.join(KINDS)})")
        return value


class GuardRules(_Strict):
    pack: str = Field(min_length=1)
    source: str = Field(min_length=1)
    says: str = Field(min_length=1)
    reading: str = Field(min_length=1)
    kinds: list[KindRule]

    @model_validator(mode="after")
    def _every_kind_once(self) -> GuardRules:
        named = [k.kind for k in self.kinds]
        missing = [k for k in KINDS if k not in named]
        if missing or len(named) != len(set(named)):
            raise ValueError(
                f"kinds: each of {', '.join(KINDS)} exactly once (missing: {', '.join(missing) or 'none'})"
            )
        return self

    def rule(self, kind: str) -> KindRule:
        return next(k for k in self.kinds if k.kind == kind)

    def blocks(self, kind: str) -> bool:
        return self.rule(kind).blocks


class RulesError(Exception):
    """A guard rules file that does not validate; the message names the YAML path."""


def parse_rules(text: str, name: str = "rules") -> GuardRules:
    try:
        data: Any = yaml.safe_load(text)
    except yaml.YAMLError:
        raise RulesError(f"{name}: not valid YAML") from None
    try:
        return GuardRules.model_validate(data)
    except ValidationError as exc:
        raise RulesError(f"{name}: {first_error(exc)}") from None


@cache
def shipped_rules() -> dict[str, GuardRules]:
    """Every council's guard rules, by pack id, validated once."""
    return shipped_by_pack("oversight.guard", parse_rules, lambda rules: rules.pack, RulesError)


def rules_for(pack_id: str) -> GuardRules:
    """The council's guard rules; a pack with none (a council's own) gets the strictest reading:
    every finding holds the record back (Leeds 4.13)."""
    rules = shipped_rules().get(pack_id)
    if rules is not None:
        return rules
    leeds = shipped_rules()["leeds-2023"]
    return leeds.model_copy(update={"pack": pack_id})
