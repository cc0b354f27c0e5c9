"""The API's reads of the supervision file and of quality assurance: a person's file items,
audits of supervision files, observations of supervision and supervision training. Read only:
their changes are made on the pages, through the same services. The same access policy as the
pages (oversight.files.access, oversight.quality.access): lists hold only what the caller may
read, one object outside their reach is a 404, confidential items only in confidence, and
every read of an item, an audit or an observation is audited."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema, extend_schema_field, extend_schema_view
from rest_framework import serializers, viewsets
from rest_framework.request import Request
from rest_framework.response import Response

from oversight.files.access import get_file_for, log_item_read, readable_items
from oversight.files.kinds import kinds_for
from oversight.files.models import FileItem
from oversight.files.selectors import answers
from oversight.quality.access import (
    get_audit_for,
    get_observation_for,
    training_scope,
    visible_audits,
    visible_observations,
)
from oversight.quality.models import Audit, Finding, Observation, TrainingRecord

from .access import api_viewer

ID = r"-?[0-9]+"

# --- serializers ---------------------------------------------------------------------------------


class AnswerSerializer(serializers.Serializer):
    label = serializers.CharField(help_text="The question as the council's form asks it")  # type: ignore[assignment]  # a declared field: DRF's metaclass takes it off the class
    text = serializers.CharField(allow_blank=True)
    lines = serializers.ListField(child=serializers.CharField(), help_text="A list answer, one line each")


class ItemEventSerializer(serializers.Serializer):
    kind = serializers.CharField(help_text="'review', or the id of one of the kind's steps")
    on = serializers.DateField()
    note = serializers.CharField(allow_blank=True)
    by = serializers.IntegerField(source="by_id")


class FileItemSerializer(serializers.ModelSerializer):
    kind_label = serializers.SerializerMethodField()
    answers = serializers.SerializerMethodField()
    events = ItemEventSerializer(many=True)

    class Meta:
        model = FileItem
        fields = [
            "id",
            "person",
            "kind",
            "kind_label",
            "part",
            "on",
            "confidential",
            "version",
            "closed_on",
            "session",
            "answers",
            "events",
            "created_by",
            "updated_at",
        ]

    def get_kind_label(self, obj: FileItem) -> str:
        kind = self.context["kinds"].get(obj.kind)
        return kind.label if kind is not None else obj.kind

    @extend_schema_field(AnswerSerializer(many=True))
    def get_answers(self, obj: FileItem) -> list[dict[str, Any]]:
        shown = answers(self.context["kinds"].get(obj.kind), obj.content or {})
        return [{"label": a.label, "text": a.text, "lines": a.lines} for a in shown]


class FindingSerializer(serializers.ModelSerializer):
    class Meta:
        model = Finding
        fields = ["id", "text", "action", "owner", "due", "added_on", "done_on", "done_note"]


class AuditSerializer(serializers.ModelSerializer):
    supervisor_name = serializers.CharField(source="supervisor.name")

    class Meta:
        model = Audit
        fields = [
            "id",
            "organisation",
            "supervisor",
            "supervisor_name",
            "auditor",
            "tool",
            "state",
            "started_on",
            "completed_on",
            "outcome",
            "moderated_outcome",
            "moderated_on",
        ]


class AuditDetailSerializer(AuditSerializer):
    files = serializers.SerializerMethodField(help_text="The supervisees whose files were sampled")
    findings = FindingSerializer(many=True)

    class Meta(AuditSerializer.Meta):
        fields = [*AuditSerializer.Meta.fields, "summary", "moderated_by", "moderation_note", "files", "findings"]

    @extend_schema_field(serializers.ListField(child=serializers.DictField()))
    def get_files(self, obj: Audit) -> list[dict[str, Any]]:
        return [{"supervisee": f.supervisee_id, "name": f.name, "added_on": f.added_on} for f in obj.files.all()]


class ObservationSerializer(serializers.ModelSerializer):
    supervisor_name = serializers.CharField(source="supervisor.name")

    class Meta:
        model = Observation
        fields = ["id", "organisation", "supervisor", "supervisor_name", "observer", "observed_on", "responded_on"]


class ObservationDetailSerializer(ObservationSerializer):
    class Meta(ObservationSerializer.Meta):
        fields = [
            *ObservationSerializer.Meta.fields,
            "session",
            "elements",
            "strengths",
            "areas_to_develop",
            "recorded_on",
            "response",
        ]


class TrainingSerializer(serializers.ModelSerializer):
    person_name = serializers.CharField(source="person.name")

    class Meta:
        model = TrainingRecord
        fields = ["id", "person", "person_name", "kind", "course", "provider", "completed_on", "recorded_on"]


# --- the file's items, under a person ------------------------------------------------------------


def file_items(view: Any, request: Request, pk: int) -> Response:
    """The items of ``pk``'s supervision file the caller reads, newest first; each item given
    is a read of it, audited as the item's page is."""
    viewer = api_viewer(request)
    subject, standing = get_file_for(viewer, pk)
    items = readable_items(viewer, subject, standing).prefetch_related("events").order_by("-on", "-pk")
    page = view.paginate_queryset(items)
    for item in page:
        log_item_read(viewer, subject, standing, item)
    kinds = {k.id: k for k in kinds_for(subject.organisation).kinds}
    data = FileItemSerializer(page, many=True, context={"kinds": kinds}).data
    return view.get_paginated_response(data)


# --- quality assurance ---------------------------------------------------------------------------


class _ReadOnly(viewsets.GenericViewSet):
    lookup_value_regex = ID
    list_serializer: type[serializers.BaseSerializer] = serializers.Serializer
    detail_serializer: type[serializers.BaseSerializer] = serializers.Serializer

    def visible(self, viewer: Any) -> Any:
        raise NotImplementedError

    def get_queryset(self) -> Any:
        if getattr(self, "swagger_fake_view", False):
            # drf-stubs type queryset as QuerySet | Manager, whose __get__ stub then trips on an instance.
            return self.queryset  # type: ignore[arg-type]
        return self.visible(api_viewer(self.request))

    def get_serializer_class(self) -> type[serializers.BaseSerializer]:
        return self.list_serializer if self.action == "list" else self.detail_serializer

    def list(self, request: Request) -> Response:
        page = self.paginate_queryset(self.get_queryset())
        return self.get_paginated_response(self.list_serializer(page, many=True).data)


@extend_schema_view(
    list=extend_schema(summary="Audits of supervision files you may read", tags=["quality"]),
    retrieve=extend_schema(summary="One audit with its findings (the read is audited)", tags=["quality"]),
)
class AuditViewSet(_ReadOnly):
    queryset = Audit.objects.none()
    list_serializer = AuditSerializer
    detail_serializer = AuditDetailSerializer

    def visible(self, viewer: Any) -> Any:
        return visible_audits(viewer).select_related("supervisor").order_by("-started_on", "-pk")

    def retrieve(self, request: Request, pk: str) -> Response:
        audit, _ = get_audit_for(api_viewer(request), int(pk))
        return Response(AuditDetailSerializer(audit).data)


@extend_schema_view(
    list=extend_schema(summary="Observations of supervision you may read", tags=["quality"]),
    retrieve=extend_schema(summary="One observation (the read is audited)", tags=["quality"]),
)
class ObservationViewSet(_ReadOnly):
    queryset = Observation.objects.none()
    list_serializer = ObservationSerializer
    detail_serializer = ObservationDetailSerializer

    def visible(self, viewer: Any) -> Any:
        return visible_observations(viewer).select_related("supervisor").order_by("-observed_on", "-pk")

    def retrieve(self, request: Request, pk: str) -> Response:
        observation, _ = get_observation_for(api_viewer(request), int(pk))
        return Response(ObservationDetailSerializer(observation).data)


@extend_schema_view(list=extend_schema(summary="Supervision training of the supervisors you may see", tags=["quality"]))
class TrainingViewSet(_ReadOnly):
    queryset = TrainingRecord.objects.none()
    list_serializer = detail_serializer = TrainingSerializer

    def visible(self, viewer: Any) -> Any:
        return (
            TrainingRecord.objects.filter(person__in=training_scope(viewer))
            .select_related("person")
            .order_by("-completed_on", "-pk")
        )
