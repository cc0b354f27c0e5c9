"""Readable views of packs: ``oversight policy show`` and ``policy compare``."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from .file_clocks import describe_rule
from .pack import FILE_EVENT_KINDS, FileClockRule, PolicyPack, Rule, SupervisionRule


def rule_summary(rule: Rule) -> str:
    """One line saying what the rule asks, in the pack's own terms."""
    data: dict[str, Any] = rule.model_dump(exclude_none=True, exclude={"id", "source", "interpretation", "note"})
    parts: list[str] = []
    if isinstance(rule, FileClockRule):
        return describe_rule(rule)
    if isinstance(rule, SupervisionRule):
        who = ", ".join(rule.roles) if len(rule.roles) <= 4 else f"{len(rule.roles)} roles"
        if rule.every is not None:
            freq = f"every {rule.every.describe()}"
        else:
            assert rule.phases is not None
            freq = "; ".join(
                f"every {p.every.describe()}" + (f" until {p.until.describe()}" if p.until else " after")
                for p in rule.phases
            )
        parts.append(f"{rule.kind} supervision, {who}: {freq}")
        if rule.employment:
            parts.append("employment " + "/".join(rule.employment))
        if rule.hours_threshold:
            parts.append(f"or after {rule.hours_threshold:g} hours worked, whichever is later")
        if rule.only_without_cases:
            parts.append("only for workers who hold no cases")
        if rule.duration_minutes:
            parts.append(f"{rule.duration_minutes} min guide")
        return "; ".join(parts)
    for key, value in data.items():
        if isinstance(value, dict) and len(value) == 1:
            ((unit, number),) = value.items()
            value = f"{number} {unit.replace('_', ' ')}"
        elif isinstance(value, list):
            value = ", ".join(str(v) for v in value)
        if value in (False, [], ""):
            continue
        parts.append(f"{key.replace('_', ' ')}: {value}")
    return "; ".join(parts)


def text_table(headers: tuple[str, ...], rows: Sequence[Sequence[object]], rule: bool = True) -> str:
    """Rows as left-aligned columns under their headers."""
    widths = [max([len(h)] + [len(str(r[i])) for r in rows]) for i, h in enumerate(headers)]

    def line(cells: Sequence[object]) -> str:
        return "  ".join(str(c).ljust(w) for c, w in zip(cells, widths, strict=True)).rstrip()

    lines = [line(headers)]
    if rule:
        lines.append("  ".join("-" * w for w in widths))
    lines += [line(row) for row in rows]
    return "\n".join(lines)


def describe_pack(pack: PolicyPack) -> str:
    out = [
        f"{pack.id}: {pack.council}",
        f"{pack.document}, {pack.date} (seed {pack.seed})",
        "",
        "Rules",
    ]
    rows = [(rule.id, rule_summary(rule), pack.cite(rule)) for rule in pack.all_rules()]
    out.append(text_table(("rule", "what it asks", "source"), rows))
    readings = [(rule.id, rule.interpretation) for rule in pack.all_rules() if rule.interpretation]
    if readings:
        out += ["", "Interpretations"]
        out += [f"- {rid}: {text}" for rid, text in readings]
    if pack.templates:
        out += ["", "Templates"]
        out += [f"- {t.id}: {t.title} ({t.source}; {len(t.sections)} sections)" for t in pack.templates]
    out += ["", "Conflicts"]
    if pack.conflicts:
        out += [f"- {c.id} ({', '.join(c.sources)}): {c.text} Reading: {c.reading}" for c in pack.conflicts]
    else:
        out.append("- none recorded")
    return "\n".join(out)


def comparison_rows(packs: list[PolicyPack]) -> list[tuple[str, list[str]]]:
    """(topic, one cell per pack) for the rules councils share."""
    roles = [
        "student_social_worker",
        "nqsw_asye",
        "social_worker",
        "family_support_worker",
        "team_manager",
        "business_support",
    ]
    rows: list[tuple[str, list[str]]] = []
    for kind in ("personal", "case", "group"):
        for role in roles:
            cells = []
            for pack in packs:
                match = [r for r in pack.supervision if r.kind == kind and role in r.roles and r.employment is None]
                cells.append(rule_summary(match[0]).split(": ", 1)[-1] if match else "-")
            if any(c != "-" for c in cells):
                rows.append((f"{kind} supervision: {role}", cells))
    statuses = ["cin", "cp", "cla", "cla_matched", "sixteen_plus", "care_leaver", "early_help"]
    for status in statuses:
        cells = []
        for pack in packs:
            reviews = [r for r in pack.case_review if status in r.statuses]
            cells.append(f"every {reviews[0].every.describe()}" if reviews else "-")
        rows.append((f"case review: {status}", cells))
    rows.append(
        ("agreement due", [p.agreement.due_within.describe() if p.agreement.due_within else "at start" for p in packs])
    )
    rows.append(("agreement review", [p.agreement.review_every.describe() for p in packs]))
    for kind in ("personal", "observation"):
        cells = []
        for pack in packs:
            records = [r for r in pack.records if kind in r.kinds]
            cells.append(
                f"{records[0].clock} in {records[0].within.describe()}"
                + (
                    f", answer in {records[0].respond_within.describe()}"
                    if records and records[0].respond_within
                    else ""
                )
                if records
                else "-"
            )
        rows.append((f"record of {kind} session", cells))
    rows.append(("case direction", [p.case_direction.within.describe() if p.case_direction else "-" for p in packs]))
    rows.append(
        (
            "rearrange",
            [
                f"{p.rearrange.within.describe()} from {p.rearrange.counted_from.replace('_', ' ')}"
                if p.rearrange
                else "-"
                for p in packs
            ],
        )
    )
    rows.append(("ratio limit", [str(p.ratio.limit) if p.ratio else "-" for p in packs]))
    rows.append(
        (
            "observations",
            [
                "; ".join(
                    f"{o.per_year}/year, {o.by_supervisor} by supervisor" if o.per_year else f"1 in {o.one_in_personal}"
                    for o in p.observations
                )
                or "-"
                for p in packs
            ],
        )
    )
    rows.append(
        (
            "ASYE reviews (months)",
            [", ".join(map(str, p.asye_reviews.months)) if p.asye_reviews else "-" for p in packs],
        )
    )
    rows.append(
        (
            "absence cover",
            [
                f"> {p.absence_cover.longer_than_days} days" + (" unplanned" if p.absence_cover.unplanned_only else "")
                if p.absence_cover
                else "-"
                for p in packs
            ],
        )
    )
    rows.append(
        (
            "retention",
            [
                "; ".join(f"{r.record_class} {r.keep.describe()} after {r.after}" for r in p.retention) or "-"
                for p in packs
            ],
        )
    )
    for kind in FILE_EVENT_KINDS:
        cells = []
        for pack in packs:
            clock = next((r for r in pack.file_clocks if r.kind == kind), None)
            cells.append(describe_rule(clock).split(": ", 1)[-1] if clock is not None else "-")
        if any(c != "-" for c in cells):
            rows.append((f"file clock: {kind}", cells))
    return rows


def compare_packs(packs: list[PolicyPack]) -> str:
    rows = comparison_rows(packs)
    headers = ("rule", *[p.id for p in packs], "differs")
    table = [(topic, *cells, "*" if len(set(cells)) > 1 else "") for topic, cells in rows]
    return text_table(headers, table)
