"""The pack as a whole: the council's document, its extra roles, templates and conflicts
read, and its rules, checked across fields (rule ids unique, roles known)."""

from __future__ import annotations

import re
from typing import Literal

from pydantic import Field, model_validator

from .rules import (
    AbsenceCoverRule,
    AgreementRule,
    AsyeReviewRule,
    CaseDirectionRule,
    CaseReviewRule,
    FileClockRule,
    ObservationRule,
    OtherRule,
    RatioRule,
    RearrangeRule,
    RecordRule,
    RetentionRule,
    Rule,
    SupervisionRule,
)
from .vocabulary import COMMON_ROLES, SessionKind, _Strict


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

    def council_cite(self, cited: Rule | str) -> str:
        """Where a rule sits in the council's document, as pages print it: the council's name
        without its service, then the section ("Leeds City Council 4.4").

        ``cited`` is a rule, or a source as text: a bare section (a supervision-file kind's,
        say), or the engine's citation of one (``cite``: seed file, then section), as stored
        obligations carry it."""
        if isinstance(cited, str):
            # the engine's citation starts with a seed file (the ``seed`` field's pattern)
            section = re.sub(r"^\d{3}_[0-9a-f]{16}\.txt ", "", cited)
        else:
            section = cited.source
        return f"{self.council.split(',')[0]} {section}"
