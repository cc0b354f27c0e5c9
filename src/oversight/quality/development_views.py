"""The pages for observations of supervision (Leeds 4.19) and supervision training with the
workforce development view (Leeds 4.18), with its CSV export. Who may read and record what is
in oversight.quality.access; outsiders get a 404."""

from __future__ import annotations

from datetime import timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from oversight.access import policy
from oversight.audit.services import audit_event
from oversight.errors import ServiceError
from oversight.forms import apply_service_error, posted
from oversight.sessions.models import Session

from .access import (
    auditable_supervisors,
    get_observation_for,
    get_supervisor_for,
    may,
    training_scope,
    visible_observations,
)
from .development import observation_record, observation_respond, training_record
from .forms import ObservationForm, ResponseForm, TrainingForm
from .models import TrainingRecord
from .tools import tool_for
from .views import _me, staff_viewer
from .workforce import rows_as_csv, training_rule, workforce_rows


@login_required
@require_GET
def observations(request: HttpRequest) -> HttpResponse:
    """Observations of supervision the viewer may read, and the supervisors they may observe."""
    viewer = staff_viewer(request)
    me = _me(viewer)
    seen = visible_observations(viewer).select_related("supervisor", "observer").order_by("-observed_on", "-pk")
    return render(
        request,
        "quality/observations.html",
        {
            "observations": list(seen[:200]),
            "supervisors": auditable_supervisors(viewer).order_by("name"),
            "tool": tool_for(me.organisation.policy_pack),
            "council": me.organisation.pack.council,
            "me": me,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def observation_new(request: HttpRequest) -> HttpResponse:
    """Record an observation of one supervisor's supervision."""
    viewer = staff_viewer(request)
    me = _me(viewer)
    supervisor = get_supervisor_for(viewer, request.GET.get("supervisor"), "observe")
    guide = tool_for(supervisor.organisation.policy_pack).observation
    sessions = (
        Session.objects.filter(
            supervisor=supervisor,
            status=Session.Status.HELD,
            date__gte=viewer.on - timedelta(days=366),
            date__lte=viewer.on,
        )
        .exclude(kind=Session.Kind.OBSERVATION)
        .select_related("supervisee")
        .order_by("-date", "-pk")[:60]
    )
    form = ObservationForm(posted(request), sessions=sessions, guide=guide, today=viewer.on)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            observation = observation_record(
                supervisor=supervisor,
                observer=me,
                observed_on=data["observed_on"],
                strengths=data["strengths"],
                areas_to_develop=data["areas_to_develop"],
                elements=data.get("elements") or [],
                session=data["session"],
                on=viewer.on,
            )
        except ServiceError as exc:
            apply_service_error(form, exc.field, exc.message)
        else:
            messages.success(request, f"Observation of {supervisor.name}'s supervision recorded.")
            return redirect("quality:observation", pk=observation.pk)
    return render(
        request,
        "quality/observation_new.html",
        {"supervisor": supervisor, "form": form, "guide": guide, "council": supervisor.organisation.pack.council},
    )


@login_required
@require_http_methods(["GET", "POST"])
def observation_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """One observation; the supervisor observed records their response."""
    viewer = staff_viewer(request)
    me = _me(viewer)
    observation, standing = get_observation_for(viewer, pk)
    can_respond = may(viewer, "respond", observation)
    form = ResponseForm(posted(request))
    if request.method == "POST":
        if not can_respond:
            if observation.supervisor_id != me.pk:
                raise Http404("Not something you can do to this observation")
            messages.error(request, "Nothing was changed: you have already responded.")
            return redirect("quality:observation", pk=observation.pk)
        if request.POST.get("step") != "respond":
            messages.error(request, "Nothing was changed: use the button under your response.")
            return redirect("quality:observation", pk=observation.pk)
        if form.is_valid():
            try:
                observation_respond(
                    observation=observation, by=me, response=form.cleaned_data["response"], on=viewer.on
                )
            except ServiceError as exc:
                apply_service_error(form, exc.field, exc.message)
            else:
                messages.success(request, "Your response is recorded.")
                return redirect("quality:observation", pk=observation.pk)
    guide = tool_for(observation.organisation.policy_pack).observation
    labels = {e.id: e.label for e in guide.elements} if guide is not None else {}
    session_link = observation.session is not None and policy.may(viewer, "view", observation.session)
    return render(
        request,
        "quality/observation_detail.html",
        {
            "observation": observation,
            "standing": standing,
            "elements": [labels.get(e, e) for e in observation.elements],
            "guide": guide,
            "council": observation.organisation.pack.council,
            "can_respond": can_respond,
            "form": form,
            "session_link": session_link,
        },
    )


@login_required
@require_GET
def training(request: HttpRequest) -> HttpResponse:
    """The workforce development view: supervisors, their last training, the refresher's due date."""
    viewer = staff_viewer(request)
    me = _me(viewer)
    people = training_scope(viewer)
    pack = me.organisation.pack
    rows = workforce_rows(people, pack, viewer.on)
    return render(
        request,
        "quality/training.html",
        {
            "rows": rows,
            "rule": training_rule(pack),
            "council": pack.council,
            "recordable": {r.person.pk for r in rows if may(viewer, "record_training", r.person)},
            "today": viewer.on,
        },
    )


@login_required
@require_GET
def training_csv(request: HttpRequest) -> HttpResponse:
    """The workforce development view as CSV; the export is logged."""
    viewer = staff_viewer(request)
    me = _me(viewer)
    pack = me.organisation.pack
    rows = workforce_rows(training_scope(viewer), pack, viewer.on)
    if not rows:
        raise Http404("There is no one's training for you to export")
    body = rows_as_csv(rows, training_rule(pack), pack.council)
    audit_event(
        actor=viewer,
        action="quality_training.export",
        obj=me,
        organisation_id=me.organisation_id,
        detail={"rows": len(rows)},
    )
    response = HttpResponse(body, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="supervision-training-{viewer.on:%Y-%m-%d}.csv"'
    return response


@login_required
@require_http_methods(["GET", "POST"])
def training_new(request: HttpRequest) -> HttpResponse:
    """Record supervision training one supervisor completed."""
    viewer = staff_viewer(request)
    me = _me(viewer)
    person = get_supervisor_for(viewer, request.GET.get("person"), "record_training")
    form = TrainingForm(posted(request), today=viewer.on)
    if request.method == "POST" and form.is_valid():
        try:
            training_record(person=person, by=me, on=viewer.on, **form.cleaned_data)
        except ServiceError as exc:
            apply_service_error(form, exc.field, exc.message)
        else:
            messages.success(request, f"Supervision training recorded for {person.name}.")
            return redirect("quality:training")
    history = TrainingRecord.objects.filter(person=person).select_related("recorded_by")
    return render(
        request,
        "quality/training_new.html",
        {"person": person, "form": form, "history": history, "rule": training_rule(person.organisation.pack)},
    )
