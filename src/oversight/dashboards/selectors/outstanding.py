"""Figures as of today: what is overdue, what falls due this week, agreements missing or past
review, and children's case reviews by status."""

from __future__ import annotations

from collections import defaultdict
from datetime import date, timedelta
from typing import TYPE_CHECKING, Any

from django.db.models import Count, Q

from oversight.compliance.models import OPEN_STATUSES, OVERDUE_STATUSES

from ..common import CHILD_STATUS_LABELS, Context, label_of, obligations
from ..tables import Cell, Figure, Table, num, refs_by_id, rule_refs

if TYPE_CHECKING:
    from ..common import StatedObligations


def _by_kind_rows(ctx: Context, figure: str, qs: StatedObligations, **bucket: Any) -> tuple[list[list[Cell]], int]:
    # File clocks are one row whatever the kind of supervision some are discussed in.
    groups: dict[tuple[str, str], int] = defaultdict(int)
    for g in qs.values("kind", "session_kind").annotate(n=Count("pk")).order_by("kind", "session_kind"):
        groups[(g["kind"], "" if g["kind"] == "file" else g["session_kind"])] += g["n"]
    rows, total = [], 0
    for (kind, session_kind), n in groups.items():
        total += n
        link = ctx.url(figure, ob_kind=kind, session_kind=session_kind, **bucket)
        rows.append([Cell(label_of(kind, session_kind)), num(n, link)])
    return rows, total


def _rules_in(ctx: Context, qs: StatedObligations) -> list[Any]:
    ids = sorted({r for r in qs.order_by().values_list("rule", flat=True).distinct() if r})
    return refs_by_id(ctx.pack, ids)


def overdue_now(today: date) -> Q:
    """Overdue on ``today`` (the ``state`` annotation's test, on the columns, for the indexes)."""
    return Q(status__in=OVERDUE_STATUSES) | Q(status__in=OPEN_STATUSES, due__lt=today)


def overdue_base(ctx: Context) -> StatedObligations:
    return obligations(ctx).filter(overdue_now(ctx.today))


def overdue(ctx: Context) -> Figure:
    qs = overdue_base(ctx)
    rows, total = _by_kind_rows(ctx, "overdue", qs)
    return Figure(
        slug="overdue",
        title="Overdue now",
        headline=f"{total} overdue",
        summary=Table("Overdue today, by kind", ["What", "Overdue"], rows),
        rules=_rules_in(ctx, qs),
        period=f"as of {ctx.today:%d %b %Y}",
    )


def due_this_week_base(ctx: Context) -> StatedObligations:
    week = (ctx.today, ctx.today + timedelta(days=6))
    return obligations(ctx).filter(status__in=OPEN_STATUSES, due__range=week)


def due_this_week(ctx: Context) -> Figure:
    qs = due_this_week_base(ctx)
    rows, total = _by_kind_rows(ctx, "due-this-week", qs)
    return Figure(
        slug="due-this-week",
        title="Due this week",
        headline=f"{total} due in the next 7 days",
        summary=Table("Due in the next 7 days, by kind", ["What", "Due"], rows),
        rules=_rules_in(ctx, qs),
        period=f"{ctx.today:%d %b} to {ctx.today + timedelta(days=6):%d %b %Y}",
    )


def agreements_base(ctx: Context) -> StatedObligations:
    return obligations(ctx, use_kind=False).filter(
        Q(kind="agreement", done__isnull=True, status__in=[*OVERDUE_STATUSES, *OPEN_STATUSES])
        | (Q(kind="agreement_review") & overdue_now(ctx.today))
    )


def agreements(ctx: Context) -> Figure:
    qs = agreements_base(ctx)
    counts = {(g["kind"], g["state"]): g["n"] for g in qs.values("kind", "state").annotate(n=Count("pk")).order_by()}
    lines = [
        ("No agreement signed, overdue", "agreement", "overdue"),
        ("No agreement signed, not yet due", "agreement", "pending"),
        ("Agreement past its review date", "agreement_review", "overdue"),
    ]
    rows = [
        [Cell(text), num(counts.get((k, s), 0), ctx.url("agreements", ob_kind=k, status=s))] for text, k, s in lines
    ]
    late = counts.get(("agreement", "overdue"), 0) + counts.get(("agreement_review", "overdue"), 0)
    return Figure(
        slug="agreements",
        title="Agreements missing or past review",
        headline=f"{late} missing or past review",
        summary=Table("Supervision agreements", ["Agreements", "People"], rows),
        rules=rule_refs(ctx.pack, [ctx.pack.agreement]),
        period=f"as of {ctx.today:%d %b %Y}",
    )


def case_reviews_base(ctx: Context) -> StatedObligations:
    return obligations(ctx).filter(kind="case_review")


def case_reviews(ctx: Context) -> Figure:
    qs = case_reviews_base(ctx)
    counts: dict[str, dict[str, int]] = defaultdict(dict)
    for g in qs.values("child_status", "state").annotate(n=Count("pk")).order_by():
        counts[g["child_status"]][g["state"]] = g["n"]
    rows = []
    late = 0
    for status in sorted(counts):
        c = counts[status]
        late += c.get("overdue", 0)
        rows.append(
            [
                Cell(CHILD_STATUS_LABELS.get(status, status)),
                num(c.get("overdue", 0), ctx.url("case-reviews", child_status=status, status="overdue")),
                num(c.get("upcoming", 0), ctx.url("case-reviews", child_status=status, status="upcoming")),
                num(sum(c.values()), ctx.url("case-reviews", child_status=status)),
            ]
        )
    return Figure(
        slug="case-reviews",
        title="Case reviews by child status",
        headline=f"{late} children's case reviews overdue",
        summary=Table("Children by status", ["Child status", "Overdue", "Not yet due", "Children"], rows),
        rules=rule_refs(ctx.pack, list(ctx.pack.case_review)),
        period=f"as of {ctx.today:%d %b %Y}",
    )
