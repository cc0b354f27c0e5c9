"""What the record page shows of reflective practice: the council's question banks beside the
sections they belong to, and the 4x4x4 coverage tags with what the policy asks of the session.

The banks and coverage rules are council data (oversight.policy.reflective); this module only
arranges them for the template.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from oversight.policy.pack import Template
from oversight.policy.reflective import FUNCTIONS, STAGES, Offer, offer, reflective_for, session_gaps

from .models import Record


@dataclass(frozen=True)
class Choice:
    id: str
    label: str
    checked: bool
    source: str = ""


@dataclass(frozen=True)
class Coverage:
    """The coverage panel of one record."""

    editable: bool
    tagged: bool
    functions: list[Choice]
    stages: list[Choice]
    areas: list[Choice]
    rules: list[dict[str, Any]] = field(default_factory=list)
    gaps: list[dict[str, Any]] = field(default_factory=list)

    @property
    def groups(self) -> list[dict[str, Any]]:
        """The three sets of tags, as the form and the summary show them (areas only where the
        council names its own)."""
        out: list[dict[str, Any]] = [
            {
                "name": "functions",
                "legend": "Functions the session served",
                "key": "Functions served",
                "hint": "Morrison's 4x4x4 model. Select all that apply.",
                "choices": self.functions,
            },
            {
                "name": "stages",
                "legend": "Stages of the reflective cycle the session reached",
                "key": "Stages reached",
                "hint": "The Kolb cycle. Select all that apply.",
                "choices": self.stages,
            },
        ]
        if self.areas:
            out.append(
                {
                    "name": "areas",
                    "legend": "Areas the council asks each session to cover",
                    "key": "Areas covered",
                    "hint": "In the policy's own words. Select all that apply.",
                    "choices": self.areas,
                }
            )
        for group in out:
            group["chosen"] = [c.label for c in group["choices"] if c.checked]
        return out


def prompts_for(record: Record, template: Template | None) -> Offer:
    """The council's question banks this record offers, by section and for the whole record."""
    session = record.session
    return offer(reflective_for(session.organisation.policy_pack), template, session.kind)


def coverage_for(record: Record, *, editable: bool, posted: dict[str, list[str]] | None = None) -> Coverage:
    """The coverage panel: the tags (or what was just posted, when it was refused), the rules of
    the council's policy that ask for coverage in this kind of session, and the gaps of this one."""
    session = record.session
    pack = session.organisation.pack
    reflective = reflective_for(pack.id)
    current = posted or {"functions": record.functions, "stages": record.stages, "areas": record.areas}
    rules = [rule for rule in reflective.coverage if session.kind in rule.kinds]
    tagged = record.coverage_tagged_at is not None
    gaps = []
    if tagged:
        covered = [*record.functions, *record.stages, *record.areas]
        for gap in session_gaps(rules, session.kind, covered):
            gaps.append(
                {
                    "rule": gap.rule,
                    "cite": f"{pack.seed} {gap.rule.source}",
                    "missing": [reflective.label(item) for item in gap.missing],
                }
            )
    return Coverage(
        editable=editable,
        tagged=tagged,
        functions=[Choice(i, label, i in current["functions"]) for i, label in FUNCTIONS],
        stages=[Choice(i, label, i in current["stages"]) for i, label in STAGES],
        areas=[Choice(a.id, a.label, a.id in current["areas"], a.source) for a in reflective.areas],
        rules=[
            {"rule": rule, "cite": f"{pack.seed} {rule.source}", "asks": [reflective.label(i) for i in rule.items]}
            for rule in rules
        ],
        gaps=gaps,
    )
