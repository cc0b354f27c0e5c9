"""The disruption log (Leeds 4.9): cancelled sessions, by who cancelled and why, month by month."""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from typing import TYPE_CHECKING, TypedDict

from django.db.models import Case, CharField, Count, F, QuerySet, Value, When
from django.db.models.functions import TruncMonth
from django.urls import reverse

from oversight.sessions.models import Session

from ..charts import Series, Trend
from ..common import WHO_LABELS, Context, in_period
from ..tables import Cell, Figure, Table, day, num, rule_refs

if TYPE_CHECKING:
    from django_stubs_ext import WithAnnotations

    class _Who(TypedDict):
        who: str

    # Cancelled sessions annotated with ``who`` cancelled (``cancelled_sessions()``).
    WhoCancelled = QuerySet[WithAnnotations[Session, _Who]]


def who_cancelled() -> Case:
    return Case(
        When(cancelled_by__isnull=True, then=Value("not_recorded")),
        When(cancelled_by_id=F("supervisor_id"), then=Value("supervisor")),
        When(cancelled_by_id=F("supervisee_id"), then=Value("supervisee")),
        default=Value("someone_else"),
        output_field=CharField(),
    )


def cancelled_sessions(ctx: Context) -> WhoCancelled:
    f = ctx.filters
    qs = Session.objects.filter(organisation=ctx.scope.organisation, status=Session.Status.CANCELLED)
    qs = in_period(qs.filter(ctx.scope.session_q()), ctx, "date")
    if f.team:
        qs = qs.filter(supervisee__team_id=f.team)
    if f.role:
        qs = qs.filter(supervisee__role=f.role)
    if f.kind:
        qs = qs.filter(kind=f.kind)
    return qs.annotate(who=who_cancelled())


def disruption(ctx: Context) -> Figure:
    qs = cancelled_sessions(ctx)
    reasons = [r for r, _ in Session.Reason.choices]
    counts: dict[str, dict[str, int]] = defaultdict(dict)
    for g in qs.values("who", "cancel_reason").annotate(n=Count("pk")).order_by():
        counts[g["who"]][g["cancel_reason"] or "other"] = (
            counts[g["who"]].get(g["cancel_reason"] or "other", 0) + g["n"]
        )
    rows = [
        [Cell(WHO_LABELS[who])]
        + [num(counts[who].get(r, 0), ctx.url("disruption", who=who, reason=r)) for r in reasons]
        + [num(sum(counts[who].values()), ctx.url("disruption", who=who))]
        for who in WHO_LABELS
        if who in counts
    ]
    monthly: dict[str, dict[date, int]] = defaultdict(dict)
    for m in qs.annotate(month=TruncMonth("date")).values("month", "cancel_reason").annotate(n=Count("pk")).order_by():
        month = m["month"].date() if hasattr(m["month"], "date") else m["month"]
        monthly[m["cancel_reason"] or "other"][month] = monthly[m["cancel_reason"] or "other"].get(month, 0) + m["n"]
    months = ctx.months
    series = [
        Series(
            r.capitalize(),
            [float(monthly[r].get(m, 0)) for m in months],
            [ctx.url("disruption", reason=r, month=f"{m:%Y-%m}") for m in months],
        )
        for r in reasons
    ]
    total = sum(sum(c.values()) for c in counts.values())
    pack = ctx.pack
    logged = [r for r in pack.other_rules if r.topic == "cancellation" or "disruption" in r.id]
    return Figure(
        slug="disruption",
        title="The disruption log: cancelled sessions",
        headline=f"{total} sessions cancelled",
        summary=Table(
            "Cancelled sessions, by who cancelled and why",
            ["Cancelled by", *(r.capitalize() for r in reasons), "All"],
            rows,
        ),
        rules=rule_refs(pack, [pack.rearrange, *logged]),
        trend=Trend(
            chart_id="trend-disruption",
            title="Cancelled sessions, by month and reason",
            description=f"How many sessions were cancelled each month from {ctx.period}, one line per reason.",
            months=months,
            series=series,
            unit="",
        ),
        period=ctx.period,
    )


def disruption_detail(ctx: Context, limit: int | None) -> Table:
    f = ctx.filters
    qs = cancelled_sessions(ctx).select_related("supervisee__team", "supervisor", "cancelled_by")
    if f.who:
        qs = qs.filter(who=f.who)
    if f.reason:
        qs = qs.filter(cancel_reason=f.reason) if f.reason != "other" else qs.filter(cancel_reason__in=["other", ""])
    if f.month_range:
        qs = qs.filter(date__gte=f.month_range[0], date__lt=f.month_range[1])
    total = qs.count() if limit is not None else None
    ordered = qs.order_by("-date", "pk")
    rows = [
        [
            Cell(f"{s.get_kind_display()} {s.date:%d %b %Y}", href=reverse("sessions:detail", args=[s.pk])),
            Cell(s.supervisee.name, href=reverse("people:file", args=[s.supervisee_id])) if s.supervisee else Cell("–"),
            Cell(str(s.supervisee.team) if s.supervisee and s.supervisee.team else "–"),
            Cell(s.supervisor.name),
            Cell(WHO_LABELS[s.who] + (f" ({s.cancelled_by.name})" if s.cancelled_by else ""), value=s.who),
            Cell((s.cancel_reason or "other").capitalize(), value=s.cancel_reason or "other"),
            day(s.cancelled_on),
        ]
        for s in (ordered[:limit] if limit is not None else ordered)
    ]
    headers = ["Session", "Supervisee", "Team", "Supervisor", "Cancelled by", "Reason", "Cancelled on"]
    return Table("Cancelled sessions", headers, rows, total)
