"""The access policy, in one place: "may this viewer do this to this object" (``may``), "which
objects of this kind may this viewer see" (``visible``), and fetch-and-check in one call for
the pages (``get_*_for``: the object and the viewer's standing, or a 404 that says nothing about
whether it exists).

Both questions are answered from the same reach (oversight.access.standings) through the same
rules (oversight.access.rules), in the manner of Wagtail's permission policies and Data Hub's
permission class with its queryset filter.

Reads from outside the supervisory relationship (quality assurance, HR, inspector,
investigating officer) write an audit row with the standing and the purpose. Quality assurance
and HR state the purpose once per file per session (a page asks, or ``?purpose=``); a grant's
purpose is the reason recorded on it.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from functools import wraps
from typing import Any
from urllib.parse import urlencode

from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse

from oversight.audit.services import audit_event
from oversight.cases.models import CaseReview, Child
from oversight.people.models import Person
from oversight.records.models import Record
from oversight.sessions.models import Session
from oversight.supervision.models import Agreement, Relationship

from .models import Grant
from .reach import OVERSIGHT, SUPERVISION, PurposeRequired, Viewer
from .rules import ACCESS_RULES, KIND_OF
from .selectors import (
    visible_agreements,
    visible_case_reviews,
    visible_children,
    visible_grants,
    visible_people,
    visible_records,
    visible_relationships,
    visible_sessions,
)
from .standings import AuditTrail, person_standing, standing_of, subject_of

VISIBLE: dict[str, Callable[[Viewer], QuerySet[Any]]] = {
    "person": visible_people,
    "session": visible_sessions,
    "record": visible_records,
    "relationship": visible_relationships,
    "agreement": visible_agreements,
    "child": visible_children,
    "case_review": visible_case_reviews,
    "grant": visible_grants,
}

# What each kind is called in the audit trail when read ("person_file.view", "record.view").
AUDIT_LABEL = {
    "person": "person_file",
    "session": "session",
    "record": "record",
    "relationship": "relationship",
    "agreement": "agreement",
    "child": "caseload",
    "case_review": "case_review",
}


def may(who: Viewer | Person, action: str, obj: Any) -> bool:
    """May ``who`` do ``action`` to ``obj``? Unknown actions are refused."""
    if obj is None:
        return False
    kind = KIND_OF.get(type(obj).__name__)
    if kind is None:
        return False
    return ACCESS_RULES.test_rule(f"{kind}.{action}", Viewer.of(who), obj)


def visible(who: Viewer | Person, kind: str) -> QuerySet[Any]:
    """Every object of ``kind`` that ``who`` may see (``may(who, "view", obj)`` for each)."""
    return VISIBLE[kind](Viewer.of(who))


def supervision_people(who: Viewer | Person) -> QuerySet[Person]:
    """The people on ``who``'s working list: themselves, the people they supervise and the
    people supervised below them in line management. (Oversight standings read files but
    book nothing.)"""
    return visible_people(Viewer.of(who), SUPERVISION)


def audit_trail_of(person: Person) -> AuditTrail:
    return AuditTrail(person)


# --- requests ------------------------------------------------------------------------------------


def current_viewer(request: HttpRequest) -> Viewer:
    """The signed-in viewer: a member of staff, or the holder of a live grant. Anyone else
    gets a 404, as ``current_person`` does."""
    viewer = Viewer.for_request(request)
    if not request.user.is_authenticated or not viewer.known:
        raise Http404("Your sign-in is not linked to a member of staff or a live grant")
    return viewer


def purpose_url(subject: Person, next_url: str) -> str:
    return reverse("access:purpose", args=[subject.pk]) + "?" + urlencode({"next": next_url})


def asks_purpose(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """For pages that read a file: quality assurance and HR are sent to state their purpose
    (once per file per session) and then brought back."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        try:
            return view(request, *args, **kwargs)
        except PurposeRequired as needed:
            return HttpResponseRedirect(purpose_url(needed.subject, request.get_full_path()))

    return wrapped


# --- fetch-and-check -----------------------------------------------------------------------------


def _organisation_id(obj: Any) -> int | None:
    if isinstance(obj, Record):
        return obj.session.organisation_id
    if isinstance(obj, Agreement):
        return obj.relationship.organisation_id
    if isinstance(obj, CaseReview):
        return obj.child.organisation_id
    return getattr(obj, "organisation_id", None)


def check(viewer: Viewer, obj: Any, action: str = "view", *, standing: str | None = None) -> str:
    """The viewer's standing on ``obj`` if they may do ``action`` to it, else 404. Every read
    from a page is logged; an oversight read (QA, HR, inspector, investigator) states its purpose."""
    if obj is None:
        raise Http404("Not found")
    standing = standing if standing is not None else standing_of(viewer, obj)
    if standing is None or (action != "view" and not may(viewer, action, obj)):
        raise Http404("Not found")
    if viewer.interactive:
        # Every read from a page is logged (issue 4); oversight readers also state a purpose.
        subject = subject_of(obj)
        purpose = viewer.purpose_for(subject, standing) if subject is not None and standing in OVERSIGHT else ""
        kind = KIND_OF[type(obj).__name__]
        if viewer.first_time(kind, action, obj.pk):
            audit_event(
                actor=viewer,
                action=f"{AUDIT_LABEL.get(kind, kind)}.{action}",
                obj=obj,
                organisation_id=_organisation_id(obj),
                acting_as=standing,
                purpose=purpose,
                detail={"user": viewer.user.pk},
            )
    return standing


def _in_reach(queryset: QuerySet[Any], viewer: Viewer, field: str) -> QuerySet[Any]:
    return queryset.filter(**{f"{field}__in": list(viewer.reach.organisation_ids)})


def get_person_for(
    who: Viewer | Person, pk: int, on: date | None = None, *, kind: str | None = None, action: str = "view"
) -> tuple[Person, str]:
    """The person and the viewer's standing on their file (for ``kind`` of supervision if
    given), or 404."""
    viewer = Viewer.of(who, on)
    subject = (
        _in_reach(Person.objects.filter(pk=pk), viewer, "organisation_id")
        .select_related("organisation", "team", "line_manager")
        .first()
    )
    standing = person_standing(viewer, subject, kind) if subject is not None else None
    if standing is None:
        raise Http404("No such person")
    return subject, check(viewer, subject, action, standing=standing)  # type: ignore[return-value]


def get_session_for(who: Viewer | Person, pk: int, action: str = "view") -> tuple[Session, str]:
    viewer = Viewer.of(who)
    session = (
        _in_reach(Session.objects.filter(pk=pk), viewer, "organisation_id")
        .select_related("supervisor", "supervisee", "organisation")
        .first()
    )
    return session, check(viewer, session, action)  # type: ignore[return-value]


def get_record_for(who: Viewer | Person, pk: int, action: str = "view") -> tuple[Record, str]:
    viewer = Viewer.of(who)
    record = (
        _in_reach(Record.objects.filter(pk=pk), viewer, "session__organisation_id")
        .select_related("session__supervisor", "session__supervisee", "session__organisation")
        .first()
    )
    return record, check(viewer, record, action)  # type: ignore[return-value]


def get_relationship_for(
    who: Viewer | Person, pk: int, on: date | None = None, action: str = "view"
) -> tuple[Relationship, str]:
    viewer = Viewer.of(who, on)
    relationship = (
        _in_reach(Relationship.objects.filter(pk=pk), viewer, "organisation_id")
        .select_related("supervisor", "supervisee", "organisation")
        .first()
    )
    return relationship, check(viewer, relationship, action)  # type: ignore[return-value]


def get_agreement_for(
    who: Viewer | Person, pk: int, on: date | None = None, action: str = "view"
) -> tuple[Agreement, str]:
    viewer = Viewer.of(who, on)
    agreement = (
        _in_reach(Agreement.objects.filter(pk=pk), viewer, "relationship__organisation_id")
        .select_related("relationship__supervisor", "relationship__supervisee", "relationship__organisation")
        .first()
    )
    return agreement, check(viewer, agreement, action)  # type: ignore[return-value]


def get_child_for(who: Viewer | Person, pk: int, on: date | None = None, action: str = "view") -> tuple[Child, str]:
    viewer = Viewer.of(who, on)
    child = (
        _in_reach(Child.objects.filter(pk=pk), viewer, "organisation_id")
        .select_related("worker", "organisation")
        .first()
    )
    return child, check(viewer, child, action)  # type: ignore[return-value]


def get_case_review_for(
    who: Viewer | Person, pk: int, on: date | None = None, action: str = "view"
) -> tuple[CaseReview, str]:
    viewer = Viewer.of(who, on)
    review = (
        _in_reach(CaseReview.objects.filter(pk=pk), viewer, "child__organisation_id")
        .select_related("child__worker", "child__organisation", "by", "recorded_by", "session")
        .first()
    )
    return review, check(viewer, review, action)  # type: ignore[return-value]


def get_grant_for(who: Viewer | Person, pk: int, action: str = "view") -> tuple[Grant, str]:
    viewer = Viewer.of(who)
    grant = Grant.objects.filter(pk=pk).select_related("holder", "service", "subject", "created_by").first()
    if grant is None or not may(viewer, action, grant):
        raise Http404("No such grant")
    return grant, standing_of(viewer, grant) or "senior manager"
