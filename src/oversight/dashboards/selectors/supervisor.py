"""The supervisor's own lists: records awaiting sign-off and open actions from records."""

from __future__ import annotations

from django.db.models import Count, QuerySet
from django.urls import reverse

from oversight.records.models import Action, Record

from ..common import Context
from ..tables import Cell, Figure, Table, day, num, rule_refs


def awaiting_records(ctx: Context) -> QuerySet[Record]:
    qs = Record.objects.filter(
        session__organisation=ctx.scope.organisation,
        status__in=[Record.Status.SHARED, Record.Status.AGREED, Record.Status.DISPUTED],
    ).filter(ctx.scope.session_q("session__"))
    if ctx.filters.team:
        qs = qs.filter(session__supervisee__team_id=ctx.filters.team)
    if ctx.filters.role:
        qs = qs.filter(session__supervisee__role=ctx.filters.role)
    if ctx.filters.kind:
        qs = qs.filter(session__kind=ctx.filters.kind)
    return qs


def awaiting(ctx: Context) -> Figure:
    counts = {g["status"]: g["n"] for g in awaiting_records(ctx).values("status").annotate(n=Count("pk")).order_by()}
    text = {
        "shared": "Shared, waiting for the supervisee",
        "agreed": "Agreed, waiting to be finalised",
        "disputed": "Disputed",
    }
    rows = [[Cell(t), num(counts.get(s, 0), ctx.url("awaiting-sign-off", status=s))] for s, t in text.items()]
    return Figure(
        slug="awaiting-sign-off",
        title="Records awaiting sign-off",
        headline=f"{sum(counts.values())} records awaiting sign-off",
        summary=Table("Records not yet final", ["Record", "Records"], rows),
        rules=rule_refs(ctx.pack, list(ctx.pack.records)),
        period=f"as of {ctx.today:%d %b %Y}",
    )


def awaiting_detail(ctx: Context, limit: int | None) -> Table:
    qs = awaiting_records(ctx).select_related("session__supervisee", "session__supervisor")
    if ctx.filters.status:
        qs = qs.filter(status=ctx.filters.status)
    total = qs.count() if limit is not None else None
    ordered = qs.order_by("session__date", "pk")
    rows = [
        [
            Cell(f"Record of {r.session.date:%d %b %Y}", href=reverse("records:detail", args=[r.pk])),
            Cell(r.session.supervisee.name, href=reverse("people:file", args=[r.session.supervisee_id]))
            if r.session.supervisee
            else Cell("–"),
            Cell(r.session.get_kind_display()),
            Cell(r.get_status_display()),
            day(r.shared_on),
            Cell(f"Session {r.session.date:%d %b %Y}", href=reverse("sessions:detail", args=[r.session_id])),
        ]
        for r in (ordered[:limit] if limit is not None else ordered)
    ]
    return Table(
        "Records awaiting sign-off", ["Record", "Supervisee", "Kind", "Status", "Shared", "Session"], rows, total
    )


def open_actions_qs(ctx: Context) -> QuerySet[Action]:
    qs = Action.objects.filter(done_on__isnull=True, record__session__organisation=ctx.scope.organisation)
    qs = qs.filter(ctx.scope.session_q("record__session__"))
    if ctx.filters.team:
        qs = qs.filter(record__session__supervisee__team_id=ctx.filters.team)
    if ctx.filters.role:
        qs = qs.filter(record__session__supervisee__role=ctx.filters.role)
    return qs


def open_actions(ctx: Context) -> Figure:
    qs = open_actions_qs(ctx)
    late = qs.filter(due__lt=ctx.today).count()
    total = qs.count()
    rows = [
        [Cell("Past their due date"), num(late, ctx.url("open-actions", status="overdue"))],
        [Cell("Not yet due"), num(total - late, ctx.url("open-actions", status="upcoming"))],
    ]
    return Figure(
        slug="open-actions",
        title="Open actions",
        headline=f"{total} open actions",
        summary=Table("Actions from records, not yet done", ["Actions", "Count"], rows),
        rules=[],
        period=f"as of {ctx.today:%d %b %Y}",
    )


def open_actions_detail(ctx: Context, limit: int | None) -> Table:
    qs = open_actions_qs(ctx).select_related("owner", "record__session__supervisee")
    if ctx.filters.status == "overdue":
        qs = qs.filter(due__lt=ctx.today)
    elif ctx.filters.status:
        qs = qs.filter(due__gte=ctx.today)
    total = qs.count() if limit is not None else None
    ordered = qs.order_by("due", "pk")
    rows = [
        [
            Cell(a.text[:120]),
            Cell(a.owner.name),
            Cell(a.record.session.supervisee.name, href=reverse("people:file", args=[a.record.session.supervisee_id]))
            if a.record.session.supervisee
            else Cell("–"),
            day(a.due),
            Cell(f"Record of {a.record.session.date:%d %b %Y}", href=reverse("records:detail", args=[a.record_id])),
            Cell(
                f"Session {a.record.session.date:%d %b %Y}", href=reverse("sessions:detail", args=[a.record.session_id])
            ),
        ]
        for a in (ordered[:limit] if limit is not None else ordered)
    ]
    return Table("Open actions", ["Action", "Owner", "Supervisee", "Due", "Record", "Session"], rows, total)
