"""ASYE reviews: the pack's schedule for a newly qualified social worker, the reviews held,
and recording one."""

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
from oversight.policy import clocks

from .. import services
from ..views import current_person
from .common import NamedDateField, get_staff_for, long_date, not_in_future, page_context


class AsyeReviewForm(forms.Form):
    date = NamedDateField(label="Date of the review", noun="the date of the review", help_text="For example, 6 4 2026")

    def __init__(self, *args: Any, today: datetime.date, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.today = today
        govukify(self)

    def clean_date(self) -> datetime.date:
        day: datetime.date = self.cleaned_data["date"]
        not_in_future(day, self.today, "the date of the review")
        return day


@login_required
def staff_asye_reviews(request: HttpRequest, pk: int) -> HttpResponse:
    """ASYE reviews: the pack's schedule, the reviews held, and a form to record one."""
    me = current_person(request)
    today = timezone.localdate()
    subject = get_staff_for(me, pk, today, supervisor_may=True)
    form = AsyeReviewForm(posted(request), today=today)
    if request.method == "POST" and form.is_valid():
        try:
            review = services.asye_review_record(person=subject, by=me, date=form.cleaned_data["date"])
        except ServiceError as exc:
            apply_service_error(form, exc.field, exc.message)
        else:
            messages.success(request, f"ASYE review on {long_date(review.date)} recorded.")
            return redirect("staff:asye_reviews", pk=subject.pk)
    reviews = list(subject.asye_reviews.order_by("date"))
    rule = subject.organisation.pack.asye_reviews
    anchor = subject.asye_start or subject.started
    # As the engine counts them: the first review held meets the first review due, and so on.
    schedule = [
        {
            "months": months,
            "due": clocks.add_months(anchor, months),
            "held": reviews[i].date if i < len(reviews) else None,
        }
        for i, months in enumerate(rule.months if rule else [])
    ]
    return render(
        request,
        "people/staff_asye_reviews.html",
        page_context(
            me,
            subject,
            today,
            form=form,
            reviews=reviews,
            schedule=schedule,
            rule=rule,
            is_asye=subject.role == services.ASYE_ROLE,
        ),
    )
