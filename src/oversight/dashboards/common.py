"""What every figure of the dashboards shares: the words for kinds and statuses, the
``Context`` a figure reads, the obligation rows a dashboard counts (with their status as of
today) and the drill-down table of the rows behind a figure's cell."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any, TypedDict, TypeVar
from urllib.parse import urlencode

from django.db.models import Case, CharField, F, Q, QuerySet, Value, When
from django.urls import reverse

from oversight.compliance.models import OPEN_STATUSES, OVERDUE_STATUSES, Obligation
from oversight.policy.file_clocks import FILE_EVENT_LABELS
from oversight.policy.pack import PolicyPack

from .forms import Filters
from .scope import KIND_OF_OBLIGATION, Scope
from .tables import Cell, Table, day

if TYPE_CHECKING:
    from django_stubs_ext import WithAnnotations

    class _State(TypedDict):
        state: str

    # Obligations annotated with ``state`` (``obligations()`` below), for django-stubs to check
    # the figures' ``filter(state=...)`` and ``values("state")``.
    StatedObligations = QuerySet[WithAnnotations[Obligation, _State]]

DETAIL_ROWS = 200  # a drill-down page lists this many; the export has them all

LABELS = {
    "supervision": "supervision",
    "case_review": "Case review of a child",
    "agreement": "Supervision agreement",
    "agreement_review": "Agreement review",
    "record_shared": "Record shared with the supervisee",
    "record_signed": "Record signed by both",
    "record_response": "Supervisee's answer to the record",
    "case_direction": "Case direction on the child's record",
    "rearrange": "Rearrange a cancelled session",
    "observation": "Observations of practice",
    "asye_review": "ASYE review",
    "absence_cover": "Cover while the supervisor is absent",
    "ratio": "Supervisees per supervisor",
    "file": "Supervision file and quality clocks",
}
STATUS_LABELS = {
    "overdue": "Overdue",
    "upcoming": "Not yet due",
    "pending": "Not yet due",
    "met": "On time",
    "late": "Late",
    "deemed_agreed": "Agreed by silence",
    "exceeded": "Above the limit",
    "ok": "Within",
    "short": "Short",
    "needs_cover": "Needs cover",
}
WHO_LABELS = {
    "supervisor": "The supervisor",
    "supervisee": "The supervisee",
    "someone_else": "Someone else",
    "not_recorded": "Not recorded",
}
CHILD_STATUS_LABELS = {
    "cin": "Child in need",
    "cp": "Child protection",
    "cla": "Looked after",
    "cla_matched": "Looked after, long-term matched",
    "sixteen_plus": "16 plus",
    "care_leaver": "Care leaver",
    "early_help": "Early help",
}
RECORD_KINDS = ("record_shared", "record_signed", "record_response")


def label_of(kind: str, session_kind: str = "", event_kind: str = "") -> str:
    """A kind of obligation in words; a file clock by the kind of file event, where given."""
    if kind == "file" and event_kind:
        return FILE_EVENT_LABELS.get(event_kind, event_kind.replace("_", " ").capitalize())
    if kind == "supervision":
        return f"{(session_kind or 'All').capitalize()} supervision"
    return LABELS.get(kind, kind.replace("_", " ").capitalize())


def role_label(role: str | None) -> str:
    return (role or "").replace("_", " ").capitalize() or "–"


@dataclass(frozen=True)
class Context:
    """Everything a figure reads: whose figures, which filters, as of which day."""

    scope: Scope
    filters: Filters
    today: date

    @property
    def pack(self) -> PolicyPack:
        return self.scope.organisation.pack

    def url(self, figure: str, **bucket: Any) -> str:
        """The drill-down of ``figure``, narrowed to ``bucket``, with the page's filters."""
        params = {**self.filters.query(), **{k: str(v) for k, v in bucket.items() if v not in ("", None)}}
        base = reverse("dashboards:figure", args=[self.scope.key, figure])
        return f"{base}?{urlencode(params)}" if params else base

    @property
    def period(self) -> str:
        return f"{self.filters.start:%d %b %Y} to {self.filters.end:%d %b %Y}"

    @property
    def months(self) -> list[date]:
        first = date(self.filters.start.year, self.filters.start.month, 1)
        months = []
        current = first
        while current <= self.filters.end:
            months.append(current)
            current = date(current.year + current.month // 12, current.month % 12 + 1, 1)
        return months


# --- base querysets ------------------------------------------------------------------------------


def state_of(today: date) -> Case:
    """The status as of ``today``: rows computed before they fell due are overdue now."""
    return Case(
        When(Q(status__in=OVERDUE_STATUSES) | Q(status__in=OPEN_STATUSES, due__lt=today), then=Value("overdue")),
        default=F("status"),
        output_field=CharField(),
    )


def obligations(ctx: Context, *, use_kind: bool = True) -> StatedObligations:
    """The store's rows this dashboard counts, with ``state`` (the status as of today)."""
    f = ctx.filters
    qs = Obligation.objects.filter(organisation=ctx.scope.organisation).filter(ctx.scope.obligation_q())
    if f.team:
        qs = qs.filter(person__team_id=f.team)
    if f.role:
        qs = qs.filter(person__role=f.role)
    if f.kind and use_kind:
        by_kind = [k for k, v in KIND_OF_OBLIGATION.items() if v == f.kind]
        qs = qs.filter(Q(session_kind=f.kind) | Q(session_kind="", kind__in=by_kind))
    return qs.annotate(state=state_of(ctx.today))


def narrowed(qs: StatedObligations, f: Filters) -> StatedObligations:
    """An obligation queryset narrowed to a drill-down's bucket."""
    if f.ob_kind:
        qs = qs.filter(kind=f.ob_kind)
    if f.session_kind:
        qs = qs.filter(session_kind=f.session_kind)
    if f.status:
        qs = qs.filter(state=f.status)
    if f.child_status:
        qs = qs.filter(child_status=f.child_status)
    if f.supervisor:
        qs = qs.filter(supervisor_id=f.supervisor)
    if f.rule:
        qs = qs.filter(rule=f.rule)
    if f.month_range:
        qs = qs.filter(due__gte=f.month_range[0], due__lt=f.month_range[1])
    return qs


_Rows = TypeVar("_Rows", bound=QuerySet[Any])


def in_period(qs: _Rows, ctx: Context, field: str) -> _Rows:
    return qs.filter(**{f"{field}__gte": ctx.filters.start, f"{field}__lte": ctx.filters.end})


def obligation_detail(ctx: Context, qs: StatedObligations, caption: str, limit: int | None) -> Table:
    """The rows behind a figure: who, what, when, the session and the rule."""
    qs = narrowed(qs, ctx.filters).select_related("person__team", "supervisor", "session")
    total = qs.count() if limit is not None else None
    rows = qs.order_by("due", "person__name", "pk")
    picked = rows[:limit] if limit is not None else rows
    table_rows = []
    for ob in picked:
        person = ob.person
        detail = ob.detail or {}
        figures = ", ".join(
            f"{k.replace('_', ' ')} {detail[k]}" for k in ("count", "limit", "required", "by_supervisor") if k in detail
        )
        table_rows.append(
            [
                Cell(person.name, href=reverse("people:file", args=[person.pk])) if person else Cell("–"),
                Cell(str(person.team) if person and person.team else "–"),
                Cell(role_label(person.role if person else "")),
                Cell(
                    label_of(ob.kind, ob.session_kind, detail.get("event_kind", ""))
                    + (f" ({CHILD_STATUS_LABELS.get(ob.child_status, ob.child_status)})" if ob.child_status else "")
                ),
                Cell(ob.supervisor.name if ob.supervisor else "–"),
                day(ob.due),
                day(ob.done),
                Cell(STATUS_LABELS.get(ob.state, ob.state), value=ob.state),
                Cell(figures or "–"),
                Cell(f"Session {ob.session.date:%d %b %Y}", href=reverse("sessions:detail", args=[ob.session_id]))
                if ob.session
                else Cell("–"),
                Cell(f"{ob.rule} ({ob.source})", value=ob.rule),
            ]
        )
    headers = ["Person", "Team", "Role", "What", "Supervisor", "Due", "Done", "Status", "Figures", "Session", "Rule"]
    return Table(caption, headers, table_rows, total)
