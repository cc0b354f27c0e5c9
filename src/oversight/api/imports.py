"""Imports through the API (oversight.imports): a dry run of an HR export or a caseload file, and
applying exactly the file that was dry-run. The same services as the pages: ``upload_store``
keeps the file (audited), the dry run is the page's preview (audited as ``import.preview``),
``upload_apply`` checks the file's SHA-256 and the dry run's fingerprint again and applies all of
it or nothing. Who may: ``may_import`` (HR and senior managers of the organisation); everyone
else, and another organisation's upload, gets a 404. Files are sent as CSV text in JSON."""

from __future__ import annotations

from typing import Any

from django.http import Http404
from django.utils import timezone
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from oversight.audit.services import audit_event
from oversight.imports.access import may_import
from oversight.imports.caseload import plan_caseload
from oversight.imports.hr import plan_hr
from oversight.imports.models import ImportUpload
from oversight.imports.plan import Plan
from oversight.imports.reading import MAX_BYTES
from oversight.imports.services import ImportRefused, upload_apply, upload_store
from oversight.people.models import Person

from .access import acting_person
from .views import ID


class DryRunSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=ImportUpload.Kind.choices)
    filename = serializers.CharField(max_length=200, default="upload.csv")
    content = serializers.CharField(
        max_length=MAX_BYTES, trim_whitespace=False, help_text="The file's text (CSV, UTF-8), header row first"
    )


class ApplySerializer(serializers.Serializer):
    sha256 = serializers.CharField(max_length=64, help_text="The file's SHA-256, from its dry run")
    fingerprint = serializers.CharField(max_length=64, help_text="The dry run's fingerprint of what would change")


class RowErrorSerializer(serializers.Serializer):
    row = serializers.IntegerField(allow_null=True, help_text="Row 1 is the header; null: the whole file")
    column = serializers.CharField(allow_blank=True)
    message = serializers.CharField()


class FieldChangeSerializer(serializers.Serializer):
    label = serializers.CharField()  # type: ignore[assignment]  # a declared field: DRF's metaclass takes it off the class
    before = serializers.CharField(allow_blank=True)
    after = serializers.CharField(allow_blank=True)


class PlannedRowSerializer(serializers.Serializer):
    row = serializers.IntegerField()
    key = serializers.CharField(allow_blank=True, help_text="The staff ID or the child's case ID")
    label = serializers.CharField(allow_blank=True)  # type: ignore[assignment]  # a declared field: DRF's metaclass takes it off the class
    action = serializers.ChoiceField(choices=["create", "update", "leave", "unchanged"])
    changes = FieldChangeSerializer(many=True)


class PlanSerializer(serializers.Serializer):
    upload = serializers.IntegerField(help_text="The kept file's id: apply it with /api/imports/{id}/apply/")
    kind = serializers.CharField()
    filename = serializers.CharField()
    applied = serializers.BooleanField()
    sha256 = serializers.CharField()
    fingerprint = serializers.CharField()
    ok = serializers.BooleanField(help_text="No errors: the file can be applied")
    counts = serializers.DictField(child=serializers.IntegerField())
    rows = PlannedRowSerializer(many=True)
    errors = RowErrorSerializer(many=True)  # type: ignore[assignment]  # a declared field: DRF's metaclass takes it off the class
    notes = serializers.ListField(child=serializers.CharField())


def _answer(upload: ImportUpload, plan: Plan, code: int = status.HTTP_200_OK) -> Response:
    data: dict[str, Any] = {
        "upload": upload.pk,
        "kind": upload.kind,
        "filename": upload.filename,
        "applied": upload.applied_at is not None,
        "sha256": plan.sha256,
        "fingerprint": plan.fingerprint(),
        "ok": plan.ok,
        "counts": plan.counts(),
        "rows": plan.rows,
        "errors": plan.errors,
        "notes": plan.notes,
    }
    return Response(PlanSerializer(data).data, status=code)


def _importer(request: Request) -> Person:
    me = acting_person(request)
    now = timezone.now()
    if not may_import(me, now, timezone.localdate(now)):
        raise Http404("No such page")
    return me


def _dry_run(me: Person, upload: ImportUpload) -> Plan:
    """The page's preview: the plan of the kept file, audited as ``import.preview``."""
    planner = plan_hr if upload.kind == ImportUpload.Kind.HR else plan_caseload
    plan = planner(upload.organisation, bytes(upload.content), today=timezone.localdate()).plan
    audit_event(
        actor=me,
        action="import.preview",
        obj=upload,
        organisation_id=upload.organisation_id,
        detail={"user": me.user_id, "errors": len(plan.errors), "via": "api"},
    )
    return plan


class ImportViewSet(viewsets.GenericViewSet):
    queryset = ImportUpload.objects.none()
    serializer_class = PlanSerializer
    lookup_value_regex = ID
    pagination_class = None
    service_fields = {"file": "content"}  # upload_store's name for what this API calls the content
    filter_backends: list[type] = []

    @extend_schema(
        summary="Dry run: keep the file and say what applying it would change (changes nothing else)",
        request=DryRunSerializer,
        responses={200: PlanSerializer},
        tags=["imports"],
    )
    @action(detail=False, methods=["post"], url_path="dry-run", url_name="dry-run")
    def dry_run(self, request: Request) -> Response:
        me = _importer(request)
        body = DryRunSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        upload = upload_store(
            organisation=me.organisation,
            by=me,
            kind=data["kind"],
            filename=data["filename"],
            data=data["content"].encode("utf-8"),
        )
        return _answer(upload, _dry_run(me, upload))

    @extend_schema(
        summary="Apply exactly the dry-run file: all of it, or nothing while any error remains",
        request=ApplySerializer,
        responses={200: PlanSerializer},
        tags=["imports"],
    )
    @action(detail=True, methods=["post"])
    def apply(self, request: Request, pk: str) -> Response:
        me = _importer(request)
        upload = ImportUpload.objects.filter(pk=int(pk), organisation_id=me.organisation_id).first()
        if upload is None:
            raise Http404("No such import")
        body = ApplySerializer(data=request.data)
        body.is_valid(raise_exception=True)
        try:
            plan = upload_apply(
                upload=upload,
                by=me,
                sha256=body.validated_data["sha256"],
                fingerprint=body.validated_data["fingerprint"],
            )
        except ImportRefused as refused:
            upload.refresh_from_db()
            return _answer(upload, refused.plan, status.HTTP_400_BAD_REQUEST)
        upload.refresh_from_db()
        return _answer(upload, plan)
