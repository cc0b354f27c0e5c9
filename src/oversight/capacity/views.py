"""Supervisor capacity planning: for a team, a service or the authority, the supervision the
policy demands of each supervisor next quarter against the time they have for it, with a
what-if that recomputes without saving anything.

Who may open which: the dashboards' scopes (oversight.dashboards.scope), so it is the same
policy as the dashboards: a team's line management and QA in its service, a service's manager
and those above, QA in it and senior managers; the authority for senior managers and the top of
the tree. Anyone else gets a 404. Each read and export writes an audit row.
"""

from __future__ import annotations

import csv
import io
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_safe

from oversight.access import policy
from oversight.access.reach import Viewer
from oversight.audit.services import audit_event
from oversight.dashboards.scope import AUTHORITY_LEVEL, Scope, available_to, scope_for
from oversight.dashboards.tables import RuleRef, refs_by_id
from oversight.policy.capacity import (
    KIND_LABELS,
    Line,
    Load,
    Plan,
    next_quarter,
    outside_view,
    parse_quarter,
    plan_quarter,
)
from oversight.policy.pack import PolicyPack

from .forms import CapacityForm
from .selectors import Planning, default_assumptions, planning_for

NAV_SECTION = "dashboards"
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _scope(viewer: Viewer, key: str) -> Scope:
    scope = scope_for(viewer, key)  # 404 for anyone the dashboards' policy does not give it
    if scope.level not in ("team", "service", AUTHORITY_LEVEL):
        raise Http404("No such plan")
    return scope


def _audit(viewer: Viewer, scope: Scope, action: str, query: str) -> None:
    audit_event(
        actor=viewer.person,
        action=action,
        obj=scope.unit,
        organisation_id=scope.organisation.pk,
        acting_as=f"{scope.level} capacity",
        detail={"user": viewer.user.pk, "plan": scope.key, "query": query[:500]},
    )


@login_required
@require_safe
def index(request: HttpRequest) -> HttpResponse:
    """The teams, services and authority whose capacity this viewer may plan."""
    viewer = policy.current_viewer(request)
    available = available_to(viewer)
    if not (available.teams or available.services or available.authority):
        raise Http404("No capacity plans")
    plans = [(team.name, "team", reverse("capacity:plan", args=[f"team-{team.pk}"])) for team in available.teams]
    plans += [(s.name, "service", reverse("capacity:plan", args=[f"service-{s.pk}"])) for s in available.services]
    if available.authority and viewer.person is not None:
        plans.append((viewer.person.organisation.name, "authority", reverse("capacity:plan", args=["authority"])))
    return render(request, "capacity/index.html", {"plans": plans, "nav_section": NAV_SECTION})


def _compute(request: HttpRequest, key: str) -> dict[str, Any]:
    """The form and, when it is valid, the plan (and the what-if plan beside it)."""
    viewer = policy.current_viewer(request)
    scope = _scope(viewer, key)
    pack = scope.organisation.pack
    today = viewer.on
    # The quarter typed (if it reads) decides who is still here when it starts.
    try:
        start, _ = parse_quarter(request.GET.get("quarter", "")) if request.GET.get("quarter") else next_quarter(today)
    except ValueError:
        start, _ = next_quarter(today)
    planning = planning_for(scope, today, start)
    form = CapacityForm(request.GET or None, pack=pack, planning=planning, today=today, defaults=default_assumptions())
    context: dict[str, Any] = {
        "viewer": viewer,
        "scope": scope,
        "pack": pack,
        "form": form,
        "planning": planning,
        "nav_section": NAV_SECTION,
        "kind_labels": KIND_LABELS,
    }
    if form.is_bound and not form.is_valid():
        return context
    if form.is_bound:
        (start, end), assumptions, what_if = form.cleaned_data["quarter"], form.assumptions(), form.what_if()
    else:
        (start, end), assumptions, what_if = next_quarter(today), default_assumptions(), None
    before = outside_view(plan_quarter(planning.inputs, pack, start, end, assumptions), planning.visible)
    after = None
    if what_if:
        after = outside_view(plan_quarter(planning.inputs, pack, start, end, assumptions, what_if), planning.visible)
    shown = after or before
    refs = _citations(pack, before, after)
    context.update(
        before=before,
        after=after,
        rows=_rows(before, after),
        what_if=what_if,
        shown=shown,
        details=_details(shown, planning, refs),
        moved=_moved(what_if, planning),
        citations=refs,
        rules_used=[refs[rule_id] for rule_id in shown.rules],
        ratio_ref=refs.get(pack.ratio.id) if pack.ratio is not None else None,
    )
    return context


def _citations(pack: PolicyPack, *plans: Plan | None) -> dict[str, RuleRef]:
    """Each rule the plans used, cited as the dashboards cite it (oversight.dashboards.tables):
    the council and section (``PolicyPack.council_cite``: "Leeds City Council 4.4"), the seed
    file beside it."""
    ids = sorted({rule_id for plan in plans if plan is not None for rule_id in plan.rules})
    return {ref.id: ref for ref in refs_by_id(pack, ids)}


def _details(
    shown: Plan, planning: Planning, refs: dict[str, RuleRef]
) -> list[tuple[Load, list[tuple[Line, str, RuleRef]]]]:
    """Each supervisor's lines with the supervisee's name (or how many others it merges) and
    the rule's citation."""
    people = planning.inputs.people
    out = []
    for load in shown.loads:
        lines = []
        for line in load.lines:
            if line.supervisee is None:
                name = f"{line.people} other supervisee{'s' if line.people != 1 else ''} outside this view"
            else:
                name = people[line.supervisee].name
            lines.append((line, name, refs[line.rule]))
        out.append((load, lines))
    return out


def _moved(what_if: Any, planning: Planning) -> list[tuple[str, str]]:
    people = planning.inputs.people
    return [(people[m.supervisee].name, people[m.to].name) for m in (what_if.moves if what_if else ())]


def _rows(before: Plan, after: Plan | None) -> list[tuple[Load | None, Load | None]]:
    """Each supervisor's load before and after the what-if, side by side, by name."""
    ids = [load.supervisor.id for load in before.loads]
    if after is not None:
        ids += [load.supervisor.id for load in after.loads if load.supervisor.id not in ids]
    rows = [(before.load_of(i), after.load_of(i) if after is not None else None) for i in ids]
    return sorted(rows, key=lambda pair: next(p.supervisor.name for p in pair if p is not None))


@login_required
@require_safe
def plan(request: HttpRequest, key: str) -> HttpResponse:
    """The plan for a team, a service or the authority; with a what-if, before and after."""
    context = _compute(request, key)
    _audit(context["viewer"], context["scope"], "capacity.view", request.GET.urlencode())
    context["export_url"] = reverse("capacity:export", args=[key]) + (
        f"?{request.GET.urlencode()}" if request.GET else ""
    )
    status = 400 if context["form"].errors else 200
    return render(request, "capacity/plan.html", context, status=status)


def _safe(value: object) -> object:
    """Text a spreadsheet would run as a formula is written with a leading quote."""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


@login_required
@require_safe
def export(request: HttpRequest, key: str) -> HttpResponse:
    """The plan's lines as CSV (the what-if's, when one is asked): one row per supervisor,
    supervisee, kind and rule, with the supervisor's available hours and ratio."""
    context = _compute(request, key)
    form, scope = context["form"], context["scope"]
    if form.errors:
        return render(request, "capacity/plan.html", context, status=400)
    _audit(context["viewer"], scope, "capacity.export", request.GET.urlencode())
    chosen: Plan = context["after"] or context["before"]
    planning: Planning = context["planning"]
    refs: dict[str, RuleRef] = context["citations"]
    people = planning.inputs.people
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(
        [
            "quarter",
            "supervisor",
            "team",
            "supervisee",
            "kind",
            "rule",
            "source",
            "seed file",
            "frequency",
            "sessions",
            "minutes each",
            "duration assumed",
            "shared by",
            "demanded hours",
            "minimum hours",
            "supervisor available hours",
            "supervisees",
            "ratio limit",
            "ratio status",
        ]
    )
    for load in chosen.loads:
        ratio = load.ratio
        for line in load.lines:
            supervisee = people[line.supervisee].name if line.supervisee else f"{line.people} outside this view"
            writer.writerow(
                [
                    _safe(value)
                    for value in (
                        chosen.label,
                        load.supervisor.name,
                        load.supervisor.team,
                        supervisee,
                        line.kind,
                        line.rule,
                        refs[line.rule].section,
                        refs[line.rule].seed,
                        line.interval,
                        line.sessions,
                        line.minutes_each,
                        "yes" if line.assumed_duration else "no",
                        line.shared_by,
                        f"{line.minutes / 60:.2f}",
                        f"{line.minimum_minutes / 60:.2f}",
                        "" if load.available_hours is None else f"{load.available_hours:.2f}",
                        len(load.supervisees),
                        "" if ratio is None else ratio.limit,
                        "" if ratio is None else ratio.status,
                    )
                ]
            )
    response = HttpResponse(out.getvalue().encode("utf-8"), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="capacity-{scope.key}-{chosen.label}.csv"'
    return response
