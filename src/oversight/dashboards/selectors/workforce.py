"""Figures on supervisors and their people as of today: supervisors above the pack's ratio,
absent supervisors whose supervisees need cover, observations against quota, ASYE reviews."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db.models import Count
from django.urls import reverse

from ..common import STATUS_LABELS, Context, obligations
from ..tables import Cell, Figure, Table, num, rule_refs

if TYPE_CHECKING:
    from ..common import StatedObligations


def _status_figure(
    ctx: Context, slug: str, title: str, qs: StatedObligations, rules: list[Any], bad: tuple[str, ...], noun: str
) -> Figure:
    counts = {g["state"]: g["n"] for g in qs.values("state").annotate(n=Count("pk")).order_by()}
    rows = [
        [Cell(STATUS_LABELS.get(s, s)), num(n, ctx.url(slug, status=s))]
        for s, n in sorted(counts.items(), key=lambda item: (item[0] not in bad, item[0]))
    ]
    flagged = sum(counts.get(s, 0) for s in bad)
    return Figure(
        slug=slug,
        title=title,
        headline=f"{flagged} of {sum(counts.values())} {noun}",
        summary=Table(title, ["Status", "Count"], rows),
        rules=rules,
        notes=[] if rules else ["This council's policy sets no rule for this."],
        period=f"as of {ctx.today:%d %b %Y}",
    )


def ratios_base(ctx: Context) -> StatedObligations:
    return obligations(ctx, use_kind=False).filter(kind="ratio")


def ratios(ctx: Context) -> Figure:
    rules = rule_refs(ctx.pack, [ctx.pack.ratio])
    title = "Supervisors above the pack's limit"
    return _status_figure(ctx, "ratios", title, ratios_base(ctx), rules, ("exceeded",), "supervisors above the limit")


def absence_base(ctx: Context) -> StatedObligations:
    return obligations(ctx, use_kind=False).filter(kind="absence_cover", state="needs_cover")


def absence(ctx: Context) -> Figure:
    qs = absence_base(ctx)
    groups = list(qs.values("supervisor_id", "supervisor__name").annotate(n=Count("pk")).order_by("supervisor__name"))
    rows = [
        [
            Cell(
                g["supervisor__name"] or "–",
                href=reverse("people:file", args=[g["supervisor_id"]])
                if g["supervisor_id"] in ctx.scope.people
                else "",
            ),
            num(g["n"], ctx.url("absence", supervisor=g["supervisor_id"])),
        ]
        for g in groups
    ]
    rule = ctx.pack.absence_cover
    return Figure(
        slug="absence",
        title="Supervisors absent over two weeks",
        headline=f"{len(groups)} supervisors absent; {sum(g['n'] for g in groups)} supervisees need cover",
        summary=Table(
            "Absent supervisors and the supervisees who need cover", ["Absent supervisor", "Need cover"], rows
        ),
        rules=rule_refs(ctx.pack, [rule]),
        notes=[] if rule else ["This council's policy sets no rule for this."],
        period=f"as of {ctx.today:%d %b %Y}",
    )


def observations_base(ctx: Context) -> StatedObligations:
    return obligations(ctx, use_kind=False).filter(kind="observation")


def observations(ctx: Context) -> Figure:
    rules = rule_refs(ctx.pack, list(ctx.pack.observations))
    title = "Observations against quota"
    return _status_figure(
        ctx, "observations", title, observations_base(ctx), rules, ("short",), "people short of their quota"
    )


def asye_base(ctx: Context) -> StatedObligations:
    return obligations(ctx, use_kind=False).filter(kind="asye_review")


def asye(ctx: Context) -> Figure:
    rules = rule_refs(ctx.pack, [ctx.pack.asye_reviews])
    return _status_figure(
        ctx, "asye", "ASYE reviews", asye_base(ctx), rules, ("overdue", "late"), "reviews overdue or late"
    )
