"""What a figure is made of: tables of cells (the page, CSV and XLSX read the same ones),
the rules a figure measures, and the month axis of its trend."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from oversight.policy.describe import rule_summary
from oversight.policy.pack import OtherRule, PolicyPack, Rule

from .charts import Trend


@dataclass(frozen=True)
class Cell:
    text: str
    href: str = ""
    numeric: bool = False
    value: Any = None  # what an export writes (a number or a date), else the text

    @property
    def export_value(self) -> Any:
        return self.text if self.value is None else self.value


def num(value: int | float, href: str = "") -> Cell:
    text = f"{value:.0f}%" if isinstance(value, float) else str(value)
    return Cell(text, href=href if value else "", numeric=True, value=value)


def day(value: date | None) -> Cell:
    return Cell(value.strftime("%d %b %Y") if value else "–", value=value or "")


@dataclass(frozen=True)
class Table:
    caption: str
    headers: list[str]
    rows: list[list[Cell]]
    total: int | None = None  # rows in all, where only the first ones are shown

    @property
    def numeric_columns(self) -> set[int]:
        return {i for row in self.rows[:1] for i, cell in enumerate(row) if cell.numeric}

    @property
    def more(self) -> int:
        return 0 if self.total is None else max(self.total - len(self.rows), 0)


@dataclass(frozen=True)
class RuleRef:
    """A rule a figure measures: its id, the council's section, the seed file it cites and the
    pack's own words (its interpretation, else what it sets)."""

    id: str
    section: str
    seed: str
    words: str


def rule_ref(pack: PolicyPack, rule: Rule) -> RuleRef:
    if isinstance(rule, OtherRule):
        words = rule.value
    else:
        words = rule_summary(rule)
    if rule.interpretation:
        words = f"{words}. {rule.interpretation}" if words else rule.interpretation
    return RuleRef(id=rule.id, section=pack.council_cite(rule), seed=pack.cite(rule), words=words)


def rule_refs(pack: PolicyPack, rules: list[Rule | None]) -> list[RuleRef]:
    return [rule_ref(pack, r) for r in rules if r is not None]


def refs_by_id(pack: PolicyPack, ids: list[str]) -> list[RuleRef]:
    """The pack's rules with these ids, in the pack's order (ids it does not hold are named as they are)."""
    wanted = set(ids)
    found = [r for r in pack.all_rules() if r.id in wanted]
    known = {r.id for r in found}
    return rule_refs(pack, list(found)) + [RuleRef(i, "", "", "") for i in sorted(wanted - known)]


@dataclass
class Figure:
    """One figure of a dashboard."""

    slug: str
    title: str
    headline: str
    summary: Table
    rules: list[RuleRef]
    trend: Trend | None = None
    notes: list[str] = field(default_factory=list)
    period: str = ""  # "as of today" or the dates it counts
