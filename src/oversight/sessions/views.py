"""Booking, moving, cancelling and holding sessions."""

from __future__ import annotations

from datetime import date
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from oversight.access import policy
from oversight.access.reach import Viewer
from oversight.errors import ServiceError
from oversight.forms import GovukDateField, apply_service_error, govukify, posted
from oversight.people.access import visible_people
from oversight.people.models import Person
from oversight.people.views import current_person

from .models import Session
from .services import rearrange_deadline, session_cancel, session_hold, session_move, session_schedule


def get_session_for(viewer: Person | Viewer, pk: int) -> tuple[Session, str]:
    """The session and the viewer's standing ('supervisor' who leads it, 'supervisee', or a
    read-only standing), or 404 for anyone without one (oversight.access.policy)."""
    return policy.get_session_for(viewer, pk)


class ScheduleForm(forms.Form):
    kind = forms.ChoiceField(label="Kind of session", choices=Session.Kind.choices)
    supervisee = forms.ModelChoiceField(
        label="Supervisee",
        queryset=Person.objects.none(),
        required=False,
        help_text="For a group session, choose the attendees instead",
    )
    attendees = forms.ModelMultipleChoiceField(
        label="Attendees (group sessions)", queryset=Person.objects.none(), required=False
    )
    observer = forms.ModelChoiceField(label="Observer (observations)", queryset=Person.objects.none(), required=False)
    date = GovukDateField(label="Date", help_text="For example, 27 3 2026")
    start_time = forms.TimeField(label="Start time", required=False, help_text="For example, 14:30")
    place = forms.CharField(label="Place", required=False, max_length=200)
    video = forms.ChoiceField(label="On video?", choices=[("no", "No"), ("yes", "Yes")], initial="no")
    group_model = forms.CharField(
        label="Group model (group sessions)",
        required=False,
        max_length=100,
        help_text="For example restorative circle, Bells that Ring, intervision, Signs of Safety",
    )

    def __init__(self, *args: Any, people: QuerySet[Person], colleagues: QuerySet[Person], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # self.fields is typed as plain Fields: these are ModelChoiceFields (declared above).
        self.fields["supervisee"].queryset = people  # type: ignore[attr-defined]
        self.fields["attendees"].queryset = people  # type: ignore[attr-defined]
        self.fields["observer"].queryset = colleagues  # type: ignore[attr-defined]
        govukify(self)


@login_required
def schedule(request: HttpRequest) -> HttpResponse:
    me = current_person(request)
    today = timezone.localdate()
    people = visible_people(me, today).exclude(pk=me.pk)
    colleagues = Person.objects.filter(organisation=me.organisation, left__isnull=True)
    initial: dict[str, object] = {}
    if request.GET.get("supervisee", "").isdigit():
        initial["supervisee"] = people.filter(pk=int(request.GET["supervisee"])).first()
    if request.GET.get("kind") in Session.Kind.values:
        initial["kind"] = request.GET["kind"]
    try:
        initial["date"] = date.fromisoformat(request.GET.get("date", ""))
    except ValueError:
        pass
    form = ScheduleForm(posted(request), initial=initial, people=people, colleagues=colleagues)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            session = session_schedule(
                organisation=me.organisation,
                by=me,
                kind=data["kind"],
                supervisor=me,
                date=data["date"],
                supervisee=data["supervisee"],
                attendees=data["attendees"],
                observer=data["observer"],
                start_time=data["start_time"],
                place=data["place"],
                video=data["video"] == "yes",
                group_model=data["group_model"],
            )
        except ServiceError as exc:
            apply_service_error(form, exc.field, exc.message)
        else:
            messages.success(request, f"Session booked for {session.date:%A %d %B %Y}.")
            return redirect("sessions:detail", pk=session.pk)
    return render(request, "sessions/schedule.html", {"form": form})


class CancelForm(forms.Form):
    reason = forms.ChoiceField(label="Why is it cancelled?", choices=[("", "Choose a reason"), *Session.Reason.choices])
    detail = forms.CharField(label="More detail (optional)", required=False, widget=forms.Textarea(attrs={"rows": 3}))
    return_to_work = GovukDateField(label="Date of return to work (after sickness or leave)", required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        govukify(self)


class MoveForm(forms.Form):
    date = GovukDateField(label="New date")
    start_time = forms.TimeField(label="Start time", required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        govukify(self)


@login_required
@policy.asks_purpose
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    session, standing = get_session_for(policy.current_viewer(request), pk)
    return render(
        request,
        "sessions/detail.html",
        {
            "session": session,
            "standing": standing,
            "attendees": session.attendees.all(),
            "record": getattr(session, "record", None),
            "deadline": rearrange_deadline(session),
            "cancel_form": CancelForm(),
            "move_form": MoveForm(initial={"date": session.date, "start_time": session.start_time}),
            "can_change": standing == "supervisor" and session.status == Session.Status.PLANNED,
            "can_cancel": standing in ("supervisor", "supervisee") and session.status == Session.Status.PLANNED,
            "today": timezone.localdate(),
        },
    )


@login_required
@require_POST
def hold(request: HttpRequest, pk: int) -> HttpResponse:
    me = current_person(request)
    session, standing = get_session_for(me, pk)
    if standing != "supervisor":
        raise Http404("No such session")
    try:
        session = session_hold(
            session=session, by=me, today=timezone.localdate(), late_reason=request.POST.get("late_reason", "")
        )
    except ServiceError as exc:
        messages.error(request, exc.message)
        return redirect("sessions:detail", pk=pk)
    record = getattr(session, "record", None)
    return redirect("records:detail", pk=record.pk) if record else redirect("sessions:detail", pk=pk)


@login_required
def cancel(request: HttpRequest, pk: int) -> HttpResponse:
    me = current_person(request)
    session, standing = get_session_for(me, pk)
    if standing not in ("supervisor", "supervisee"):
        raise Http404("No such session")
    form = CancelForm(posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            session = session_cancel(
                session=session,
                by=me,
                cancelled_on=timezone.localdate(),
                reason=form.cleaned_data["reason"],
                detail=form.cleaned_data["detail"],
                return_to_work=form.cleaned_data["return_to_work"],
            )
        except ServiceError as exc:
            apply_service_error(form, exc.field, exc.message)
        else:
            deadline = rearrange_deadline(session)
            note = (
                f" Rearrange it by {deadline:%A %d %B %Y}."
                if deadline
                else " Rearrange it at the earliest opportunity."
            )
            messages.success(request, "Session cancelled." + note)
            return redirect("sessions:detail", pk=pk)
    return render(request, "sessions/cancel.html", {"session": session, "form": form})


@login_required
def move(request: HttpRequest, pk: int) -> HttpResponse:
    me = current_person(request)
    session, standing = get_session_for(me, pk)
    if standing != "supervisor":
        raise Http404("No such session")
    form = MoveForm(posted(request), initial={"date": session.date, "start_time": session.start_time})
    if request.method == "POST" and form.is_valid():
        try:
            session_move(
                session=session, by=me, date=form.cleaned_data["date"], start_time=form.cleaned_data["start_time"]
            )
        except ServiceError as exc:
            apply_service_error(form, exc.field, exc.message)
        else:
            messages.success(request, "Session moved.")
            return redirect("sessions:detail", pk=pk)
    return render(request, "sessions/move.html", {"session": session, "form": form})
