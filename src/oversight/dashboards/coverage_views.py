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

from .coverage import WINDOWS, coverage_report
from .scope import scope_for
from .views import NAV_SECTION, _audit, dashboard_url


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
