"""The dashboards: an index of those the viewer may open, a page per dashboard with every
figure, a page per figure listing the people and sessions behind it, and exports.

Who may open which is decided by oversight.dashboards.scope from the access policy; anyone
else gets a 404. Each page read and each export writes an audit row, as the file pages do.
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_safe

from oversight.access import policy
from oversight.access.reach import Viewer
from oversight.audit.services import audit_event
from oversight.people.models import Team

from .common import DETAIL_ROWS, Context
from .exports import download
from .forms import FilterForm, Filters
from .scope import AUTHORITY_LEVEL, SERVICE_LEVEL, SUPERVISOR_LEVEL, TEAM_LEVEL, Scope, available_to, scope_for
from .selectors import figures_for, spec_for

NAV_SECTION = "dashboards"


def _audit(viewer: Viewer, scope: Scope, action: str, **detail: Any) -> None:
    """One audit row per dashboard read or export, naming the dashboard and the filters."""
    audit_event(
        actor=viewer.person,
        action=action,
        obj=scope.unit,
        organisation_id=scope.organisation.pk,
        acting_as=f"{scope.level} dashboard",
        detail={"user": viewer.user.pk, "dashboard": scope.key, **detail},
    )


def _teams(scope: Scope) -> list[Team]:
    """The teams the filter offers: those of the people this dashboard counts."""
    return list(Team.objects.filter(members__in=scope.ids).distinct().order_by("name"))


def _context(request: HttpRequest, viewer: Viewer, scope: Scope) -> tuple[Context | None, FilterForm]:
    form = FilterForm(request.GET, scope=scope, teams=_teams(scope), today=viewer.on)
    if not form.is_valid():
        return None, form
    return Context(scope=scope, filters=Filters.from_form(form), today=viewer.on), form


def _breadcrumbs(scope: Scope) -> list[tuple[str, str]]:
    return [("Dashboards", reverse("dashboards:index")), (scope.title, dashboard_url(scope))]


def dashboard_url(scope: Scope) -> str:
    if scope.level in (TEAM_LEVEL, SERVICE_LEVEL):
        return reverse(f"dashboards:{scope.level}", args=[scope.unit.pk])
    return reverse(f"dashboards:{scope.level}")


@login_required
@require_safe
def index(request: HttpRequest) -> HttpResponse:
    """The dashboards this viewer may open."""
    viewer = policy.current_viewer(request)
    available = available_to(viewer)
    if not available.any:
        raise Http404("No dashboards")
    return render(request, "dashboards/index.html", {"available": available, "nav_section": NAV_SECTION})


def _dashboard(request: HttpRequest, key: str) -> HttpResponse:
    viewer = policy.current_viewer(request)
    scope = scope_for(viewer, key)
    ctx, form = _context(request, viewer, scope)
    figures = figures_for(ctx) if ctx is not None else []
    _audit(viewer, scope, "dashboard.view", filters=request.GET.urlencode()[:500])
    return render(
        request,
        "dashboards/dashboard.html",
        {
            "scope": scope,
            "form": form,
            "ctx": ctx,
            "figures": figures,
            "breadcrumbs": _breadcrumbs(scope)[:1],
            "ctx_query": urlencode(ctx.filters.query()) if ctx is not None else "",
            "nav_section": NAV_SECTION,
            "action": dashboard_url(scope),
        },
        status=200 if ctx is not None else 400,
    )


@login_required
@require_safe
def supervisor(request: HttpRequest) -> HttpResponse:
    """My supervisees: due this week, overdue, records awaiting sign-off, open actions, and the rest."""
    return _dashboard(request, SUPERVISOR_LEVEL)


@login_required
@require_safe
def team(request: HttpRequest, pk: int) -> HttpResponse:
    return _dashboard(request, f"{TEAM_LEVEL}-{pk}")


@login_required
@require_safe
def service(request: HttpRequest, pk: int) -> HttpResponse:
    return _dashboard(request, f"{SERVICE_LEVEL}-{pk}")


@login_required
@require_safe
def authority(request: HttpRequest) -> HttpResponse:
    return _dashboard(request, AUTHORITY_LEVEL)


def _figure_context(request: HttpRequest, key: str, slug: str) -> tuple[Viewer, Scope, Context | None, FilterForm, Any]:
    viewer = policy.current_viewer(request)
    scope = scope_for(viewer, key)
    ctx, form = _context(request, viewer, scope)
    spec = spec_for(ctx or Context(scope=scope, filters=Filters.default(viewer.on), today=viewer.on), slug)
    if spec is None:
        raise Http404("No such figure")
    return viewer, scope, ctx, form, spec


@login_required
@require_safe
def figure(request: HttpRequest, key: str, slug: str) -> HttpResponse:
    """One figure and the people and sessions behind it (the cell its link came from)."""
    viewer, scope, ctx, form, spec = _figure_context(request, key, slug)
    fig = spec.figure(ctx) if ctx is not None else None
    detail = spec.detail(ctx, DETAIL_ROWS) if ctx is not None else None
    _audit(viewer, scope, "dashboard.view", figure=slug, filters=request.GET.urlencode()[:500])
    query = request.GET.urlencode()
    return render(
        request,
        "dashboards/figure.html",
        {
            "scope": scope,
            "form": form,
            "ctx": ctx,
            "figure": fig,
            "detail": detail,
            "slug": slug,
            "query": query,
            "ctx_query": urlencode(ctx.filters.query()) if ctx is not None else "",
            "breadcrumbs": _breadcrumbs(scope),
            "nav_section": NAV_SECTION,
            "action": reverse("dashboards:figure", args=[scope.key, slug]),
            "bucket": {name: form.data.get(name) for name in FilterForm.BUCKET if form.data.get(name)},
        },
        status=200 if ctx is not None else 400,
    )


SAFE_NAME = re.compile(r"[^a-z0-9-]+")


@login_required
@require_safe
def export(request: HttpRequest, key: str, slug: str, table: str, fmt: str) -> HttpResponse:
    """A figure's table (``summary``) or the rows behind it (``rows``) as CSV or XLSX."""
    viewer, scope, ctx, form, spec = _figure_context(request, key, slug)
    if ctx is None:
        return render(
            request,
            "dashboards/figure.html",
            {
                "scope": scope,
                "form": form,
                "ctx": None,
                "slug": slug,
                "breadcrumbs": _breadcrumbs(scope),
                "nav_section": NAV_SECTION,
                "action": reverse("dashboards:figure", args=[scope.key, slug]),
                "bucket": {},
            },
            status=400,
        )
    data = spec.figure(ctx).summary if table == "summary" else spec.detail(ctx, None)
    _audit(viewer, scope, "dashboard.export", figure=slug, table=table, format=fmt, rows=str(len(data.rows)))
    name = SAFE_NAME.sub("-", f"{scope.key}-{slug}-{table}-{viewer.on:%Y-%m-%d}".lower())
    return download(data, fmt, name)
