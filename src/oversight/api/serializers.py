"""What the API shows of each kind of object. Lists carry summaries; the free text of records,
agreements and case directions is in the detail of one object, whose read is audited. The
confidential sections of a record or an agreement are shown only where the access policy opens
them (``view_confidential``): otherwise the section is listed with ``hidden: true`` and no text."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from oversight.access import policy
from oversight.cases.models import CaseReview
from oversight.compliance.models import OPEN_STATUSES, OVERDUE_STATUSES, Obligation
from oversight.people.models import Person
from oversight.records.models import Action, Addendum, Record
from oversight.sessions.models import Session
from oversight.supervision.models import ALL_KINDS, Agreement, AgreementSignature, Relationship


@extend_schema_field(
    {
        "type": "string",
        "pattern": r"^([01][0-9]|2[0-3]):[0-5][0-9](:[0-5][0-9])?$",
        "description": "Local time (Europe/London), HH:MM or HH:MM:SS",
        "example": "14:30",
    }
)
class LocalTimeField(serializers.TimeField):
    """A wall-clock time of day in the council's time zone: no offset (OpenAPI's ``format: time``
    would demand one)."""


class SectionSerializer(serializers.Serializer):
    id = serializers.CharField()
    title = serializers.CharField()
    confidential = serializers.BooleanField()
    hidden = serializers.BooleanField(help_text="A confidential section the caller may not read: no text given")
    text = serializers.CharField(allow_null=True)


def sections_of(obj: Any, pack: Any, content: dict[str, Any], viewer: Any) -> list[dict[str, Any]]:
    """The template's sections with their text, confidential ones only where the policy opens them."""
    template = pack.template(obj.template_id)
    confidential_ok = policy.may(viewer, "view_confidential", obj)
    sections = []
    for section in template.sections if template else []:
        if getattr(section, "signature", False):
            continue
        hidden = bool(section.confidential) and not confidential_ok
        sections.append(
            {
                "id": section.id,
                "title": section.title,
                "confidential": bool(section.confidential),
                "hidden": hidden,
                "text": None if hidden else str(content.get(section.id, "")),
            }
        )
    return sections


class PersonSerializer(serializers.ModelSerializer):
    team_name = serializers.CharField(source="team.name", default=None, allow_null=True)

    class Meta:
        model = Person
        fields = [
            "id",
            "organisation",
            "staff_id",
            "name",
            "role",
            "employment",
            "team",
            "team_name",
            "line_manager",
            "started",
            "left",
            "asye_start",
        ]


class PersonDetailSerializer(PersonSerializer):
    standing = serializers.SerializerMethodField(help_text="Why the caller may read this file")

    class Meta(PersonSerializer.Meta):
        fields = [*PersonSerializer.Meta.fields, "standing"]

    def get_standing(self, obj: Person) -> str:
        return str(self.context.get("standing", ""))


class RelationshipSerializer(serializers.ModelSerializer):
    supervisor_name = serializers.CharField(source="supervisor.name")
    supervisee_name = serializers.CharField(source="supervisee.name")
    kinds = serializers.ListField(
        child=serializers.ChoiceField(choices=ALL_KINDS), help_text="Kinds of supervision covered; empty means all"
    )

    class Meta:
        model = Relationship
        fields = [
            "id",
            "organisation",
            "supervisor",
            "supervisor_name",
            "supervisee",
            "supervisee_name",
            "start",
            "end",
            "kinds",
            "delegated",
        ]


class SignatureSerializer(serializers.ModelSerializer):
    class Meta:
        model = AgreementSignature
        fields = ["party", "person", "signed_at"]


class AgreementSerializer(serializers.ModelSerializer):
    supervisor = serializers.IntegerField(source="relationship.supervisor_id")
    supervisee = serializers.IntegerField(source="relationship.supervisee_id")
    signatures = SignatureSerializer(many=True)
    signed_on = serializers.DateField(allow_null=True, help_text="When both had signed")

    class Meta:
        model = Agreement
        fields = [
            "id",
            "relationship",
            "supervisor",
            "supervisee",
            "template_id",
            "version",
            "created_at",
            "signatures",
            "signed_on",
        ]


class AgreementDetailSerializer(AgreementSerializer):
    sections = serializers.SerializerMethodField()
    reviews = serializers.SerializerMethodField()

    class Meta(AgreementSerializer.Meta):
        fields = [*AgreementSerializer.Meta.fields, "sections", "reviews"]

    @extend_schema_field(SectionSerializer(many=True))
    def get_sections(self, obj: Agreement) -> list[dict[str, Any]]:
        return sections_of(obj, obj.relationship.organisation.pack, obj.content, self.context["viewer"])

    @extend_schema_field(
        serializers.ListField(child=serializers.DictField(child=serializers.CharField(allow_null=True)))
    )
    def get_reviews(self, obj: Agreement) -> list[dict[str, Any]]:
        return [
            {"date": review.date.isoformat(), "by": str(review.by_id), "notes": review.notes}
            for review in obj.reviews.all()
        ]


class SessionSerializer(serializers.ModelSerializer):
    supervisor_name = serializers.CharField(source="supervisor.name")
    supervisee_name = serializers.CharField(source="supervisee.name", default=None, allow_null=True)
    attendees = serializers.PrimaryKeyRelatedField[Person](many=True, read_only=True)
    start_time = LocalTimeField(allow_null=True)
    record = serializers.SerializerMethodField()

    class Meta:
        model = Session
        fields = [
            "id",
            "organisation",
            "kind",
            "status",
            "date",
            "start_time",
            "duration_minutes",
            "supervisor",
            "supervisor_name",
            "supervisee",
            "supervisee_name",
            "attendees",
            "observer",
            "place",
            "video",
            "group_model",
            "cancelled_on",
            "cancel_reason",
            "return_to_work",
            "late_reason",
            "rearranged_from",
            "record",
        ]

    @extend_schema_field(serializers.IntegerField(allow_null=True))
    def get_record(self, obj: Session) -> int | None:
        record = getattr(obj, "record", None)
        return record.pk if record is not None else None


class RecordSerializer(serializers.ModelSerializer):
    kind = serializers.CharField(source="session.kind")
    session_date = serializers.DateField(source="session.date")
    supervisor = serializers.IntegerField(source="session.supervisor_id")
    supervisee = serializers.IntegerField(source="session.supervisee_id", allow_null=True)

    class Meta:
        model = Record
        fields = [
            "id",
            "session",
            "kind",
            "session_date",
            "supervisor",
            "supervisee",
            "template_id",
            "status",
            "version",
            "shared_on",
            "agreed_on",
            "deemed_agreed",
            "disputed_on",
            "finalised_at",
        ]


class ActionSerializer(serializers.ModelSerializer):
    class Meta:
        model = Action
        fields = ["id", "text", "owner", "due", "review_date", "works_when", "done_on"]


class AddendumSerializer(serializers.ModelSerializer):
    class Meta:
        model = Addendum
        fields = ["id", "author", "reason", "text", "created_at"]


class RecordDetailSerializer(RecordSerializer):
    sections = serializers.SerializerMethodField()
    actions = ActionSerializer(many=True)
    addenda = AddendumSerializer(many=True)

    class Meta(RecordSerializer.Meta):
        fields = [
            *RecordSerializer.Meta.fields,
            "sections",
            "supervisee_view",
            "escalated_to",
            "escalated_at",
            "escalation_outcome",
            "escalation_resolved_at",
            "actions",
            "addenda",
        ]

    @extend_schema_field(SectionSerializer(many=True))
    def get_sections(self, obj: Record) -> list[dict[str, Any]]:
        return sections_of(obj, obj.session.organisation.pack, obj.content, self.context["viewer"])


class CaseDirectionSerializer(serializers.ModelSerializer):
    case_id = serializers.CharField(source="child.case_id", help_text="The child's ID on the case system")
    child_status = serializers.CharField(source="child.status")
    worker = serializers.IntegerField(source="child.worker_id")
    entered = serializers.SerializerMethodField(help_text="Entered on the child's record (LCS, EHM, Mosaic)")

    class Meta:
        model = CaseReview
        fields = [
            "id",
            "child",
            "case_id",
            "child_status",
            "worker",
            "date",
            "by",
            "session",
            "entered",
            "direction_recorded",
            "recorded_by",
        ]

    def get_entered(self, obj: CaseReview) -> bool:
        return obj.direction_recorded is not None


class CaseDirectionDetailSerializer(CaseDirectionSerializer):
    class Meta(CaseDirectionSerializer.Meta):
        fields = [*CaseDirectionSerializer.Meta.fields, "direction"]


class ObligationSerializer(serializers.ModelSerializer):
    overdue = serializers.SerializerMethodField(help_text="Not done and past due today, even if computed earlier")

    class Meta:
        model = Obligation
        fields = [
            "id",
            "organisation",
            "key",
            "kind",
            "rule",
            "source",
            "person",
            "supervisor",
            "session",
            "child",
            "case_review",
            "session_kind",
            "child_status",
            "due",
            "done",
            "status",
            "overdue",
            "detail",
            "computed_on",
        ]

    def get_overdue(self, obj: Obligation) -> bool:
        today = self.context["viewer"].on
        if obj.status in OVERDUE_STATUSES:
            return True
        return obj.status in OPEN_STATUSES and obj.due is not None and obj.due < today


# --- the bodies of actions -----------------------------------------------------------------------


class DayField(serializers.DateField):
    """A date in a request body, between 1990 and 2100: supervision has no business outside them,
    and far dates would only overflow the clocks computed from them later."""

    def to_internal_value(self, value: Any) -> Any:
        day = super().to_internal_value(value)
        if not 1990 <= day.year <= 2100:
            raise serializers.ValidationError("Give a date between 1990 and 2100")
        return day


def id_field(**kwargs: Any) -> serializers.IntegerField:
    """An object's id in a request body (bounded, so no database is asked about 10**30)."""
    return serializers.IntegerField(min_value=1, max_value=2**53, **kwargs)


class ScheduleSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=Session.Kind.choices)
    supervisee = id_field(required=False, allow_null=True, help_text="Not for group sessions")
    attendees = serializers.ListField(child=id_field(), required=False, max_length=100, help_text="Group sessions")
    observer = id_field(required=False, allow_null=True)
    date = DayField()
    start_time = LocalTimeField(required=False, allow_null=True)
    duration_minutes = serializers.IntegerField(required=False, allow_null=True, min_value=1, max_value=24 * 60)
    place = serializers.CharField(required=False, allow_blank=True, max_length=200, default="")
    video = serializers.BooleanField(required=False, default=False)
    group_model = serializers.CharField(required=False, allow_blank=True, max_length=100, default="")


class HoldSerializer(serializers.Serializer):
    late_reason = serializers.CharField(required=False, allow_blank=True, default="")


class CancelSerializer(serializers.Serializer):
    reason = serializers.ChoiceField(choices=Session.Reason.choices)
    detail = serializers.CharField(required=False, allow_blank=True, default="")
    return_to_work = DayField(required=False, allow_null=True)


class MoveSerializer(serializers.Serializer):
    date = DayField()
    start_time = LocalTimeField(required=False, allow_null=True)


class SaveDraftSerializer(serializers.Serializer):
    content = serializers.DictField(
        child=serializers.CharField(allow_blank=True), help_text="Section id -> text, on the council's template"
    )
    expected_version = serializers.IntegerField(help_text="The record's version when you read it", min_value=1)


class DisputeSerializer(serializers.Serializer):
    view = serializers.CharField(help_text="What the supervisee disagrees with, in their own words")


class DatedSerializer(serializers.Serializer):
    on = DayField()


class AgreementReviewSerializer(serializers.Serializer):
    on = DayField()
    notes = serializers.CharField(required=False, allow_blank=True, default="")


class EmptySerializer(serializers.Serializer):
    pass


class SignOffSerializer(serializers.Serializer):
    acknowledge_findings = serializers.BooleanField(
        required=False,
        default=False,
        help_text="Share or finalise although the child-data guard found possible children's information "
        "that is neither moved nor dismissed (the acknowledgement is audited; the page at "
        "/records/{id}/check/ moves or dismisses each finding). Without it such a record is refused "
        "with a 400 on child_data.",
    )
