"""The API's endpoints: reads filtered by the access policy, changes through the same service
functions as the pages (each writes its audit row), errors as JSON.

Every list is ``policy.visible(viewer, kind)``; every object is fetched and checked in one call
(``policy.get_*_for``), so an object outside the caller's reach is a 404 and each read of one
is audited as a page read is. A change is checked against the policy's rule for it
(``session.edit``, ``record.share``, ...) before its body is read: 404 for anyone the rule does
not name, then 400 naming the field for a body or a state the service refuses."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.db.models import QuerySet
from django.http import Http404
from django.utils import timezone
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.serializers import BaseSerializer, Serializer

from oversight.access import policy
from oversight.access.reach import Viewer
from oversight.cases.models import CaseReview
from oversight.cases.services import case_direction_mark_entered
from oversight.compliance.models import Obligation
from oversight.errors import ServiceError
from oversight.people.models import Person
from oversight.records.models import Record
from oversight.records.services import (
    record_agree,
    record_deem_agreed,
    record_dispute,
    record_finalise,
    record_save_draft,
    record_share,
)
from oversight.sessions.models import Session
from oversight.sessions.services import session_cancel, session_hold, session_move, session_schedule
from oversight.supervision.models import Agreement, Relationship
from oversight.supervision.services import agreement_review, agreement_sign
from oversight.supervision.views import party_of, signing_parties

from . import filters, quality_files
from . import serializers as s
from .access import acting_person, api_viewer

ID = r"-?[0-9]+"  # negative ids reach the view and get the API's 404, not the site's HTML one


def _pk(value: Any) -> int:
    return int(value)


class PolicyViewSet(viewsets.GenericViewSet):
    """Reads of one kind of object, as the access policy allows them."""

    kind: str = ""
    list_serializer: type[BaseSerializer] = Serializer
    detail_serializer: type[BaseSerializer] = Serializer
    related: tuple[str, ...] = ()
    prefetch: tuple[str, ...] = ()
    ordering: tuple[str, ...] = ("-pk",)
    fetch: Callable[..., tuple[Any, str]] = staticmethod(lambda viewer, pk, action="view": (None, ""))
    lookup_value_regex = ID
    # The service's field names as this API's bodies name them.
    service_fields: dict[str, str] = {}

    def get_queryset(self) -> QuerySet[Any]:
        if getattr(self, "swagger_fake_view", False):
            # drf-stubs type queryset as QuerySet | Manager | None, whose __get__ stub trips on an instance.
            return self.queryset  # type: ignore[arg-type, return-value]
        visible = policy.visible(api_viewer(self.request), self.kind)
        return visible.select_related(*self.related).prefetch_related(*self.prefetch).order_by(*self.ordering)

    def get_serializer_class(self) -> type[BaseSerializer]:
        return self.list_serializer if self.action == "list" else self.detail_serializer

    def get_serializer_context(self) -> dict[str, Any]:
        context = dict(super().get_serializer_context())
        if not getattr(self, "swagger_fake_view", False):
            context["viewer"] = api_viewer(self.request)
        return context

    def list(self, request: Request) -> Response:
        page = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    def retrieve(self, request: Request, pk: str) -> Response:
        obj, standing = type(self).fetch(api_viewer(request), _pk(pk))
        return self._answer(obj, standing)

    # --- changes ---------------------------------------------------------------------------------

    def _for_change(self, pk: str, rule: str) -> tuple[Any, Person]:
        """The object and the acting member of staff, if the policy's ``<kind>.<rule>`` names
        them; else 404. Fetched as the pages' write paths fetch (the read is not logged: the
        change is)."""
        me = acting_person(self.request)
        obj, _ = type(self).fetch(Viewer.for_person(me), _pk(pk), action=rule)
        return obj, me

    def _body(self, serializer: type[Serializer]) -> dict[str, Any]:
        body = serializer(data=self.request.data)
        body.is_valid(raise_exception=True)
        return dict(body.validated_data)

    def _answer(self, obj: Any, standing: str = "") -> Response:
        viewer = api_viewer(self.request)
        context = {**self.get_serializer_context(), "viewer": viewer, "standing": standing}
        return Response(self.detail_serializer(obj, context=context).data)

    def _fresh(self, obj: Any) -> Any:
        viewer = api_viewer(self.request)
        found, _ = type(self).fetch(
            Viewer(user=viewer.user, person=viewer.person, on=viewer.on, now=timezone.now()), obj.pk
        )
        return found


@extend_schema_view(
    list=extend_schema(summary="People whose supervision files you may read", tags=["people"]),
    retrieve=extend_schema(summary="One person (the read is audited)", tags=["people"]),
)
class PersonViewSet(PolicyViewSet):
    kind = "person"
    queryset = Person.objects.none()
    list_serializer = s.PersonSerializer
    detail_serializer = s.PersonDetailSerializer
    related = ("team",)
    ordering = ("name", "pk")
    filterset_class = filters.PersonFilter
    fetch = staticmethod(policy.get_person_for)

    @extend_schema(
        summary="The items of this person's supervision file you may read (each read is audited; "
        "confidential ones only in confidence)",
        responses=quality_files.FileItemSerializer(many=True),
        filters=False,
        tags=["people"],
    )
    @action(detail=True, methods=["get"], url_path="file-items", filterset_class=None)
    def file_items(self, request: Request, pk: str) -> Response:
        return quality_files.file_items(self, request, _pk(pk))


@extend_schema_view(
    list=extend_schema(summary="Supervisory relationships you may read", tags=["relationships"]),
    retrieve=extend_schema(summary="One relationship (the read is audited)", tags=["relationships"]),
)
class RelationshipViewSet(PolicyViewSet):
    kind = "relationship"
    queryset = Relationship.objects.none()
    list_serializer = detail_serializer = s.RelationshipSerializer
    related = ("supervisor", "supervisee")
    ordering = ("-start", "-pk")
    filterset_class = filters.RelationshipFilter
    fetch = staticmethod(policy.get_relationship_for)


@extend_schema_view(
    list=extend_schema(summary="Supervision agreements you may read", tags=["agreements"]),
    retrieve=extend_schema(
        summary="One agreement with its sections (the read is audited; confidential ones as the policy allows)",
        tags=["agreements"],
    ),
)
class AgreementViewSet(PolicyViewSet):
    kind = "agreement"
    queryset = Agreement.objects.none()
    list_serializer = s.AgreementSerializer
    detail_serializer = s.AgreementDetailSerializer
    related = ("relationship",)
    prefetch = ("signatures",)
    ordering = ("-created_at", "-pk")
    filterset_class = filters.AgreementFilter
    fetch = staticmethod(policy.get_agreement_for)

    @extend_schema(
        summary="Sign the agreement as whichever party you are", request=s.EmptySerializer, tags=["agreements"]
    )
    @action(detail=True, methods=["post"])
    def sign(self, request: Request, pk: str) -> Response:
        agreement, me = self._for_change(pk, "sign")
        relationship = agreement.relationship
        party = party_of(me, relationship)
        if party not in signing_parties(relationship):
            raise Http404("No such agreement")
        if relationship.end is not None and relationship.end < timezone.localdate():
            raise ServiceError(
                "__all__", "This supervisory relationship has ended: its agreement can no longer be signed"
            )
        latest = relationship.agreements.order_by("-created_at", "-pk").first()
        if latest is not None and latest.pk != agreement.pk:
            raise ServiceError("__all__", "A newer agreement replaces this one: sign that one instead")
        agreement_sign(agreement=agreement, by=me, at=timezone.now())
        return self._answer(self._fresh(agreement))

    @extend_schema(
        summary="Record a review of the signed agreement", request=s.AgreementReviewSerializer, tags=["agreements"]
    )
    @action(detail=True, methods=["post"])
    def review(self, request: Request, pk: str) -> Response:
        agreement, me = self._for_change(pk, "review")
        body = self._body(s.AgreementReviewSerializer)
        agreement_review(agreement=agreement, by=me, on=body["on"], notes=body["notes"].strip())
        return self._answer(self._fresh(agreement))


@extend_schema_view(
    list=extend_schema(summary="Sessions you may read", tags=["sessions"]),
    retrieve=extend_schema(summary="One session (the read is audited)", tags=["sessions"]),
)
class SessionViewSet(PolicyViewSet):
    kind = "session"
    queryset = Session.objects.none()
    list_serializer = detail_serializer = s.SessionSerializer
    related = ("supervisor", "supervisee", "record")
    prefetch = ("attendees",)
    ordering = ("-date", "-pk")
    filterset_class = filters.SessionFilter
    fetch = staticmethod(policy.get_session_for)
    service_fields = {"on": "date"}

    @extend_schema(
        summary="Book a session with someone you supervise (or for a group of them)",
        request=s.ScheduleSerializer,
        tags=["sessions"],
    )
    @action(detail=False, methods=["post"])
    def schedule(self, request: Request) -> Response:
        me = acting_person(request)
        body = self._body(s.ScheduleSerializer)
        # Whom the caller may book for: the page's list (themselves excluded); anyone else is a 404.
        bookable = policy.supervision_people(Viewer.for_person(me)).exclude(pk=me.pk)

        def one(pk: int | None) -> Person | None:
            if pk is None:
                return None
            found = bookable.filter(pk=pk).first()
            if found is None:
                raise Http404("No such person")
            return found

        observer = None
        if body.get("observer") is not None:
            observer = Person.objects.filter(
                organisation_id=me.organisation_id, left__isnull=True, pk=body["observer"]
            ).first()
            if observer is None:
                raise Http404("No such person")
        session = session_schedule(
            organisation=me.organisation,
            by=me,
            kind=body["kind"],
            supervisor=me,
            date=body["date"],
            supervisee=one(body.get("supervisee")),
            attendees=[one(pk) for pk in body.get("attendees", [])],  # type: ignore[misc]
            observer=observer,
            start_time=body.get("start_time"),
            duration_minutes=body.get("duration_minutes"),
            place=body["place"],
            video=body["video"],
            group_model=body["group_model"],
        )
        return self._answer(self._fresh(session))

    @extend_schema(summary="Mark the session held: its draft record opens", request=s.HoldSerializer, tags=["sessions"])
    @action(detail=True, methods=["post"])
    def hold(self, request: Request, pk: str) -> Response:
        session, me = self._for_change(pk, "edit")
        body = self._body(s.HoldSerializer)
        session = session_hold(session=session, by=me, today=timezone.localdate(), late_reason=body["late_reason"])
        return self._answer(self._fresh(session))

    @extend_schema(summary="Cancel the session, saying why", request=s.CancelSerializer, tags=["sessions"])
    @action(detail=True, methods=["post"])
    def cancel(self, request: Request, pk: str) -> Response:
        session, me = self._for_change(pk, "cancel")
        body = self._body(s.CancelSerializer)
        session = session_cancel(
            session=session,
            by=me,
            cancelled_on=timezone.localdate(),
            reason=body["reason"],
            detail=body["detail"],
            return_to_work=body.get("return_to_work"),
        )
        return self._answer(self._fresh(session))

    @extend_schema(summary="Move the session to another date", request=s.MoveSerializer, tags=["sessions"])
    @action(detail=True, methods=["post"])
    def move(self, request: Request, pk: str) -> Response:
        session, me = self._for_change(pk, "edit")
        body = self._body(s.MoveSerializer)
        session = session_move(session=session, by=me, date=body["date"], start_time=body.get("start_time"))
        return self._answer(self._fresh(session))


@extend_schema_view(
    list=extend_schema(
        summary="Supervision records you may read (status only: the text is in each one)", tags=["records"]
    ),
    retrieve=extend_schema(
        summary="One record with its sections (the read is audited; confidential ones as the policy allows)",
        tags=["records"],
    ),
)
class RecordViewSet(PolicyViewSet):
    kind = "record"
    queryset = Record.objects.none()
    list_serializer = s.RecordSerializer
    detail_serializer = s.RecordDetailSerializer
    related = ("session",)
    ordering = ("-session__date", "-pk")
    filterset_class = filters.RecordFilter
    fetch = staticmethod(policy.get_record_for)

    def retrieve(self, request: Request, pk: str) -> Response:
        record, standing = policy.get_record_for(api_viewer(request), _pk(pk))
        # As the record's page does: a record whose answer time ran out (where silence is
        # agreement) is shown, and stored, as agreed.
        if record.status == Record.Status.SHARED and record_deem_agreed(record=record, today=timezone.localdate()):
            record.refresh_from_db()
        return self._answer(record, standing)

    @extend_schema(summary="Save the supervisor's draft", request=s.SaveDraftSerializer, tags=["records"])
    @action(detail=True, methods=["post"], url_path="save-draft", url_name="save-draft")
    def save_draft(self, request: Request, pk: str) -> Response:
        record, me = self._for_change(pk, "edit")
        body = self._body(s.SaveDraftSerializer)
        record = record_save_draft(
            record=record, by=me, content=body["content"], expected_version=body["expected_version"]
        )
        return self._answer(self._fresh(record))

    @extend_schema(summary="Share the record with the supervisee", request=s.SignOffSerializer, tags=["records"])
    @action(detail=True, methods=["post"])
    def share(self, request: Request, pk: str) -> Response:
        record, me = self._for_change(pk, "share")
        body = self._body(s.SignOffSerializer)
        record_share(record=record, by=me, on=timezone.localdate(), acknowledge_findings=body["acknowledge_findings"])
        return self._answer(self._fresh(record))

    @extend_schema(summary="Agree the shared record (the supervisee)", request=s.EmptySerializer, tags=["records"])
    @action(detail=True, methods=["post"])
    def agree(self, request: Request, pk: str) -> Response:
        record, me = self._for_change(pk, "agree")
        record_agree(record=record, by=me, on=timezone.localdate())
        return self._answer(self._fresh(record))

    @extend_schema(
        summary="Disagree with the shared record (the supervisee), in your own words",
        request=s.DisputeSerializer,
        tags=["records"],
    )
    @action(detail=True, methods=["post"])
    def dispute(self, request: Request, pk: str) -> Response:
        record, me = self._for_change(pk, "agree")
        body = self._body(s.DisputeSerializer)
        record_dispute(record=record, by=me, view=body["view"], on=timezone.localdate())
        return self._answer(self._fresh(record))

    @extend_schema(
        summary="Finalise an agreed or disputed record (the supervisor)", request=s.SignOffSerializer, tags=["records"]
    )
    @action(detail=True, methods=["post"])
    def finalise(self, request: Request, pk: str) -> Response:
        record, me = self._for_change(pk, "sign")
        body = self._body(s.SignOffSerializer)
        record_finalise(record=record, by=me, acknowledge_findings=body["acknowledge_findings"])
        return self._answer(self._fresh(record))


@extend_schema_view(
    list=extend_schema(
        summary="Case reviews and their directions you may read (the text is in each one)", tags=["case directions"]
    ),
    retrieve=extend_schema(
        summary="One case review with its direction (the read is audited)", tags=["case directions"]
    ),
)
class CaseDirectionViewSet(PolicyViewSet):
    kind = "case_review"
    queryset = CaseReview.objects.none()
    list_serializer = s.CaseDirectionSerializer
    detail_serializer = s.CaseDirectionDetailSerializer
    related = ("child",)
    ordering = ("-date", "-pk")
    filterset_class = filters.CaseDirectionFilter
    fetch = staticmethod(policy.get_case_review_for)

    @extend_schema(
        summary="Say the direction is entered on the child's record (LCS, EHM, Mosaic)",
        request=s.DatedSerializer,
        tags=["case directions"],
    )
    @action(detail=True, methods=["post"])
    def entered(self, request: Request, pk: str) -> Response:
        review, me = self._for_change(pk, "edit")
        body = self._body(s.DatedSerializer)
        case_direction_mark_entered(review=review, by=me, on=body["on"])
        return self._answer(self._fresh(review))


@extend_schema_view(
    list=extend_schema(
        summary="What is owed, by whom and by when, for the people whose files you may read "
        "(the obligation store, as last computed)",
        tags=["obligations"],
    ),
)
class ObligationViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    queryset = Obligation.objects.none()
    serializer_class = s.ObligationSerializer
    filterset_class = filters.ObligationFilter

    def get_queryset(self) -> QuerySet[Obligation]:
        if getattr(self, "swagger_fake_view", False):
            return self.queryset
        people = policy.visible(api_viewer(self.request), "person")
        return Obligation.objects.filter(person__in=people).order_by("due", "pk")

    def get_serializer_context(self) -> dict[str, Any]:
        context = dict(super().get_serializer_context())
        if not getattr(self, "swagger_fake_view", False):
            context["viewer"] = api_viewer(self.request)
        return context
