"""Which objects of each kind a viewer may see: querysets read off the same reach as the
per-object standings (oversight.access.standings), so the two cannot drift apart; the access
matrix test checks they agree on every persona and object."""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import Q, QuerySet

from oversight.cases.models import CaseReview, Child
from oversight.people.models import Person
from oversight.records.models import Record
from oversight.sessions.models import Session
from oversight.supervision.models import Agreement, Relationship

from .models import Grant
from .reach import CASE, GROUP, HR, INSPECTOR, INVESTIGATOR, LINE_MANAGEMENT, PERSON_ORDER, QA, SELF, Viewer

# --- which ones: querysets read off the same reach --------------------------------------------


def _none() -> Q:
    return Q(pk__in=[])


def visible_people(viewer: Viewer, standings: Iterable[str] | None = None) -> QuerySet[Person]:
    """Every person whose file the viewer may open (limited to ``standings`` if given)."""
    wanted = set(standings) if standings is not None else {SELF, *PERSON_ORDER}
    reach = viewer.reach
    ids: set[int] = set()
    if SELF in wanted and reach.person_id is not None:
        ids.add(reach.person_id)
    for standing in PERSON_ORDER:
        if standing in wanted:
            ids |= reach.ids(standing)
    return Person.objects.filter(pk__in=ids)


def _session_q(viewer: Viewer, prefix: str = "") -> Q:
    reach = viewer.reach
    me = viewer.pk

    def owned_by(ids: Iterable[int] | int) -> Q:
        if isinstance(ids, int):
            return Q(**{f"{prefix}supervisee_id": ids}) | Q(
                **{f"{prefix}supervisee__isnull": True, f"{prefix}attendees": ids}
            )
        ids = list(ids)
        return Q(**{f"{prefix}supervisee_id__in": ids}) | Q(
            **{f"{prefix}supervisee__isnull": True, f"{prefix}attendees__in": ids}
        )

    q = _none()
    if me is not None:
        q |= owned_by(me) | Q(**{f"{prefix}supervisor_id": me, f"{prefix}kind": GROUP})
    for standing in PERSON_ORDER:
        for kinds, ids in reach.by_kinds(standing).items():
            q |= owned_by(ids) & Q(**{f"{prefix}kind__in": sorted(kinds)})
    return q


def visible_sessions(viewer: Viewer) -> QuerySet[Session]:
    matching = Session.objects.filter(_session_q(viewer)).values("pk")
    return Session.objects.filter(pk__in=matching)


def visible_records(viewer: Viewer) -> QuerySet[Record]:
    return Record.objects.filter(session__in=visible_sessions(viewer))


def _relationship_q(viewer: Viewer, prefix: str = "") -> Q:
    reach = viewer.reach
    me = viewer.pk
    q = _none()
    if me is not None:
        lasting = Q(**{f"{prefix}end__isnull": True}) | Q(**{f"{prefix}end__gte": viewer.on})
        q |= Q(**{f"{prefix}supervisee_id": me})
        q |= Q(**{f"{prefix}supervisor_id": me}) & lasting
        q |= Q(**{f"{prefix}delegated": True, f"{prefix}supervisee__line_manager_id": me})
        q |= Q(
            **{
                f"{prefix}supervisor_id__in": list(reach.below),
                f"{prefix}supervisee_id__in": list(reach.people[LINE_MANAGEMENT]),
            }
        )
    oversight: set[int] = set()
    for standing in (INVESTIGATOR, INSPECTOR, QA, HR):
        oversight |= reach.ids(standing)
    if oversight:
        q |= Q(**{f"{prefix}supervisee_id__in": list(oversight)})
    return q


def visible_relationships(viewer: Viewer) -> QuerySet[Relationship]:
    return Relationship.objects.filter(_relationship_q(viewer))


def visible_agreements(viewer: Viewer) -> QuerySet[Agreement]:
    return Agreement.objects.filter(_relationship_q(viewer, "relationship__"))


def visible_children(viewer: Viewer) -> QuerySet[Child]:
    return Child.objects.filter(worker_id__in=viewer.reach.every_id(CASE))


def visible_case_reviews(viewer: Viewer) -> QuerySet[CaseReview]:
    return CaseReview.objects.filter(child__worker_id__in=viewer.reach.every_id(CASE))


def visible_grants(viewer: Viewer) -> QuerySet[Grant]:
    q = Q(organisation_id__in=list(viewer.reach.senior_manager_of))
    if getattr(viewer.user, "is_authenticated", False):
        q |= Q(holder_id=viewer.user.pk)
    return Grant.objects.filter(q)
