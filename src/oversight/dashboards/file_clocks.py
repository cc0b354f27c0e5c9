"""The figure of the supervision file and quality clocks (the pack's ``file_clocks``: Leeds
4.11, 4.18, 4.19; Bristol 5.10; Buckinghamshire Coaching for Performance): for each clock,
how many people are overdue, not yet due, done on time and done late, each count leading to
the people behind it with the rule's citation."""

from __future__ import annotations

from collections import defaultdict
from typing import TYPE_CHECKING

from django.db.models import Count

from oversight.compliance import providers
from oversight.policy.file_clocks import FILE_EVENT_LABELS

from .common import Context, obligations
from .tables import Cell, Figure, Table, num, rule_refs

if TYPE_CHECKING:
    from .common import StatedObligations

SLUG = "file-clocks"


def file_clocks_base(ctx: Context) -> StatedObligations:
    """The file clocks this dashboard counts (with the page's filters)."""
    return obligations(ctx).filter(kind="file")


def file_clocks(ctx: Context) -> Figure:
    rules = list(ctx.pack.file_clocks)
    counts: dict[str, dict[str, int]] = defaultdict(dict)
    for g in file_clocks_base(ctx).values("rule", "state").annotate(n=Count("pk")).order_by():
        counts[g["rule"]][g["state"]] = g["n"]
    rows = []
    overdue = total = 0
    for rule in rules:
        c = counts.get(rule.id, {})
        # a recurring clock is 'upcoming' until due; one owed once is 'pending', then met or late
        waiting = "upcoming" if rule.every is not None else "pending"
        overdue += c.get("overdue", 0)
        total += sum(c.values())
        rows.append(
            [
                Cell(FILE_EVENT_LABELS[rule.kind]),
                Cell(f"{rule.id} ({ctx.pack.council_cite(rule)})", value=rule.id),
                *(
                    num(c.get(status, 0), ctx.url(SLUG, ob_kind="file", rule=rule.id, status=status))
                    for status in ("overdue", waiting, "met", "late")
                ),
                num(sum(c.values()), ctx.url(SLUG, ob_kind="file", rule=rule.id)),
            ]
        )
    notes = []
    recorded = {kind for _provider, kinds in providers.providers() for kind in kinds}
    missing = [r for r in rules if not {r.kind, r.requires or r.kind} <= recorded]
    if not rules:
        notes.append("This council's policy sets no clock on the supervision file or quality assurance.")
    elif missing:
        what = ", ".join(FILE_EVENT_LABELS[r.kind].lower() for r in missing)
        notes.append(f"Not counted, as Oversight does not record them yet: {what}.")
    return Figure(
        slug=SLUG,
        title="Supervision file and quality clocks",
        headline=f"{overdue} of {total} overdue",
        summary=Table(
            "Clocks on the supervision file and quality assurance, by rule",
            ["Clock", "Rule", "Overdue", "Not yet due", "Done on time", "Done late", "People"],
            rows,
        ),
        rules=rule_refs(ctx.pack, list(rules)),
        notes=notes,
        period=f"as of {ctx.today:%d %b %Y}",
    )
