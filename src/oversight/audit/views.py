"""Who has seen my file: a supervisee reads the audit trail of their own supervision file."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import CharField, Q, QuerySet
from django.db.models.functions import Cast
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from oversight.people.models import Person
from oversight.people.views import current_person
from oversight.records.models import Record
from oversight.sessions.models import Session
from oversight.supervision.models import Agreement, Relationship

from .models import AuditEvent

PER_PAGE = 50

# What an action means to the person whose file it is; others show as they are stored.
ACTION_TEXT = {
    "person_file.view": "Viewed your supervision file",
    "session.schedule": "Booked a session",
    "session.move": "Moved a session",
    "session.cancel": "Cancelled a session",
    "session.hold": "Recorded a session as held",
    "record.open": "Started the record of a session",
    "record.save": "Edited the record of a session",
    "record.share": "Shared the record with you",
    "record.agree": "Agreed the record",
    "record.deemed_agreed": "Record agreed by silence when the time to answer ran out",
    "record.dispute": "Disagreed with the record",
    "record.finalise": "Finalised the record",
    "record.addendum": "Added an addendum to the record",
    "action.add": "Added an action to the record",
    "action.complete": "Marked an action done",
    "relationship.start": "Recorded who supervises you",
    "relationship.end": "Recorded the end of a supervision arrangement",
    "agreement.create": "Drew up your supervision agreement",
    "agreement.sign.supervisor": "Signed your agreement as supervisor",
    "agreement.sign.supervisee": "Signed your agreement as supervisee",
    "agreement.review": "Reviewed your supervision agreement",
}


def _ids_as_text(queryset: QuerySet[Any]) -> QuerySet[Any, dict[str, Any]]:
    """The primary keys as text, to compare with AuditEvent.object_id in a subquery."""
    return queryset.annotate(key=Cast("pk", CharField())).values("key")


def events_about(person: Person) -> QuerySet[AuditEvent]:
    """Every audit event about ``person``'s supervision file, newest first: their Person,
    their sessions (one-to-one or group), the records of those sessions, their
    supervision relationships and agreements."""
    sessions = Session.objects.filter(Q(supervisee=person) | Q(attendees=person))
    relationships = Relationship.objects.filter(supervisee=person)
    about = Q(object_type=Person._meta.label_lower, object_id=str(person.pk))
    for model, queryset in (
        (Session, sessions),
        (Record, Record.objects.filter(session__in=sessions)),
        (Relationship, relationships),
        (Agreement, Agreement.objects.filter(relationship__in=relationships)),
    ):
        about |= Q(object_type=model._meta.label_lower, object_id__in=_ids_as_text(queryset))
    return AuditEvent.objects.filter(about, organisation_id=person.organisation_id).order_by("-seq")


@login_required
def my_file(request: HttpRequest) -> HttpResponse:
    """Who has read or changed my supervision file, acting as what, when, and why."""
    me = current_person(request)
    page = Paginator(events_about(me), PER_PAGE).get_page(request.GET.get("page"))
    rows = [
        {"event": event, "what": ACTION_TEXT.get(event.action, event.action.replace("_", " ").replace(".", ": "))}
        for event in page
    ]
    return render(request, "audit/my_file.html", {"nav_section": "home", "me": me, "page": page, "rows": rows})
