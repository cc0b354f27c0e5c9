"""The 4x4x4 coverage page of a dashboard (oversight.dashboards.coverage): the same scope, the
same 404 for anyone else, and an audit row per read, as the other dashboard pages."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_safe

from oversight.access import policy
from oversight.forms import govukify

from .coverage import WINDOWS, CoverageReport, coverage_report
from .exports import download
from .scope import scope_for
from .tables import Cell, Table, day
from .views import NAV_SECTION, SAFE_NAME, _audit, dashboard_url

FORMATS = ("csv", "xlsx")


class WindowForm(forms.Form):
    last = forms.TypedChoiceField(
        label="Look at each person's last",
        choices=[(str(n), f"{n} records") for n in WINDOWS],
        coerce=int,
        required=False,
        empty_value=WINDOWS[0],  # type: ignore[arg-type]  # the stub says str; Django gives back any value
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        govukify(self)


def coverage_table(report: CoverageReport) -> Table:
    """The page's per-person tables as one: a row per record, with what it served and reached
    and the rules it fell short of (the same words and citations as the page)."""
    areas = bool(report.reflective.areas)
    headers = ["Person", "Session", "Kind", "Tagged", "Functions served", "Stages reached"]
    headers += ["Areas covered"] if areas else []
    headers += ["Short of the policy"]
    rows = []
    for person in report.people:
        for s in person.sessions:
            short = "; ".join(f"{', '.join(r['missing'])} ({r['rule'].strength}, {r['cite']})" for r in s.short)
            row = [Cell(person.person.name), day(s.day), Cell(s.kind), Cell("yes" if s.tagged else "no")]
            row += [Cell(s.served if s.tagged else ""), Cell(s.reached if s.tagged else "")]
            row += [Cell(s.areas if s.tagged else "")] if areas else []
            row += [Cell(short)]
            rows.append(row)
    return Table(caption="4x4x4 coverage", headers=headers, rows=rows)


@login_required
@require_safe
def coverage(request: HttpRequest, key: str) -> HttpResponse:
    """Which functions and stages each person's recent supervision covered, and what it missed."""
    viewer = policy.current_viewer(request)
    scope = scope_for(viewer, key)
    form = WindowForm(request.GET)
    report = None
    readable: set[int] = set()
    if form.is_valid():
        report = coverage_report(scope, today=viewer.on, last=form.cleaned_data["last"] or WINDOWS[0])
        shown = [s.record_id for p in report.people for s in p.sessions]
        # link only the records this viewer may open (QA reads the figures, not every record)
        readable = set(policy.visible(viewer, "record").filter(pk__in=shown).values_list("pk", flat=True))
    fmt = request.GET.get("format", "")
    if report is not None and fmt in FORMATS:
        table = coverage_table(report)
        _audit(viewer, scope, "dashboard.export", figure="coverage", format=fmt, rows=str(len(table.rows)))
        return download(table, fmt, SAFE_NAME.sub("-", f"{scope.key}-coverage-{viewer.on:%Y-%m-%d}".lower()))
    _audit(viewer, scope, "dashboard.view", figure="coverage", filters=request.GET.urlencode()[:500])
    return render(
        request,
        "dashboards/coverage.html",
        {
            "scope": scope,
            "form": form,
            "report": report,
            "readable": readable,
            "breadcrumbs": [("Dashboards", reverse("dashboards:index")), (scope.title, dashboard_url(scope))],
            "nav_section": NAV_SECTION,
        },
        status=200 if report is not None else 400,
    )
