"""Filters for the lists (django-filter): team, role, status and date ranges. A bad value is a
400 naming the parameter. Teams and people offered as filter values are only those in the
caller's organisations, so a filter tells nobody what exists elsewhere."""

from __future__ import annotations

from typing import Any

import django_filters as filters
from django import forms
from django.db.models import Q, QuerySet

from oversight.cases.models import CaseReview, Child
from oversight.compliance.models import OPEN_STATUSES, OVERDUE_STATUSES, Obligation
from oversight.people.models import Person, Team
from oversight.records.models import Record
from oversight.sessions.models import Session
from oversight.supervision.models import Agreement, Relationship

from .access import api_viewer


class TrueOrFalseField(forms.Field):
    """true or false (also 1/0, yes/no); anything else is an error, not silently no filter."""

    def to_python(self, value: Any) -> bool | None:
        if value in (None, ""):
            return None
        text = str(value).strip().lower()
        if text in ("true", "1", "yes"):
            return True
        if text in ("false", "0", "no"):
            return False
        raise forms.ValidationError("Give true or false")


class BooleanFilter(filters.BooleanFilter):
    field_class = TrueOrFalseField


def _teams(request: Any) -> QuerySet[Team]:
    if request is None:
        return Team.objects.none()
    return Team.objects.filter(organisation_id__in=list(api_viewer(request).reach.organisation_ids))


def _people(request: Any) -> QuerySet[Person]:
    if request is None:
        return Person.objects.none()
    return Person.objects.filter(organisation_id__in=list(api_viewer(request).reach.organisation_ids))


def team_filter(field_name: str) -> filters.ModelChoiceFilter:
    return filters.ModelChoiceFilter(field_name=field_name, queryset=_teams, help_text="A team's id")


def person_filter(field_name: str, help_text: str) -> filters.ModelChoiceFilter:
    return filters.ModelChoiceFilter(field_name=field_name, queryset=_people, help_text=help_text)


def date_from(field_name: str) -> filters.DateFilter:
    return filters.DateFilter(field_name=field_name, lookup_expr="gte", help_text="On or after (YYYY-MM-DD)")


def date_to(field_name: str) -> filters.DateFilter:
    return filters.DateFilter(field_name=field_name, lookup_expr="lte", help_text="On or before (YYYY-MM-DD)")


class PersonFilter(filters.FilterSet):
    team = team_filter("team")
    role = filters.CharFilter(field_name="role", help_text="A role of the council's policy, e.g. social_worker")
    employment = filters.ChoiceFilter(choices=Person.Employment.choices)
    leaver = BooleanFilter(field_name="left", lookup_expr="isnull", exclude=True, help_text="true: leavers only")
    started_from = date_from("started")
    started_to = date_to("started")

    class Meta:
        model = Person
        fields: list[str] = []


class RelationshipFilter(filters.FilterSet):
    supervisor = person_filter("supervisor", "The supervisor's id")
    supervisee = person_filter("supervisee", "The supervisee's id")
    team = team_filter("supervisee__team")
    current = BooleanFilter(method="filter_current", help_text="true: not ended; false: ended")
    start_from = date_from("start")
    start_to = date_to("start")

    class Meta:
        model = Relationship
        fields: list[str] = []

    def filter_current(self, queryset: QuerySet[Relationship], name: str, value: bool) -> QuerySet[Relationship]:
        ended = Q(end__isnull=False)
        return queryset.exclude(ended) if value else queryset.filter(ended)


class AgreementFilter(filters.FilterSet):
    relationship = filters.NumberFilter(field_name="relationship", help_text="The relationship's id")
    supervisee = person_filter("relationship__supervisee", "The supervisee's id")
    team = team_filter("relationship__supervisee__team")
    created_from = date_from("created_at__date")
    created_to = date_to("created_at__date")

    class Meta:
        model = Agreement
        fields: list[str] = []


class SessionFilter(filters.FilterSet):
    status = filters.ChoiceFilter(choices=Session.Status.choices)
    kind = filters.ChoiceFilter(choices=Session.Kind.choices)
    supervisor = person_filter("supervisor", "The supervisor's id")
    supervisee = person_filter("supervisee", "The supervisee's id")
    team = team_filter("supervisee__team")
    role = filters.CharFilter(field_name="supervisee__role", help_text="The supervisee's role")
    date_from = date_from("date")
    date_to = date_to("date")

    class Meta:
        model = Session
        fields: list[str] = []


class RecordFilter(filters.FilterSet):
    status = filters.ChoiceFilter(choices=Record.Status.choices)
    supervisor = person_filter("session__supervisor", "The supervisor's id")
    supervisee = person_filter("session__supervisee", "The supervisee's id")
    team = team_filter("session__supervisee__team")
    role = filters.CharFilter(field_name="session__supervisee__role", help_text="The supervisee's role")
    date_from = date_from("session__date")
    date_to = date_to("session__date")

    class Meta:
        model = Record
        fields: list[str] = []


class CaseDirectionFilter(filters.FilterSet):
    entered = BooleanFilter(
        field_name="direction_recorded", lookup_expr="isnull", exclude=True, help_text="Entered on the child's record"
    )
    child_status = filters.ChoiceFilter(field_name="child__status", choices=Child.Status.choices)
    worker = person_filter("child__worker", "The child's allocated worker's id")
    team = team_filter("child__worker__team")
    date_from = date_from("date")
    date_to = date_to("date")

    class Meta:
        model = CaseReview
        fields: list[str] = []


class ObligationFilter(filters.FilterSet):
    kind = filters.CharFilter(field_name="kind", help_text="e.g. supervision, case_review, agreement, record_shared")
    status = filters.CharFilter(field_name="status", help_text="As computed: overdue, upcoming, pending, met, late ...")
    overdue = BooleanFilter(method="filter_overdue", help_text="true: not done and past due today")
    person = person_filter("person", "Whom it concerns: the supervisee, the worker, or the supervisor (ratio)")
    team = team_filter("person__team")
    role = filters.CharFilter(field_name="person__role", help_text="The role of the person it concerns")
    due_from = date_from("due")
    due_to = date_to("due")

    class Meta:
        model = Obligation
        fields: list[str] = []

    def filter_overdue(self, queryset: QuerySet[Obligation], name: str, value: bool) -> QuerySet[Obligation]:
        today = api_viewer(self.request).on
        overdue = Q(status__in=OVERDUE_STATUSES) | Q(status__in=OPEN_STATUSES, due__lt=today)
        return queryset.filter(overdue) if value else queryset.exclude(overdue)
