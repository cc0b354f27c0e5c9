"""Imports in the browser: upload an HR or caseload file, see the dry run (what would be
created, updated field by field, recorded as leaving or left unchanged, and every error by row
and column), and confirm. The file is kept server-side from upload to apply, and applying
checks its SHA-256 and the preview's fingerprint: what is applied is exactly what was previewed.

Who may: ``oversight.imports.access.may_import`` (HR and senior managers of the organisation).
Everyone else gets a 404; an upload of another organisation is a 404 too.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from oversight.audit.services import audit_event
from oversight.errors import ServiceError
from oversight.forms import apply_service_error, posted
from oversight.people.models import Person

from .access import importer
from .caseload import plan_caseload
from .forms import UploadForm
from .hr import plan_hr
from .models import ImportUpload
from .plan import Plan
from .services import ImportRefused, purged_message, upload_apply, upload_store

RECENT = 20


def _upload_for(me: Person, pk: int) -> ImportUpload:
    """Fetch-and-check in one call: an upload of the importer's organisation, or 404."""
    upload = (
        ImportUpload.objects.filter(pk=pk, organisation_id=me.organisation_id)
        .select_related("organisation", "uploaded_by", "applied_by")
        .first()
    )
    if upload is None:
        raise Http404("No such import")
    return upload


def _plan_of(upload: ImportUpload) -> Plan:
    planner = plan_hr if upload.kind == ImportUpload.Kind.HR else plan_caseload
    return planner(upload.organisation, bytes(upload.content), today=timezone.localdate()).plan


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def imports_home(request: HttpRequest) -> HttpResponse:
    """Upload a file for import, and the organisation's recent uploads."""
    me = importer(request)
    form = UploadForm(posted(request), request.FILES if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        file = form.cleaned_data["file"]
        try:
            upload = upload_store(
                organisation=me.organisation,
                by=me,
                kind=form.cleaned_data["kind"],
                filename=file.name or "upload.csv",
                data=file.read(),
            )
        except ServiceError as exc:
            apply_service_error(form, exc.field, exc.message)
        else:
            return redirect("imports:preview", pk=upload.pk)
    recent = ImportUpload.objects.filter(organisation_id=me.organisation_id).select_related(
        "uploaded_by", "applied_by"
    )[:RECENT]
    return render(request, "imports/home.html", {"me": me, "form": form, "recent": recent})


def _preview(request: HttpRequest, me: Person, upload: ImportUpload, plan: Plan, status: int = 200) -> HttpResponse:
    audit_event(
        actor=me,
        action="import.preview",
        obj=upload,
        organisation_id=upload.organisation_id,
        detail={"user": request.user.pk, "errors": len(plan.errors)},
    )
    context: dict[str, Any] = {
        "me": me,
        "upload": upload,
        "plan": plan,
        "counts": plan.counts(),
        "changes": plan.changes,
        "unchanged": len(plan.rows) - len(plan.changes),
    }
    return render(request, "imports/preview.html", context, status=status)


@login_required
@require_GET
def import_preview(request: HttpRequest, pk: int) -> HttpResponse:
    """The dry run of an uploaded file, and the button that applies exactly it."""
    me = importer(request)
    upload = _upload_for(me, pk)
    if upload.purged_at is not None:
        audit_event(
            actor=me,
            action="import.preview",
            obj=upload,
            organisation_id=upload.organisation_id,
            detail={"user": request.user.pk, "purged": True},
        )
        return render(request, "imports/purged.html", {"me": me, "upload": upload, "why": purged_message(upload)})
    return _preview(request, me, upload, _plan_of(upload))


@login_required
@require_POST
def import_apply(request: HttpRequest, pk: int) -> HttpResponse:
    """Apply the previewed file: all of it, or nothing while any error remains."""
    me = importer(request)
    upload = _upload_for(me, pk)
    try:
        plan = upload_apply(
            upload=upload,
            by=me,
            sha256=request.POST.get("sha256", ""),
            fingerprint=request.POST.get("fingerprint", ""),
        )
    except ImportRefused as refused:
        messages.error(
            request, "Nothing was changed: " + (refused.plan.errors[0].message if refused.plan.errors else "")
        )
        return redirect("imports:preview", pk=upload.pk)
    except ServiceError as exc:
        messages.error(request, f"Nothing was changed: {exc.message}.")
        return redirect("imports:preview", pk=upload.pk)
    if plan.changes:
        messages.success(request, f"{upload.filename} applied: {plan.summary()}.")
    else:
        messages.success(request, f"{upload.filename}: nothing to change, Oversight already matches the file.")
    return redirect("imports:preview", pk=upload.pk)
