"""Reflective practice as council data: the policies' question banks, and what they ask
supervision to cover (Morrison's 4x4x4: four functions, four stages of the Kolb cycle).

Each pack may ship ``packs/reflective/<pack-id>.yaml`` beside it with:

- ``banks``: the policy's own questions, each with a ``source`` (section of the seed) and, where
  the seed's text is garbled, the seed's words in ``quote``; ``links`` place a bank beside the
  sections of the council's record templates it belongs to (Leeds 4.10 beside "Understanding
  ethnicity and identity"), otherwise it is offered for the whole record;
- ``areas``: what the council names for a session to cover in its own words (Bristol 4.1);
- ``coverage``: what the policy asks supervision to cover, in functions, stages or areas, in
  each session (``each: session``) or across the recent ones (``each: period``).

Pure: plain data in, plain data out; never imports Django.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Literal

from pydantic import Field, model_validator

from .pack import PolicyPack, SessionKind, SupervisionKind, Template, _Strict, _yaml_load

Function = Literal["management", "development", "support", "mediation"]
Stage = Literal["experience", "reflection", "analysis", "planning"]

# Morrison's four functions and the four stages of the Kolb cycle (Leeds 3.4), in the model's order.
FUNCTIONS: tuple[tuple[str, str], ...] = (
    ("management", "Management"),
    ("development", "Development"),
    ("support", "Support"),
    ("mediation", "Mediation"),
)
STAGES: tuple[tuple[str, str], ...] = (
    ("experience", "Experience"),
    ("reflection", "Reflection"),
    ("analysis", "Analysis"),
    ("planning", "Plans and action"),
)
FUNCTION_IDS = tuple(f for f, _ in FUNCTIONS)
STAGE_IDS = tuple(s for s, _ in STAGES)
LABELS = dict(FUNCTIONS) | dict(STAGES)


class Prompt(_Strict):
    text: str
    source: str
    quote: str = Field(default="", description="The seed's own words, where ``text`` mends a garbled transcription.")
    stage: Stage | None = None

    @property
    def seed_words(self) -> str:
        return self.quote or self.text


class SectionLink(_Strict):
    template: str
    section: str


class Bank(_Strict):
    id: str = Field(pattern=r"^[a-z0-9][a-z0-9_.\-]*$")
    title: str
    source: str
    intro: str = ""
    kinds: list[SessionKind] = Field(default_factory=list, description="Session kinds it serves; empty: every kind.")
    stage: Stage | None = None
    interpretation: str = ""
    links: list[SectionLink] = Field(default_factory=list)
    prompts: list[Prompt] = Field(min_length=1)

    def serves(self, kind: str) -> bool:
        return not self.kinds or kind in self.kinds


class Area(_Strict):
    id: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    label: str
    source: str


class CoverageRule(_Strict):
    id: str
    source: str
    text: str
    kinds: list[SupervisionKind] = Field(min_length=1)
    each: Literal["session", "period"]
    strength: Literal["must", "should"]
    functions: list[Function] = Field(default_factory=list)
    stages: list[Stage] = Field(default_factory=list)
    areas: list[str] = Field(default_factory=list)
    interpretation: str = ""

    @model_validator(mode="after")
    def _asks_something(self) -> CoverageRule:
        if not (self.functions or self.stages or self.areas):
            raise ValueError("a coverage rule names at least one function, stage or area")
        return self

    @property
    def items(self) -> tuple[str, ...]:
        return (*self.functions, *self.stages, *self.areas)


class Reflective(_Strict):
    pack: str
    banks: list[Bank] = Field(default_factory=list)
    areas: list[Area] = Field(default_factory=list)
    coverage: list[CoverageRule] = Field(default_factory=list)

    @model_validator(mode="after")
    def _consistent(self) -> Reflective:
        for name, ids in (
            ("banks", [b.id for b in self.banks]),
            ("areas", [a.id for a in self.areas]),
            ("coverage", [c.id for c in self.coverage]),
        ):
            if len(ids) != len(set(ids)):
                raise ValueError(f"{name}: ids must be unique")
        known = {a.id for a in self.areas}
        for n, rule in enumerate(self.coverage):
            unknown = sorted(set(rule.areas) - known)
            if unknown:
                raise ValueError(f"coverage[{n}].areas: unknown area {unknown[0]!r}")
        return self

    def area_label(self, area_id: str) -> str:
        return next((a.label for a in self.areas if a.id == area_id), area_id)

    def label(self, item: str) -> str:
        return LABELS.get(item) or self.area_label(item)


def link_errors(reflective: Reflective, pack: PolicyPack) -> list[str]:
    """Links naming a template or section the pack does not have (a test runs this on every pack)."""
    errors = []
    for bank in reflective.banks:
        for link in bank.links:
            template = pack.template(link.template)
            if template is None:
                errors.append(f"{bank.id}: no template {link.template!r}")
            elif link.section not in {s.id for s in template.sections}:
                errors.append(f"{bank.id}: template {link.template!r} has no section {link.section!r}")
    return errors


@dataclass(frozen=True)
class Offer:
    """The banks a record on ``template`` offers: beside each section, and for the whole record."""

    by_section: dict[str, list[Bank]]
    general: list[Bank]

    @property
    def any(self) -> bool:
        return bool(self.by_section or self.general)


def _norm(text: str) -> str:
    return " ".join(text.lower().split())


def offer(reflective: Reflective, template: Template | None, kind: str) -> Offer:
    """Banks for a record of ``kind`` on ``template``: a bank linked to the template's sections is
    shown beside them; one not linked to this template is offered for the whole record. A bank
    whose every question the template already prints (Blackpool's question bank is a template
    of its own) is left out rather than shown twice."""
    by_section: dict[str, list[Bank]] = {}
    general: list[Bank] = []
    if template is None:
        return Offer(by_section, general)
    printed = {_norm(p) for s in template.sections for p in s.prompts}
    sections = {s.id for s in template.sections}
    for bank in reflective.banks:
        if not bank.serves(kind) or all(_norm(p.text) in printed for p in bank.prompts):
            continue
        here = [link.section for link in bank.links if link.template == template.id and link.section in sections]
        if here:
            for section in dict.fromkeys(here):
                by_section.setdefault(section, []).append(bank)
        else:
            general.append(bank)
    return Offer(by_section, general)


@dataclass(frozen=True)
class Gap:
    """What a rule asked of a session (or of the recent sessions) and did not get."""

    rule: CoverageRule
    missing: tuple[str, ...]


def _missing(rule: CoverageRule, covered: set[str]) -> tuple[str, ...]:
    return tuple(item for item in rule.items if item not in covered)


def session_gaps(rules: Iterable[CoverageRule], kind: str, covered: Iterable[str]) -> list[Gap]:
    """Rules asked of each session of ``kind`` that this session, tagged with ``covered``
    (functions, stages and areas together), did not meet."""
    have = set(covered)
    out = []
    for rule in rules:
        if rule.each == "session" and kind in rule.kinds:
            missing = _missing(rule, have)
            if missing:
                out.append(Gap(rule, missing))
    return out


def period_gaps(rules: Iterable[CoverageRule], sessions: Sequence[tuple[str, Iterable[str]]]) -> list[Gap]:
    """Rules asked across the recent sessions that none of them met: ``sessions`` are the
    (kind, covered) of the tagged sessions looked at. With no session of a rule's kinds there is
    nothing to judge, so no gap."""
    out = []
    for rule in rules:
        if rule.each != "period":
            continue
        relevant = [set(covered) for kind, covered in sessions if kind in rule.kinds]
        if not relevant:
            continue
        missing = _missing(rule, set().union(*relevant))
        if missing:
            out.append(Gap(rule, missing))
    return out


def parse_reflective(data: object) -> Reflective:
    return Reflective.model_validate(data)


@lru_cache(maxsize=16)
def reflective_for(pack_id: str) -> Reflective:
    """The pack's banks and coverage rules (``packs/reflective/<pack-id>.yaml``), validated;
    an empty set where the pack ships none."""
    entry = resources.files("oversight.policy").joinpath("packs", "reflective", f"{pack_id}.yaml")
    if not entry.is_file():
        return Reflective(pack=pack_id)
    reflective = parse_reflective(_yaml_load(entry.read_text(encoding="utf-8")))
    if reflective.pack != pack_id:
        raise ValueError(f"packs/reflective/{pack_id}.yaml names pack {reflective.pack!r}")
    return reflective
