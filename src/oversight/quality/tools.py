"""Each council's quality-assurance tools as data: the audit of a supervisor's supervision files
(questions with their answer scales and the section each comes from), the outcomes an audit may
reach, and what an observation of supervision covers.

One YAML file per policy pack in ``data/<pack-id>.yaml``, validated by the Pydantic models here
and loaded once. Code reads the questions; it does not contain them. A council's policy that
says nothing about a part (most say nothing about how supervision is observed) leaves it out, and
the pages say so rather than invent one.
"""

from __future__ import annotations

from functools import cache
from typing import Any

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from oversight.policy.council_data import first_error, shipped_by_pack

ID = r"^[a-z][a-z0-9_]*$"


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Option(_Strict):
    value: str = Field(pattern=ID)
    label: str = Field(min_length=1)
    counts_as: str = Field(
        default="",
        description="How the tally groups this answer: 'met', 'partly', 'not_met' or '' (not applicable).",
        pattern=r"^(met|partly|not_met|)$",
    )


class Scale(_Strict):
    id: str = Field(pattern=ID)
    options: list[Option] = Field(min_length=2)

    def option(self, value: str) -> Option | None:
        return next((o for o in self.options if o.value == value), None)


class Question(_Strict):
    id: str = Field(pattern=ID)
    text: str = Field(min_length=1)
    hint: str | None = None
    scale: str = Field(pattern=ID)
    source: str = Field(min_length=1, description="section(s) of the council's policy the question is drawn from")
    interpretation: str | None = None


class Outcome(_Strict):
    id: str = Field(pattern=ID)
    label: str = Field(min_length=1)
    description: str = Field(min_length=1)


class ObservationElement(_Strict):
    id: str = Field(pattern=ID)
    label: str = Field(min_length=1)


class ObservationGuide(_Strict):
    """What the council's policy says an observation of supervision covers."""

    source: str = Field(min_length=1)
    who: str = Field(min_length=1)
    elements: list[ObservationElement] = Field(default_factory=list)


class AuditTool(_Strict):
    pack: str = Field(pattern=r"^[a-z0-9][a-z0-9\-]*$")
    title: str
    source: str = Field(min_length=1)
    who: str = Field(min_length=1, description="who audits, in the policy's words")
    cadence: str = Field(min_length=1)
    outcome_source: str = Field(min_length=1)
    interpretation: str | None = None
    scales: list[Scale] = Field(min_length=1)
    questions: list[Question] = Field(min_length=1)
    outcomes: list[Outcome] = Field(min_length=2)
    observation: ObservationGuide | None = None

    @model_validator(mode="after")
    def _consistent(self) -> AuditTool:
        scales = {s.id for s in self.scales}
        if len(scales) != len(self.scales):
            raise ValueError("scales: an id is used twice")
        ids = [q.id for q in self.questions]
        if len(ids) != len(set(ids)):
            raise ValueError("questions: an id is used twice")
        for index, question in enumerate(self.questions):
            if question.scale not in scales:
                raise ValueError(f"questions[{index}].scale: unknown scale {question.scale!r}")
        outcomes = [o.id for o in self.outcomes]
        if len(outcomes) != len(set(outcomes)):
            raise ValueError("outcomes: an id is used twice")
        return self

    def scale(self, scale_id: str) -> Scale:
        return next(s for s in self.scales if s.id == scale_id)

    def question(self, question_id: str) -> Question | None:
        return next((q for q in self.questions if q.id == question_id), None)

    def outcome(self, outcome_id: str) -> Outcome | None:
        return next((o for o in self.outcomes if o.id == outcome_id), None)

    def outcome_label(self, outcome_id: str) -> str:
        outcome = self.outcome(outcome_id)
        return outcome.label if outcome is not None else outcome_id


class ToolError(Exception):
    """A tool file that does not validate; the message names the YAML path."""


def parse_tool(data: Any, name: str = "tool") -> AuditTool:
    try:
        return AuditTool.model_validate(data)
    except ValidationError as exc:
        raise ToolError(f"{name}: {first_error(exc)}") from None


@cache
def shipped_tools() -> dict[str, AuditTool]:
    """Every council's tool, by pack id, validated once."""
    return shipped_by_pack(
        "oversight.quality",
        lambda text, name: parse_tool(yaml.safe_load(text), name),
        lambda tool: tool.pack,
        ToolError,
    )


def tool_for(pack_id: str) -> AuditTool:
    """The audit tool of the council whose pack is ``pack_id``."""
    try:
        return shipped_tools()[pack_id]
    except KeyError:
        raise ToolError(f"no quality assurance tool for the policy pack {pack_id!r}") from None
