"""Hours worked by casual staff: some supervision is due by hours worked."""

from __future__ import annotations

import datetime
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from oversight.errors import ServiceError
from oversight.forms import apply_service_error, govukify, posted

from .. import services
from ..models import Person
from ..views import current_person
from .common import NamedDateField, get_staff_for, long_date, not_in_future, page_context


class HoursForm(forms.Form):
    date = NamedDateField(label="Date worked", noun="the date worked", help_text="For example, 9 3 2026")
    hours = forms.DecimalField(
        label="Hours worked",
        max_digits=4,
        decimal_places=2,
        min_value=0,
        max_value=24,
        help_text="For example, 7.5",
        widget=forms.TextInput(attrs={"inputmode": "decimal", "spellcheck": "false"}),
        error_messages={
            "required": "Enter the hours worked",
            "invalid": "Enter the hours worked as a number, for example 7.5",
            "min_value": "The hours worked cannot be negative",
            "max_value": "The hours worked in a day cannot be more than 24",
            "max_digits": "The hours worked in a day cannot be more than 24",
            "max_whole_digits": "The hours worked in a day cannot be more than 24",
            "max_decimal_places": "Enter the hours worked to 2 decimal places at most, for example 7.25",
        },
    )

    def __init__(self, *args: Any, today: datetime.date, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.today = today
        govukify(self)
        self.fields["hours"].widget.attrs["class"] += " govuk-input--width-5"

    def clean_date(self) -> datetime.date:
        day: datetime.date = self.cleaned_data["date"]
        not_in_future(day, self.today, "the date worked")
        return day


@login_required
def staff_hours(request: HttpRequest, pk: int) -> HttpResponse:
    """Hours worked by a casual member of staff: some supervision is due by hours worked."""
    me = current_person(request)
    today = timezone.localdate()
    subject = get_staff_for(me, pk, today, supervisor_may=True)
    form = HoursForm(posted(request), today=today)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            entry = services.hours_record(person=subject, by=me, date=data["date"], hours=data["hours"])
        except ServiceError as exc:
            apply_service_error(form, exc.field, exc.message)
        else:
            messages.success(request, f"{entry.hours} hours on {long_date(entry.date)} recorded.")
            return redirect("staff:hours", pk=subject.pk)
    entries = list(subject.hours_worked.order_by("-date", "-pk")[:100])
    return render(
        request,
        "people/staff_hours.html",
        page_context(
            me,
            subject,
            today,
            form=form,
            entries=entries,
            total=sum(e.hours for e in entries),
            is_casual=subject.employment == Person.Employment.CASUAL,
        ),
    )
