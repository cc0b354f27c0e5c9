"""The staff record: adding a member of staff, changing their role, employment, team, line
manager or ASYE start, and recording the day they leave. Line management only."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Q, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from oversight.errors import ServiceError
from oversight.forms import apply_service_error, govukify, posted
from oversight.supervision.models import Relationship

from .. import services
from ..models import Person, Team
from ..views import current_person
from .common import NamedDateField, assignable_managers, get_staff_for, long_date, page_context, role_choices


class StaffDetailsForm(forms.Form):
    """What a line manager changes on a staff record."""

    role = forms.ChoiceField(
        label="Role",
        error_messages={"required": "Choose a role", "invalid_choice": "Choose a role from the list"},
    )
    employment = forms.ChoiceField(
        label="Type of employment",
        choices=[("", "Choose the type of employment"), *Person.Employment.choices],
        help_text="Casual staff have their hours worked recorded",
        error_messages={
            "required": "Choose the type of employment",
            "invalid_choice": "Choose permanent, temporary, casual or student employment",
        },
    )
    team = forms.ModelChoiceField(
        label="Team",
        queryset=Team.objects.none(),
        required=False,
        empty_label="No team",
        error_messages={"invalid_choice": "Choose a team from the list"},
    )
    line_manager = forms.ModelChoiceField(
        label="Line manager",
        queryset=Person.objects.none(),
        required=False,
        empty_label="No line manager",
        error_messages={"invalid_choice": "Choose a line manager from the list"},
    )
    asye_start = NamedDateField(
        label="ASYE start date (optional)",
        noun="the ASYE start date",
        required=False,
        help_text="For a newly qualified social worker: the first day of their Assessed and Supported Year "
        "in Employment. For example, 5 1 2026",
    )

    def __init__(
        self,
        *args: Any,
        organisation: Any,
        managers: QuerySet[Person],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["role"].choices = [("", "Choose a role"), *role_choices(organisation.pack)]  # type: ignore[attr-defined]
        self.fields["team"].queryset = Team.objects.filter(organisation=organisation)  # type: ignore[attr-defined]
        self.fields["line_manager"].queryset = managers  # type: ignore[attr-defined]
        govukify(self)


class NewStaffForm(StaffDetailsForm):
    field_order = ["name", "staff_id", "role", "employment", "team", "line_manager", "started", "asye_start"]

    name = forms.CharField(label="Full name", max_length=200, error_messages={"required": "Enter the full name"})
    staff_id = forms.CharField(
        label="Staff ID",
        max_length=64,
        help_text="The ID on the council's HR system, unique in your organisation",
        error_messages={"required": "Enter the staff ID", "max_length": "The staff ID must be 64 characters or fewer"},
    )
    started = NamedDateField(label="Date they started", noun="the date they started", help_text="For example, 5 1 2026")

    line_manager = forms.ModelChoiceField(
        label="Line manager",
        queryset=Person.objects.none(),
        empty_label="Choose their line manager",
        help_text="You, or someone you line-manage",
        error_messages={
            "required": "Choose their line manager",
            "invalid_choice": "Choose a line manager from the list: you, or someone you line-manage",
        },
    )


class LeavingForm(forms.Form):
    left = NamedDateField(
        label="Leaving date",
        noun="the leaving date",
        help_text="Their last day. Their supervision, and any supervision they give, ends on this day. "
        "For example, 31 3 2026",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        govukify(self)


@login_required
def staff_new(request: HttpRequest) -> HttpResponse:
    """A line manager adds a member of staff to their organisation, below themselves."""
    me = current_person(request)
    if not me.direct_reports.filter(left__isnull=True).exists():
        raise Http404("Only line managers add staff")
    organisation = me.organisation
    form = NewStaffForm(
        posted(request),
        initial={"line_manager": me, "employment": Person.Employment.PERMANENT},
        organisation=organisation,
        managers=assignable_managers(me),
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            person = services.person_create(
                organisation=organisation,
                by=me,
                staff_id=data["staff_id"],
                name=data["name"],
                role=data["role"],
                employment=data["employment"],
                team=data["team"],
                line_manager=data["line_manager"],
                started=data["started"],
                asye_start=data["asye_start"],
            )
        except ServiceError as exc:
            apply_service_error(form, exc.field, exc.message)
        else:
            messages.success(request, f"{person.name} added, starting on {long_date(person.started)}.")
            return redirect("staff:edit", pk=person.pk)
    return render(request, "people/staff_new.html", {"me": me, "form": form})


@login_required
def staff_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """The staff record, and a change of role, employment, team, line manager or ASYE start."""
    me = current_person(request)
    today = timezone.localdate()
    subject = get_staff_for(me, pk, today, supervisor_may=False)
    managers = Person.objects.filter(organisation_id=subject.organisation_id).exclude(pk=subject.pk)
    managers = managers.filter(Q(left__isnull=True) | Q(pk=subject.line_manager_id))
    current = {name: getattr(subject, name) for name in ("role", "employment", "team", "line_manager", "asye_start")}
    form = StaffDetailsForm(posted(request), initial=current, organisation=subject.organisation, managers=managers)
    if request.method == "POST" and form.is_valid():
        changes = {name: value for name, value in form.cleaned_data.items() if value != current[name]}
        try:
            services.person_update(person=subject, by=me, **changes)
        except ServiceError as exc:
            apply_service_error(form, exc.field, exc.message)
        else:
            messages.success(request, "Staff record updated." if changes else "Nothing was changed.")
            return redirect("staff:edit", pk=subject.pk)
    return render(request, "people/staff_edit.html", page_context(me, subject, today, form=form))


@login_required
def staff_leaving(request: HttpRequest, pk: int) -> HttpResponse:
    """Record the day a member of staff leaves; their supervision ends that day."""
    me = current_person(request)
    today = timezone.localdate()
    subject = get_staff_for(me, pk, today, supervisor_may=False)
    form = LeavingForm(posted(request), initial={"left": subject.left})
    if request.method == "POST" and form.is_valid():
        try:
            services.person_record_leaving(person=subject, by=me, left=form.cleaned_data["left"])
        except ServiceError as exc:
            apply_service_error(form, exc.field, exc.message)
        else:
            messages.success(
                request,
                f"{subject.name} leaves on {long_date(form.cleaned_data['left'])}. Their supervision ends that day.",
            )
            return redirect("staff:leaving", pk=subject.pk)
    ending = (
        Relationship.objects.filter(Q(supervisee=subject) | Q(supervisor=subject), end__isnull=True)
        .select_related("supervisor", "supervisee")
        .order_by("start")
    )
    return render(
        request,
        "people/staff_leaving.html",
        page_context(
            me,
            subject,
            today,
            form=form,
            show_form=subject.left is None or form.is_bound,
            ending=ending,
            reports=subject.direct_reports.filter(left__isnull=True),
        ),
    )
