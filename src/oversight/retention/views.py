"""HR's pages: leavers past their retention period and legal holds (/retention/), and
subject access requests with their bundles (/subject-access/).

Who may use them is ``may_manage_retention``; they also need a staff record, whose
organisation is the only one they see. Everyone else gets a 404, never a hint.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from oversight.errors import ServiceError
from oversight.forms import GovukDateField, apply_service_error, govukify, posted
from oversight.people.models import Person

from .access import may_manage_retention
from .models import DeletionMarker, LegalHold, SubjectAccessRequest
from .selectors import NO_RULE, retention_plan
from .services import legal_hold_lift, legal_hold_place, sar_complete, sar_record_export, sar_start
from .subject_access import build_bundle, bundle_stem

BUNDLE_FORMATS = ("json", "html", "pdf")


def hr_person(request: HttpRequest) -> Person:
    """The member of HR using the page, or 404."""
    person = getattr(request.user, "person", None)
    if not may_manage_retention(request.user) or person is None:
        raise Http404("No such page")
    return person


def _staff_of(me: Person) -> QuerySet[Person]:
    return Person.objects.filter(organisation_id=me.organisation_id).order_by("name", "staff_id")


class StaffChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        left = f", left {obj.left.day} {obj.left:%B %Y}" if obj.left else ""
        return f"{obj.name} ({obj.staff_id}{left})"


class LegalHoldForm(forms.Form):
    person = StaffChoiceField(
        label="Member of staff",
        queryset=Person.objects.none(),
        empty_label="Choose a member of staff",
        error_messages={"required": "Choose the member of staff whose records must be kept"},
    )
    reason = forms.CharField(
        label="Reason for the hold",
        help_text="For example, the claim, investigation or inquiry that needs the records. "
        "Nothing of theirs is deleted until the hold is lifted.",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Give the reason for the legal hold"},
    )

    def __init__(self, *args: Any, people: QuerySet[Person], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["person"].queryset = people  # type: ignore[attr-defined]
        govukify(self)


class SubjectAccessForm(forms.Form):
    person = StaffChoiceField(
        label="Whose information",
        queryset=Person.objects.none(),
        empty_label="Choose a member of staff",
        error_messages={"required": "Choose the member of staff the request is about"},
    )
    received_on = GovukDateField(
        label="Date the request was received",
        help_text="For example, 27 3 2026. The deadline is one calendar month from this day.",
        error_messages={"required": "Enter the date the request was received"},
    )
    requested_by = forms.CharField(
        label="Who made the request (optional)",
        help_text="Leave empty if the member of staff asked themselves.",
        required=False,
        max_length=200,
    )

    def __init__(self, *args: Any, people: QuerySet[Person], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["person"].queryset = people  # type: ignore[attr-defined]
        govukify(self)


@login_required
def retention_home(request: HttpRequest) -> HttpResponse:
    """Leavers past their period (what `oversight retention --apply` would delete), those under
    legal hold, the holds in place, and a form to place one."""
    me = hr_person(request)
    today = timezone.localdate()
    people = _staff_of(me)
    form = LegalHoldForm(posted(request), people=people)
    if request.method == "POST" and form.is_valid():
        try:
            legal_hold_place(person=form.cleaned_data["person"], by=me, reason=form.cleaned_data["reason"])
        except ServiceError as exc:
            apply_service_error(form, exc.field, exc.message)
        else:
            messages.success(request, f"Legal hold placed on the records of {form.cleaned_data['person'].name}.")
            return redirect("retention:home")
    plan = retention_plan(me.organisation, today)
    names = dict(people.values_list("pk", "name"))
    holds = LegalHold.objects.filter(person__organisation_id=me.organisation_id, lifted_at__isnull=True).select_related(
        "person", "placed_by"
    )
    return render(
        request,
        "retention/retention.html",
        {
            "me": me,
            "today": today,
            "plan": plan,
            "no_rule": NO_RULE,
            "due": [{"plan": p, "name": names.get(p.person_id, "")} for p in plan.due],
            "held": [{"plan": p, "name": names.get(p.person_id, "")} for p in plan.held],
            "holds": holds,
            "markers": DeletionMarker.objects.filter(organisation_id=me.organisation_id)[:20],
            "form": form,
        },
    )


@login_required
@require_POST
def legal_hold_lift_view(request: HttpRequest, pk: int) -> HttpResponse:
    me = hr_person(request)
    hold = LegalHold.objects.filter(pk=pk, person__organisation_id=me.organisation_id).select_related("person").first()
    if hold is None:
        raise Http404("No such legal hold")
    try:
        legal_hold_lift(hold=hold, by=me)
    except ServiceError as exc:
        messages.error(request, exc.message + ".")
    else:
        messages.success(request, f"Legal hold on the records of {hold.person.name} lifted.")
    return redirect("retention:home")


def get_sar_for(me: Person, pk: int) -> SubjectAccessRequest:
    """Fetch-and-check in one call: a request about someone in ``me``'s organisation, or 404."""
    sar = (
        SubjectAccessRequest.objects.filter(pk=pk, person__organisation_id=me.organisation_id)
        .select_related("person__organisation", "started_by")
        .first()
    )
    if sar is None:
        raise Http404("No such request")
    return sar


@login_required
def sar_list(request: HttpRequest) -> HttpResponse:
    """Subject access requests, open ones first by deadline, and a form to start one."""
    me = hr_person(request)
    today = timezone.localdate()
    form = SubjectAccessForm(posted(request), people=_staff_of(me), initial={"received_on": today})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            sar = sar_start(
                person=data["person"],
                by=me,
                received_on=data["received_on"],
                today=today,
                requested_by=data["requested_by"],
            )
        except ServiceError as exc:
            apply_service_error(form, exc.field, exc.message)
        else:
            messages.success(
                request, f"Request recorded. Respond by {sar.deadline.day} {sar.deadline:%B %Y} ({sar.deadline:%A})."
            )
            return redirect("retention:sar", pk=sar.pk)
    requests = SubjectAccessRequest.objects.filter(person__organisation_id=me.organisation_id).select_related("person")
    ordered = sorted(
        requests, key=lambda s: (s.completed_at is not None, s.deadline if s.completed_at is None else today, -s.pk)
    )
    return render(
        request,
        "retention/subject_access_list.html",
        {"me": me, "today": today, "form": form, "requests": ordered},
    )


@login_required
def sar_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """One request: its deadline, the bundle to download, and recording that it was answered."""
    me = hr_person(request)
    sar = get_sar_for(me, pk)
    if request.method == "POST":
        try:
            sar_complete(sar=sar, by=me)
        except ServiceError as exc:
            messages.error(request, exc.message + ".")
        else:
            messages.success(request, "Recorded that the response was sent.")
        return redirect("retention:sar", pk=sar.pk)
    today = timezone.localdate()
    return render(
        request,
        "retention/subject_access_detail.html",
        {
            "me": me,
            "sar": sar,
            "today": today,
            "days_left": (sar.deadline - today).days,
            "formats": BUNDLE_FORMATS,
            "stem": bundle_stem(sar.person.staff_id),
        },
    )


@login_required
def sar_download(request: HttpRequest, pk: int, fmt: str) -> HttpResponse:
    """One file of the redacted bundle, made now from what is held now."""
    me = hr_person(request)
    sar = get_sar_for(me, pk)
    if fmt not in BUNDLE_FORMATS:
        raise Http404("No such format")
    bundle = build_bundle(sar.person, redact=True, request=sar, pdf=fmt == "pdf")
    sar_record_export(sar=sar, by=me, what=fmt, redacted=True)
    name = f"{bundle_stem(sar.person.staff_id)}.{fmt}"
    content, media_type = bundle.files()[name]
    response = HttpResponse(content, content_type=media_type)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
