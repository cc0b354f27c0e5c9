"""Pages of the access policy: the files a viewer may open, grants to inspectors and
investigating officers, the purpose quality assurance and HR state before reading a file, the
supervisee's consent to share a record's confidential sections, and a senior manager's
child-protection override. Outsiders get 404, as everywhere."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from oversight.errors import ServiceError
from oversight.forms import GovukDateField, apply_service_error, govukify, posted
from oversight.organisations.models import Organisation
from oversight.people.models import Person, Service

from . import policy, services
from .models import Grant
from .reach import PURPOSE_ASKED
from .standings import person_standing


@login_required
def files(request: HttpRequest) -> HttpResponse:
    """Every supervision file the viewer may open, and why: the one list for quality
    assurance, HR and grant holders, who have no supervisees on their home page."""
    viewer = policy.current_viewer(request)
    people = policy.visible(viewer, "person").select_related("team", "organisation").order_by("name")
    rows = [{"person": person, "standing": person_standing(viewer, person)} for person in people]
    return render(
        request,
        "access/files.html",
        {"viewer": viewer, "rows": rows, "grants": viewer.reach.grants, "nav_section": "home"},
    )


# --- purpose -------------------------------------------------------------------------------------


class PurposeForm(forms.Form):
    purpose = forms.CharField(
        label="Why are you reading this supervision file?",
        help_text="For example: quarterly audit of supervision files; the leaver's retention review. "
        "It is kept in the file's audit trail beside each page you read.",
        max_length=300,
        error_messages={"required": "Say why you are reading this file"},
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        govukify(self)


def _safe_next(request: HttpRequest, fallback: str) -> str:
    wanted = request.POST.get("next") or request.GET.get("next") or ""
    if wanted and url_has_allowed_host_and_scheme(wanted, {request.get_host()}, require_https=request.is_secure()):
        return wanted
    return fallback


@login_required
def purpose(request: HttpRequest, pk: int) -> HttpResponse:
    """Quality assurance and HR say once per file per session why they read it."""
    viewer = policy.current_viewer(request)
    subject = Person.objects.filter(pk=pk).first()
    if subject is None or person_standing(viewer, subject) not in PURPOSE_ASKED:
        raise Http404("No such person")
    form = PurposeForm(posted(request))
    next_url = _safe_next(request, f"/people/{subject.pk}/")
    if request.method == "POST" and form.is_valid():
        viewer.state_purpose(subject, form.cleaned_data["purpose"])
        return redirect(next_url)
    return render(request, "access/purpose.html", {"form": form, "subject": subject, "next": next_url})


# --- consent and override ------------------------------------------------------------------------


@login_required
@require_POST
def consent_record(request: HttpRequest, pk: int) -> HttpResponse:
    """The supervisee lets whoever may read this record read its confidential sections too."""
    viewer = policy.current_viewer(request)
    record, _ = policy.get_record_for(viewer, pk, "consent")
    try:
        services.consent_give(person=viewer.person, by=viewer.person, record=record)  # type: ignore[arg-type]
    except ServiceError as exc:
        messages.error(request, exc.message + ".")
    else:
        messages.success(request, "Those who may read this record can now read its confidential sections.")
    return redirect("records:detail", pk=pk)


class OverrideForm(forms.Form):
    reason = forms.CharField(
        label="The child-protection concern",
        help_text="Why the confidential sections must be read. This is kept on the record and in its audit trail.",
        widget=forms.Textarea(attrs={"rows": 5}),
        max_length=5000,
        error_messages={"required": "Give the reason"},
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        govukify(self)


@login_required
def override(request: HttpRequest, pk: int) -> HttpResponse:
    """A senior manager who may read the record lifts its confidentiality for a
    child-protection concern (Blackpool 8)."""
    viewer = policy.current_viewer(request)
    record, _ = policy.get_record_for(viewer, pk, "override")
    form = OverrideForm(posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            services.override_record(record=record, by=viewer.person, reason=form.cleaned_data["reason"])  # type: ignore[arg-type]
        except ServiceError as exc:
            apply_service_error(form, exc.field, exc.message)
        else:
            messages.success(request, "Override recorded: the confidential sections can now be read.")
            return redirect("records:detail", pk=pk)
    return render(request, "access/override.html", {"form": form, "record": record, "session": record.session})


# --- grants --------------------------------------------------------------------------------------


@login_required
def grants(request: HttpRequest) -> HttpResponse:
    """Senior managers: every grant in their organisation. Holders: their own."""
    viewer = policy.current_viewer(request)
    shown = (
        policy.visible(viewer, "grant")
        .select_related("holder", "service", "subject", "created_by")
        .order_by("-created", "-pk")
    )
    organisation = viewer.person.organisation if viewer.person is not None else None
    return render(
        request,
        "access/grants.html",
        {
            "rows": [{"grant": g, "status": g.status(viewer.now)} for g in shown],
            "can_create": organisation is not None and policy.may(viewer, "create", organisation),
        },
    )


class GrantForm(forms.Form):
    kind = forms.ChoiceField(
        label="Kind of grant",
        choices=[("", "Choose"), *Grant.Kind.choices],
        error_messages={"required": "Choose the kind of grant"},
    )
    email = forms.EmailField(
        label="Holder's email address",
        help_text="An inspector is given a sign-in of their own if they have none.",
        error_messages={"required": "Enter the holder's email address"},
    )
    name = forms.CharField(label="Holder's name (for a new sign-in)", required=False, max_length=150)
    service = forms.ModelChoiceField(
        label="Service (inspector)", queryset=Service.objects.none(), required=False, empty_label="Choose a service"
    )
    subject = forms.ModelChoiceField(
        label="Person (investigating officer)",
        queryset=Person.objects.none(),
        required=False,
        empty_label="Choose a person",
    )
    reason = forms.CharField(
        label="Reason",
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=5000,
        error_messages={"required": "Give the reason"},
    )
    expires = GovukDateField(
        label="Last day of access",
        help_text="The grant stops working by itself at the end of this day. For example, 27 3 2026",
        error_messages={"required": "Enter the last day of access"},
    )

    def __init__(self, *args: Any, organisation: Organisation, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["service"].queryset = Service.objects.filter(organisation=organisation)  # type: ignore[attr-defined]
        self.fields["subject"].queryset = Person.objects.filter(organisation=organisation)  # type: ignore[attr-defined]
        govukify(self)


@login_required
def grant_new(request: HttpRequest) -> HttpResponse:
    viewer = policy.current_viewer(request)
    me = viewer.person
    if me is None or not policy.may(viewer, "create", me.organisation):
        raise Http404("No such page")
    form = GrantForm(posted(request), organisation=me.organisation)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        last_day = data["expires"]
        expires = timezone.make_aware(datetime.combine(last_day + timedelta(days=1), time.min))
        try:
            with transaction.atomic():
                holder = services.holder_for(email=data["email"], name=data["name"], by=me)
                grant = services.grant_create(
                    kind=data["kind"],
                    holder=holder,
                    by=me,
                    reason=data["reason"],
                    expires=expires,
                    service=data["service"],
                    subject=data["subject"],
                )
        except ServiceError as exc:
            apply_service_error(form, exc.field, exc.message)
        else:
            messages.success(
                request, f"{grant} created: it stops working by itself after {last_day.day} {last_day:%B %Y}."
            )
            return redirect("access:grant", pk=grant.pk)
    return render(request, "access/grant_new.html", {"form": form})


@login_required
def grant_detail(request: HttpRequest, pk: int) -> HttpResponse:
    viewer = policy.current_viewer(request)
    grant, standing = policy.get_grant_for(viewer, pk)
    return render(
        request,
        "access/grant_detail.html",
        {
            "grant": grant,
            "standing": standing,
            "status": grant.status(viewer.now),
            "can_revoke": policy.may(viewer, "revoke", grant) and grant.status(viewer.now) in ("live", "not started"),
        },
    )


@login_required
@require_POST
def grant_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    viewer = policy.current_viewer(request)
    grant, _ = policy.get_grant_for(viewer, pk, "revoke")
    try:
        services.grant_revoke(grant=grant, by=viewer.person, reason=request.POST.get("reason", ""))  # type: ignore[arg-type]
    except ServiceError as exc:
        messages.error(request, exc.message + ".")
    else:
        messages.success(request, f"{grant} revoked.")
    return redirect("access:grant", pk=pk)
