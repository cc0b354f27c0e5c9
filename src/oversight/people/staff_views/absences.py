"""Absences: a person's absences, recording one, and recording the last day of one still open."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from oversight.errors import ServiceError
from oversight.forms import apply_service_error, govukify, posted

from .. import services
from ..models import Absence
from ..views import current_person
from .common import NamedDateField, get_staff_for, long_date, page_context


class AbsenceForm(forms.Form):
    start = NamedDateField(
        label="Date the absence started",
        noun="the date the absence started",
        help_text="For example, 2 3 2026",
    )
    end = NamedDateField(
        label="Date the absence ended (optional)",
        noun="the date the absence ended",
        required=False,
        help_text="The last day of the absence. Leave it empty while the absence lasts",
    )
    planned = forms.ChoiceField(
        label="Was the absence planned?",
        choices=[
            ("", "Choose"),
            ("yes", "Yes, planned (for example annual leave or training)"),
            ("no", "No, unplanned (for example sickness)"),
        ],
        error_messages={
            "required": "Choose whether the absence was planned",
            "invalid_choice": "Choose whether the absence was planned",
        },
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        govukify(self)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("start"), data.get("end")
        if start and end and end < start:
            self.add_error("end", "The date the absence ended cannot be before the date it started")
        return data


class AbsenceEndForm(forms.Form):
    end = NamedDateField(
        label="Date the absence ended",
        noun="the date the absence ended",
        help_text="The last day of the absence. For example, 20 3 2026",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        govukify(self)


@login_required
def staff_absences(request: HttpRequest, pk: int) -> HttpResponse:
    """A person's absences, and a form to record one."""
    me = current_person(request)
    today = timezone.localdate()
    subject = get_staff_for(me, pk, today, supervisor_may=True)
    form = AbsenceForm(posted(request))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            absence = services.absence_record(
                person=subject, by=me, start=data["start"], end=data["end"], planned=data["planned"] == "yes"
            )
        except ServiceError as exc:
            apply_service_error(form, exc.field, exc.message)
        else:
            messages.success(request, f"Absence from {long_date(absence.start)} recorded.")
            return redirect("staff:absences", pk=subject.pk)
    rows = [
        {"absence": absence, "days": ((absence.end or today) - absence.start).days + 1}
        for absence in subject.absences.order_by("-start")
    ]
    rule = subject.organisation.pack.absence_cover
    return render(
        request, "people/staff_absences.html", page_context(me, subject, today, form=form, rows=rows, rule=rule)
    )


@login_required
def staff_absence_end(request: HttpRequest, pk: int, absence_pk: int) -> HttpResponse:
    """Record the last day of an absence that is still open."""
    me = current_person(request)
    today = timezone.localdate()
    subject = get_staff_for(me, pk, today, supervisor_may=True)
    absence = Absence.objects.filter(pk=absence_pk, person=subject, end__isnull=True).first()
    if absence is None:
        raise Http404("No such absence")
    form = AbsenceEndForm(posted(request), initial={"end": today})
    if request.method == "POST" and form.is_valid():
        try:
            services.absence_end(absence=absence, by=me, end=form.cleaned_data["end"])
        except ServiceError as exc:
            apply_service_error(form, exc.field, exc.message)
        else:
            messages.success(request, f"Absence ended on {long_date(form.cleaned_data['end'])}.")
            return redirect("staff:absences", pk=subject.pk)
    return render(
        request, "people/staff_absence_end.html", page_context(me, subject, today, form=form, absence=absence)
    )
