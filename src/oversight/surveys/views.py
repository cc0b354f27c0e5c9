"""Pages: the surveys list, opening a survey, answering one, its results (aggregates only),
closing it; and the supervisee's feedback on a record. Who may do what: access.py."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from oversight.access import policy
from oversight.access.reach import Viewer
from oversight.audit.services import audit_event
from oversight.errors import ServiceError
from oversight.forms import apply_service_error, posted

from . import access, charts
from .forms import SurveyOpenForm, question_rows, read_answers
from .models import RecordFeedback
from .questions import questions_for
from .selectors import (
    DIMENSIONS,
    OVERALL,
    feedback_answers,
    has_responded,
    managed_surveys,
    results_for,
    survey_questions,
    surveys_to_answer,
)
from .services import LOCKED_STATUSES, record_feedback_give, survey_close, survey_open, survey_respond, survey_seal


def _member(request: HttpRequest) -> Viewer:
    viewer = policy.current_viewer(request)
    if viewer.person is None:
        raise Http404("Surveys are for members of staff")
    return viewer


@login_required
def survey_list(request: HttpRequest) -> HttpResponse:
    """Open surveys I may answer; and, for a senior manager or QA, the council's surveys."""
    viewer = _member(request)
    organisation_id = viewer.person.organisation_id  # type: ignore[union-attr]
    manages = access.manages_surveys(viewer, organisation_id)
    return render(
        request,
        "surveys/list.html",
        {
            "to_answer": surveys_to_answer(viewer),
            "manages": manages,
            "managed": managed_surveys(organisation_id, viewer.on) if manages else [],
            "today": viewer.on,
        },
    )


@login_required
def survey_new(request: HttpRequest) -> HttpResponse:
    viewer = _member(request)
    person = viewer.person
    assert person is not None
    if not access.manages_surveys(viewer, person.organisation_id):
        raise Http404("No such page")
    organisation = person.organisation
    spec = questions_for(organisation.policy_pack).survey
    form = SurveyOpenForm(posted(request), initial={"opens_on": viewer.on})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            survey = survey_open(
                organisation=organisation,
                by=person,
                title=data["title"],
                opens_on=data["opens_on"],
                closes_on=data["closes_on"],
                today=viewer.on,
            )
        except ServiceError as exc:
            apply_service_error(form, exc.field, exc.message)
        else:
            messages.success(
                request, f"{survey.title} is open to staff in supervision from {survey.opens_on:%-d %B %Y}."
            )
            return redirect("surveys:results", pk=survey.pk)
    status = 400 if request.method == "POST" else 200
    return render(request, "surveys/new.html", {"form": form, "spec": spec, "council": organisation}, status=status)


@login_required
def survey_respond_page(request: HttpRequest, pk: int) -> HttpResponse:
    viewer = _member(request)
    survey = access.get_survey_to_answer(viewer, pk)
    person = viewer.person
    assert person is not None
    questions = survey_questions(survey)
    status = survey.status(viewer.on)
    answered = has_responded(survey, person)
    values: dict[str, str] = {}
    errors: dict[str, str] = {}
    if request.method == "POST" and status == "open" and not answered:
        values, errors = read_answers(questions, request.POST)
        if not errors:
            try:
                survey_respond(survey=survey, person=person, answers=values, today=viewer.on)
            except ServiceError as exc:
                errors[exc.field] = exc.message
            else:
                messages.success(request, "Thank you. Your answers are kept without your name.")
                return redirect("surveys:list")
    context = {
        "survey": survey,
        "status": status,
        "answered": answered,
        "rows": question_rows(questions, values, errors),
        "errors": errors,
        "intro": questions_for(survey.pack_id).survey.intro,
    }
    return render(request, "surveys/respond.html", context, status=400 if errors else 200)


@login_required
def survey_results(request: HttpRequest, pk: int) -> HttpResponse:
    viewer = _member(request)
    survey = access.get_survey_to_manage(viewer, pk)
    status = survey.status(viewer.on)
    context: dict[str, Any] = {"survey": survey, "status": status, "dimensions": DIMENSIONS}
    if status != "closed":
        context["responded"] = survey.participations.count()
        audit_event(
            actor=viewer.person,
            action="survey.view",
            obj=survey,
            organisation_id=survey.organisation_id,
            detail={"status": status},
        )
        return render(request, "surveys/results.html", context)
    survey = survey_seal(survey=survey, today=viewer.on)
    dimension = request.GET.get("by", OVERALL) or OVERALL
    question_id = request.GET.get("question", "")
    errors = []
    if dimension not in DIMENSIONS:
        errors.append(f"by: there is no breakdown ‘{dimension[:40]}’; choose one of {', '.join(DIMENSIONS.values())}")
        dimension = OVERALL
    questions = survey_questions(survey)
    if question_id and question_id not in {q.id for q in questions}:
        errors.append(f"question: this survey has no question ‘{question_id[:40]}’; all questions are shown")
        question_id = ""
    results = results_for(survey, dimension, question_id)
    audit_event(
        actor=viewer.person,
        action="survey.results",
        obj=survey,
        organisation_id=survey.organisation_id,
        detail={"by": dimension, "question": question_id},
    )
    context.update(
        results=results,
        errors=errors,
        tables=[
            (q, charts.answer_bars(f"chart-{q.id}", q, results.groups), results.rows_for(q)) for q in results.asked
        ],
        dimension=dimension,
        dimension_label=DIMENSIONS[dimension],
        question_id=question_id,
    )
    return render(request, "surveys/results.html", context, status=400 if errors else 200)


@login_required
@require_POST
def survey_close_page(request: HttpRequest, pk: int) -> HttpResponse:
    viewer = _member(request)
    survey = access.get_survey_to_manage(viewer, pk)
    try:
        survey_close(survey=survey, by=viewer.person, today=viewer.on)  # type: ignore[arg-type]
    except ServiceError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, "The survey is closed. Its results are below.")
    return redirect("surveys:results", pk=pk)


@login_required
def record_feedback(request: HttpRequest, pk: int) -> HttpResponse:
    """The supervisee's feedback on the supervision in one record, until it is agreed."""
    viewer = _member(request)
    record, spec = access.get_record_for_feedback(viewer, pk)
    feedback = RecordFeedback.objects.filter(record=record).first()
    editable = record.status not in LOCKED_STATUSES
    values = dict(feedback.answers) if feedback is not None else {}
    errors: dict[str, str] = {}
    if request.method == "POST":
        if not editable:
            errors["__all__"] = "The record has been agreed: the feedback in it can no longer change"
        else:
            values, errors = read_answers(spec.questions, request.POST)
            version_text = request.POST.get("version", "")
            expected = int(version_text) if version_text.isdigit() else None
            if not errors:
                try:
                    record_feedback_give(record=record, by=viewer.person, answers=values, expected_version=expected)  # type: ignore[arg-type]
                except ServiceError as exc:
                    errors[exc.field] = exc.message
                else:
                    messages.success(request, "Your feedback is kept with the record.")
                    return redirect("records:detail", pk=record.pk)
    context = {
        "record": record,
        "session": record.session,
        "spec": spec,
        "feedback": feedback,
        "editable": editable,
        "rows": question_rows(spec.questions, values, errors),
        "answers": feedback_answers(record, feedback),
        "errors": errors,
    }
    return render(request, "surveys/feedback.html", context, status=400 if errors else 200)
