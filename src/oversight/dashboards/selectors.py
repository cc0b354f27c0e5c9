"""The dashboards' figures, read from the obligation store with aggregate queries.

Nothing here runs the engine or loops over a whole authority in Python: each figure is one
or two GROUP BY queries over ``Obligation``, ``SupervisionHeld`` or ``Session``, limited to the
people the viewer's reach covers (``Scope``) and to the filters. A drill-down lists the rows
behind one cell of a figure's table: people and sessions, each linked to its page.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import TYPE_CHECKING, Any, TypedDict

from django.db.models import Case, CharField, Count, F, Q, QuerySet, Value, When
from django.db.models.functions import TruncMonth
from django.urls import reverse

from oversight.compliance.models import OPEN_STATUSES, OVERDUE_STATUSES, SupervisionHeld
from oversight.records.models import Action, Record
from oversight.sessions.models import Session

from .charts import Series, Trend
from .common import (
    CHILD_STATUS_LABELS,
    RECORD_KINDS,
    STATUS_LABELS,
    WHO_LABELS,
    Context,
    in_period,
    label_of,
    obligation_detail,
    obligations,
    role_label,
)
from .file_clocks import file_clocks, file_clocks_base
from .forms import months_back
from .scope import SUPERVISOR_LEVEL
from .tables import Cell, Figure, Table, day, num, refs_by_id, rule_refs

if TYPE_CHECKING:
    from django_stubs_ext import WithAnnotations

    from .common import StatedObligations

    class _Who(TypedDict):
        who: str

    # Cancelled sessions annotated with ``who`` cancelled (``cancelled_sessions()``).
    WhoCancelled = QuerySet[WithAnnotations[Session, _Who]]

# --- the figures ---------------------------------------------------------------------------------


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


# --- the disruption log (Leeds 4.9) -----------------------------------------------------------------


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


# --- the supervisor's own lists ----------------------------------------------------------------------


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


# --- the registry ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Spec:
    figure: Callable[[Context], Figure]
    detail: Callable[[Context, int | None], Table]
    levels: tuple[str, ...] | None = None  # None: every level


def _obligation_detail(
    base: Callable[[Context], StatedObligations], caption: str
) -> Callable[[Context, int | None], Table]:
    def detail(ctx: Context, limit: int | None) -> Table:
        return obligation_detail(ctx, base(ctx), caption, limit)

    return detail


FIGURES: dict[str, Spec] = {
    "due-this-week": Spec(
        due_this_week, _obligation_detail(due_this_week_base, "Due in the next 7 days"), (SUPERVISOR_LEVEL,)
    ),
    "overdue": Spec(overdue, _obligation_detail(overdue_base, "Overdue today")),
    "awaiting-sign-off": Spec(awaiting, awaiting_detail, (SUPERVISOR_LEVEL,)),
    "open-actions": Spec(open_actions, open_actions_detail, (SUPERVISOR_LEVEL,)),
    "on-time": Spec(on_time, on_time_detail),
    "agreements": Spec(agreements, _obligation_detail(agreements_base, "Agreements missing or past review")),
    "records": Spec(records, _obligation_detail(records_base, "Records falling due in the period")),
    "directions": Spec(directions, _obligation_detail(directions_base, "Case directions falling due in the period")),
    "case-reviews": Spec(case_reviews, _obligation_detail(case_reviews_base, "Children's case reviews")),
    "ratios": Spec(ratios, _obligation_detail(ratios_base, "Supervisors and their supervisees")),
    "absence": Spec(absence, _obligation_detail(absence_base, "Supervisees who need cover")),
    "observations": Spec(observations, _obligation_detail(observations_base, "Observations of practice")),
    "asye": Spec(asye, _obligation_detail(asye_base, "ASYE reviews")),
    "file-clocks": Spec(file_clocks, _obligation_detail(file_clocks_base, "Supervision file and quality clocks")),
    "disruption": Spec(disruption, disruption_detail),
}


def figures_for(ctx: Context) -> list[Figure]:
    """Every figure of the dashboard, in page order."""
    return [spec.figure(ctx) for spec in FIGURES.values() if spec.levels is None or ctx.scope.level in spec.levels]


def spec_for(ctx: Context, slug: str) -> Spec | None:
    spec = FIGURES.get(slug)
    if spec is None or (spec.levels is not None and ctx.scope.level not in spec.levels):
        return None
    return spec


__all__ = ["FIGURES", "Context", "figures_for", "months_back", "spec_for"]
