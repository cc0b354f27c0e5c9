"""Figures of the period, each with its monthly trend: supervision held on time, and records
and case directions done within the pack's clocks."""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from typing import TYPE_CHECKING, Any

from django.db.models import Count, Q, QuerySet
from django.db.models.functions import TruncMonth
from django.urls import reverse

from oversight.compliance.models import SupervisionHeld

from ..charts import Series, Trend
from ..common import RECORD_KINDS, Context, in_period, label_of, obligations, role_label
from ..tables import Cell, Figure, Table, day, num, rule_refs

if TYPE_CHECKING:
    from ..common import StatedObligations


def _pct(part: int, whole: int) -> float | None:
    return None if not whole else 100.0 * part / whole


def held_rows(ctx: Context) -> QuerySet[SupervisionHeld]:
    f = ctx.filters
    qs = SupervisionHeld.objects.filter(organisation=ctx.scope.organisation).filter(ctx.scope.held_q())
    qs = in_period(qs, ctx, "held")
    if f.team:
        qs = qs.filter(person__team_id=f.team)
    if f.role:
        qs = qs.filter(person__role=f.role)
    if f.kind:
        qs = qs.filter(session_kind=f.kind)
    return qs


def on_time(ctx: Context) -> Figure:
    """Supervision held on time, by kind and role, and month by month."""
    held = held_rows(ctx)
    held_on_time = Q(on_time=True)
    by_group = list(
        held.values("session_kind", "person__role")
        .annotate(n=Count("pk"), on=Count("pk", filter=held_on_time))
        .order_by("session_kind", "person__role")
    )
    by_month = (
        held.annotate(month=TruncMonth("held"))
        .values("month", "session_kind")
        .annotate(n=Count("pk"), on=Count("pk", filter=held_on_time))
    )
    rows = []
    total = on = 0
    for g in by_group:
        total, on = total + g["n"], on + g["on"]
        bucket = {"session_kind": g["session_kind"], "role": g["person__role"]}
        rows.append(
            [
                Cell(f"{g['session_kind'].capitalize()} supervision"),
                Cell(role_label(g["person__role"])),
                num(g["n"], ctx.url("on-time", **bucket)),
                num(g["on"], ctx.url("on-time", on_time="yes", **bucket)),
                num(g["n"] - g["on"], ctx.url("on-time", on_time="no", **bucket)),
                num(_pct(g["on"], g["n"]) or 0.0),
            ]
        )
    months = ctx.months
    cells: dict[str, dict[date, tuple[int, int]]] = defaultdict(dict)
    for m in by_month:
        month = m["month"].date() if hasattr(m["month"], "date") else m["month"]
        cells[m["session_kind"]][month] = (m["n"], m["on"])
    series = [
        Series(
            f"{kind.capitalize()} supervision",
            [_pct(cells[kind].get(mo, (0, 0))[1], cells[kind].get(mo, (0, 0))[0]) for mo in months],
            [ctx.url("on-time", session_kind=kind, month=f"{mo:%Y-%m}") for mo in months],
        )
        for kind in sorted(cells)
    ]
    share = _pct(on, total)
    kinds = {ctx.filters.kind} if ctx.filters.kind else None
    return Figure(
        slug="on-time",
        title="Supervision on time",
        headline=f"{share:.0f}% of {total} sessions held on time" if share is not None else "No sessions held",
        summary=Table(
            "Held sessions by kind and role",
            ["Kind", "Role", "Held", "On time", "Late", "On time (%)"],
            rows,
        ),
        rules=rule_refs(ctx.pack, [r for r in ctx.pack.supervision if kinds is None or r.kind in kinds]),
        trend=Trend(
            chart_id="trend-on-time",
            title="Supervision held on time, by month",
            description=f"The share of sessions held by their due date, each month from {ctx.period}, one line per kind.",
            months=months,
            series=series,
        ),
        period=ctx.period,
    )


def on_time_detail(ctx: Context, limit: int | None) -> Table:
    f = ctx.filters
    qs = held_rows(ctx).select_related("person__team", "session__supervisor")
    if f.session_kind:
        qs = qs.filter(session_kind=f.session_kind)
    if f.on_time:
        qs = qs.filter(on_time=f.on_time == "yes")
    if f.month_range:
        qs = qs.filter(held__gte=f.month_range[0], held__lt=f.month_range[1])
    total = qs.count() if limit is not None else None
    ordered = qs.order_by("-held", "person__name", "pk")
    rows = [
        [
            Cell(h.person.name, href=reverse("people:file", args=[h.person_id])),
            Cell(str(h.person.team) if h.person.team else "–"),
            Cell(role_label(h.person.role)),
            Cell(f"{h.session_kind.capitalize()} supervision"),
            Cell(h.session.supervisor.name),
            day(h.due),
            day(h.held),
            Cell("Yes" if h.on_time else "No", value=h.on_time),
            Cell(f"Session {h.held:%d %b %Y}", href=reverse("sessions:detail", args=[h.session_id])),
            Cell(f"{h.rule} ({h.source})", value=h.rule),
        ]
        for h in (ordered[:limit] if limit is not None else ordered)
    ]
    headers = ["Person", "Team", "Role", "Kind", "Supervisor", "Due", "Held", "On time", "Session", "Rule"]
    return Table("Sessions held", headers, rows, total)


CLOCK_STATES = ("met", "deemed_agreed", "late", "overdue", "pending")


def _clock_figure(ctx: Context, slug: str, title: str, qs: StatedObligations, rules: list[Any]) -> Figure:
    """Obligations on a clock falling due in the period: on time, late, overdue, by kind and month."""
    counts: dict[str, dict[str, int]] = defaultdict(dict)
    for g in qs.values("kind", "state").annotate(n=Count("pk")).order_by():
        counts[g["kind"]][g["state"]] = g["n"]
    rows = []
    met_all = closed_all = 0
    for kind in sorted(counts):
        c = counts[kind]
        met = c.get("met", 0) + c.get("deemed_agreed", 0)
        closed = met + c.get("late", 0) + c.get("overdue", 0)
        met_all, closed_all = met_all + met, closed_all + closed
        rows.append(
            [Cell(label_of(kind))]
            + [num(c.get(s, 0), ctx.url(slug, ob_kind=kind, status=s)) for s in CLOCK_STATES]
            + [num(_pct(met, closed) or 0.0)]
        )
    monthly: dict[str, dict[date, list[int]]] = defaultdict(lambda: defaultdict(lambda: [0, 0]))
    for g in qs.annotate(month=TruncMonth("due")).values("month", "kind", "state").annotate(n=Count("pk")).order_by():
        month = g["month"].date() if hasattr(g["month"], "date") else g["month"]
        if g["state"] in ("met", "deemed_agreed"):
            monthly[g["kind"]][month][0] += g["n"]
        if g["state"] in ("met", "deemed_agreed", "late", "overdue"):
            monthly[g["kind"]][month][1] += g["n"]
    months = ctx.months
    series = [
        Series(
            label_of(kind),
            [_pct(*monthly[kind][m]) if m in monthly[kind] else None for m in months],
            [ctx.url(slug, ob_kind=kind, month=f"{m:%Y-%m}") for m in months],
        )
        for kind in sorted(monthly)
    ]
    share = _pct(met_all, closed_all)
    return Figure(
        slug=slug,
        title=title,
        headline=f"{share:.0f}% of {closed_all} within the clock" if share is not None else "Nothing fell due",
        summary=Table(
            "Falling due in the period",
            ["What", "On time", "Agreed by silence", "Late", "Overdue", "Not yet due", "Within the clock (%)"],
            rows,
        ),
        rules=rules,
        trend=Trend(
            chart_id=f"trend-{slug}",
            title=f"{title}, by month",
            description=f"The share done within the pack's clock, by the month it fell due, {ctx.period}.",
            months=months,
            series=series,
        ),
        period=ctx.period,
    )


def records_base(ctx: Context) -> StatedObligations:
    return in_period(obligations(ctx).filter(kind__in=RECORD_KINDS), ctx, "due")


def records(ctx: Context) -> Figure:
    title = "Records shared and agreed within the pack's clocks"
    return _clock_figure(ctx, "records", title, records_base(ctx), rule_refs(ctx.pack, list(ctx.pack.records)))


def directions_base(ctx: Context) -> StatedObligations:
    return in_period(obligations(ctx).filter(kind="case_direction"), ctx, "due")


def directions(ctx: Context) -> Figure:
    title = "Case directions entered on time"
    return _clock_figure(ctx, "directions", title, directions_base(ctx), rule_refs(ctx.pack, [ctx.pack.case_direction]))
