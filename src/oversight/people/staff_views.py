"""Staff records: adding a member of staff, changing their role, team or line manager,
recording leaving, absences, hours worked by casual staff and ASYE reviews.

Who may: the line-management chain above the person (their line manager and up, or the
chain above their current supervisor) for everything; the person's current supervisor too
for absences, hours and ASYE reviews. Never the person themselves. Everyone else gets a 404.
"""

from __future__ import annotations

import datetime
from datetime import date
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Q, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone

from oversight.errors import ServiceError
from oversight.forms import GovukDateField, apply_service_error, govukify, posted
from oversight.policy import clocks
from oversight.supervision.models import Relationship

from . import services
from .access import _reports_below, acting_as
from .models import Absence, Person, Team
from .views import current_person

# Readable names for the roles every pack knows; a pack's extra roles carry their own label.
COMMON_ROLE_LABELS = {
    "student_social_worker": "Student social worker",
    "nqsw_asye": "Newly qualified social worker (ASYE)",
    "social_worker": "Social worker",
    "senior_social_worker": "Senior social worker",
    "advanced_practitioner": "Advanced practitioner",
    "family_support_worker": "Family support worker",
    "team_manager": "Team manager",
    "service_manager": "Service manager",
    "head_of_service": "Head of service",
    "business_support": "Business support",
}


def role_choices(pack: Any) -> list[tuple[str, str]]:
    """(role id, readable label) for every role the pack accepts, in the pack's order."""
    extra = {role.id: role.label for role in pack.extra_roles}
    return [
        (role, extra.get(role) or COMMON_ROLE_LABELS.get(role) or role.replace("_", " ").capitalize())
        for role in pack.roles
    ]


# --- who may ---------------------------------------------------------------------------------


def staff_standing(viewer: Person, subject: Person, on: date) -> str | None:
    """Why ``viewer`` may manage ``subject``'s staff record on ``on``: 'line management' (above
    them in line management, or above their current supervisor), 'supervisor' (their current
    supervisor: absences, hours and ASYE reviews only), or None (themselves and everyone else)."""
    if viewer.organisation_id != subject.organisation_id or viewer.pk == subject.pk:
        return None
    if any(manager.pk == viewer.pk for manager in subject.managers_above()):
        return "line management"
    standing = acting_as(viewer, subject, on)
    return standing if standing in ("line management", "supervisor") else None


def get_staff_for(viewer: Person, pk: int, on: date, *, supervisor_may: bool) -> Person:
    """Fetch-and-check in one call: the member of staff ``viewer`` may manage, or 404."""
    subject = (
        Person.objects.filter(pk=pk, organisation_id=viewer.organisation_id)
        .select_related("organisation", "team", "line_manager")
        .first()
    )
    standing = staff_standing(viewer, subject, on) if subject is not None else None
    if subject is None or standing is None or (standing == "supervisor" and not supervisor_may):
        raise Http404("No such person")
    return subject


def assignable_managers(viewer: Person) -> QuerySet[Person]:
    """Who ``viewer`` may make a new starter's line manager: themselves and anyone below them."""
    return Person.objects.filter(
        Q(pk=viewer.pk) | Q(pk__in=_reports_below(viewer)), organisation_id=viewer.organisation_id, left__isnull=True
    )


def back_link(viewer: Person, subject: Person, on: date) -> tuple[str, str]:
    """Where 'Back' goes: the supervision file where the viewer may open it, else their home page."""
    if acting_as(viewer, subject, on) is not None:
        return reverse("people:file", args=[subject.pk]), f"Back to {subject.name}'s supervision file"
    return reverse("home"), "Back to my supervision"


def long_date(day: date) -> str:
    return f"{day.day} {day:%B %Y}"


# --- forms -------------------------------------------------------------------------------------


class NamedDateField(GovukDateField):
    """A GOV.UK date input whose every error names the date it asks for."""

    def __init__(self, *, noun: str, **kwargs: Any) -> None:
        self.noun = noun  # "the date they started"
        named = noun[0].upper() + noun[1:]
        kwargs["error_messages"] = {
            "required": f"Enter {noun}",
            "incomplete": f"{named} must include a day, month and year",
            **kwargs.get("error_messages", {}),
        }
        super().__init__(**kwargs)

    def compress(self, data_list: list[Any]) -> date | None:
        try:
            return super().compress(data_list)
        except forms.ValidationError as exc:
            named = self.noun[0].upper() + self.noun[1:]
            raise forms.ValidationError([m.replace("The date", named, 1) for m in exc.messages]) from None


def _not_in_future(value: date | None, today: date, noun: str) -> None:
    if value is not None and value > today:
        raise forms.ValidationError(f"{noun[0].upper() + noun[1:]} must be today or in the past")


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
        _not_in_future(day, self.today, "the date worked")
        return day


class AsyeReviewForm(forms.Form):
    date = NamedDateField(label="Date of the review", noun="the date of the review", help_text="For example, 6 4 2026")

    def __init__(self, *args: Any, today: datetime.date, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.today = today
        govukify(self)

    def clean_date(self) -> datetime.date:
        day: datetime.date = self.cleaned_data["date"]
        _not_in_future(day, self.today, "the date of the review")
        return day


# --- pages -------------------------------------------------------------------------------------


def _context(viewer: Person, subject: Person, today: date, **extra: Any) -> dict[str, Any]:
    back_url, back_text = back_link(viewer, subject, today)
    return {"me": viewer, "subject": subject, "back_url": back_url, "back_text": back_text, **extra}


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
    return render(request, "people/staff_edit.html", _context(me, subject, today, form=form))


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
        _context(
            me,
            subject,
            today,
            form=form,
            show_form=subject.left is None or form.is_bound,
            ending=ending,
            reports=subject.direct_reports.filter(left__isnull=True),
        ),
    )


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
    return render(request, "people/staff_absences.html", _context(me, subject, today, form=form, rows=rows, rule=rule))


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
    return render(request, "people/staff_absence_end.html", _context(me, subject, today, form=form, absence=absence))


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
        _context(
            me,
            subject,
            today,
            form=form,
            entries=entries,
            total=sum(e.hours for e in entries),
            is_casual=subject.employment == Person.Employment.CASUAL,
        ),
    )


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
        _context(
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
