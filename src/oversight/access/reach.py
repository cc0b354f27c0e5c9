"""Who is asking (``Viewer``) and what they reach (``Reach``).

A ``Reach`` says, for each standing, whose supervision files the viewer reaches that way and,
for each person, the kinds of supervision it covers. The per-object answer
(oversight.access.standings, ``standing_of``) and the querysets (oversight.access.selectors,
``visible_*``) are both read off that one reach, so "may I see this one" and "which ones may I
see" cannot drift apart (tests/test_access_matrix.py checks they agree on every persona and
object).

Standings on a person's file, strongest first:

- ``self``: the supervisee's own file.
- ``supervisor``: a current supervisory relationship (Leeds 4.12: a previous supervisor loses
  access when it ends), for the kinds it covers (Lambeth 3.6 split supervision).
- ``line management``: above a current supervisor in the line-management chain, for that
  supervisor's kinds (Bristol 5.9: supervisor, line manager, service manager). Read only.
- ``investigator``: a live grant on this one person (Leeds 4.16). Read only.
- ``inspector``: a live grant over the person's service (Leeds 4.16, Blackpool 8). Read only.
- ``qa``: a quality-assurance capability in the person's service (Bristol 5.10, Leeds 4.16 and
  4.19). Read only; each read asks for a purpose and is logged with it.
- ``hr``: an HR capability, and only for leavers: ``left`` set and before today (Leeds 4.15,
  Buckinghamshire "leavers"). Never the file of current staff. Read only, purpose asked.

On a session or record the supervisee is ``supervisee`` and the supervisor who leads it is
``supervisor`` while a current relationship covers its kind (the leader of a group session
keeps it). A current supervisor who did not lead it reads it as ``current supervisor``.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import cached_property
from typing import Any

from django.db import connection
from django.db.models import Q
from django.http import HttpRequest
from django.utils import timezone

from oversight.people.models import Person
from oversight.supervision.models import ALL_KINDS, Relationship

from .models import Grant, StaffCapability

SELF = "self"
SUPERVISEE = "supervisee"
SUPERVISOR = "supervisor"
CURRENT_SUPERVISOR = "current supervisor"
LINE_MANAGEMENT = "line management"
DELEGATED_LINE_MANAGER = "line manager"  # signs off delegated supervision (Bristol 3.9)
INVESTIGATOR = "investigator"
INSPECTOR = "inspector"
QA = "qa"
HR = "hr"
HOLDER = "holder"
SENIOR_MANAGER = "senior manager"

# Standings on a person's file, in the order a person's standing is named.
PERSON_ORDER = (SUPERVISOR, LINE_MANAGEMENT, INVESTIGATOR, INSPECTOR, QA, HR)
# Read-only standings from outside the supervisory relationship: every read is logged.
OVERSIGHT = frozenset({INVESTIGATOR, INSPECTOR, QA, HR})
# Of those, the ones asked for a purpose (a grant's purpose is its recorded reason).
PURPOSE_ASKED = frozenset({QA, HR})
# The standings that make up someone's working list (home page, booking form).
SUPERVISION = frozenset({SELF, SUPERVISOR, LINE_MANAGEMENT})

KINDS: frozenset[str] = frozenset(ALL_KINDS)
CASE = "case"
GROUP = "group"
PURPOSES_KEY = "access.purposes"  # request.session: {person pk: the purpose stated for their file}


def kinds_of(kinds: Iterable[str] | None) -> frozenset[str]:
    """A relationship's kinds; none listed means all."""
    listed = frozenset(kinds or ())
    return listed if listed else KINDS


def active_on(on: date, prefix: str = "") -> Q:
    """Relationships (or ``prefix``ed relations) current on ``on``."""
    return Q(**{f"{prefix}start__lte": on}) & (Q(**{f"{prefix}end__isnull": True}) | Q(**{f"{prefix}end__gte": on}))


def reports_below(person: Person) -> set[int]:
    """Everyone under ``person`` in the line-management tree (cycles cut).

    One recursive query walks down from ``person`` only (UNION, not UNION ALL, so a cycle
    ends when it comes round again), rather than reading the whole organisation's tree on
    every request."""
    table = Person._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"WITH RECURSIVE below(id) AS ("
            f" SELECT id FROM {table} WHERE line_manager_id = %s AND organisation_id = %s"
            f" UNION SELECT p.id FROM {table} p JOIN below b ON p.line_manager_id = b.id"
            f" WHERE p.organisation_id = %s"
            f") SELECT id FROM below",
            [person.pk, person.organisation_id, person.organisation_id],
        )
        return {pk for (pk,) in cursor.fetchall() if pk != person.pk}


@dataclass(frozen=True)
class Reach:
    """What one viewer reaches at one moment. ``people[standing][person pk]`` is the set of
    kinds of supervision that standing covers on that person's file."""

    person_id: int | None
    organisation_ids: frozenset[int]
    people: dict[str, dict[int, frozenset[str]]]
    below: frozenset[int]  # line-management reports, for agreements (above the relationship's supervisor)
    grants: tuple[Grant, ...]
    senior_manager_of: frozenset[int]  # organisations where the viewer is a senior manager

    def standing_on(self, person_id: int | None, kind: str | None = None) -> str | None:
        """The viewer's standing on a person's file (for ``kind`` of supervision, if given)."""
        if person_id is None:
            return None
        if person_id == self.person_id:
            return SELF
        for standing in PERSON_ORDER:
            kinds = self.people[standing].get(person_id)
            if kinds and (kind is None or kind in kinds):
                return standing
        return None

    def ids(self, standing: str, kind: str | None = None) -> set[int]:
        return {pk for pk, kinds in self.people[standing].items() if kind is None or kind in kinds}

    def by_kinds(self, standing: str) -> dict[frozenset[str], list[int]]:
        """The people reached by ``standing``, grouped by the kinds it covers."""
        grouped: dict[frozenset[str], list[int]] = defaultdict(list)
        for pk, kinds in self.people[standing].items():
            grouped[kinds].append(pk)
        return grouped

    def every_id(self, kind: str | None = None) -> set[int]:
        ids = {self.person_id} if self.person_id is not None else set()
        for standing in PERSON_ORDER:
            ids |= self.ids(standing, kind)
        return ids

    def grant_for(self, person_id: int, standing: str) -> Grant | None:
        """The live grant that gives ``standing`` on ``person_id``."""
        for grant in self.grants:
            if standing == INVESTIGATOR and grant.kind == Grant.Kind.INVESTIGATOR and grant.subject_id == person_id:
                return grant
            if standing == INSPECTOR and grant.kind == Grant.Kind.INSPECTOR:
                if person_id in self._service_people.get(grant.service_id or 0, ()):
                    return grant
        return None

    @cached_property
    def _service_people(self) -> dict[int, set[int]]:
        services = {g.service_id for g in self.grants if g.service_id}
        found: dict[int, set[int]] = defaultdict(set)
        for pk, service in Person.objects.filter(team__service_id__in=services).values_list("pk", "team__service"):
            found[service].add(pk)
        return found


def compute_reach(user: Any, person: Person | None, on: date, now: datetime) -> Reach:
    people: dict[str, dict[int, frozenset[str]]] = {standing: {} for standing in PERSON_ORDER}

    def add(standing: str, pk: int, kinds: frozenset[str]) -> None:
        people[standing][pk] = people[standing].get(pk, frozenset()) | kinds

    organisation_ids: set[int] = set()
    below: set[int] = set()
    senior_manager_of: set[int] = set()
    if person is not None:
        organisation_ids.add(person.organisation_id)
        current = Relationship.objects.filter(active_on(on), organisation_id=person.organisation_id)
        for supervisee, kinds in current.filter(supervisor=person).values_list("supervisee_id", "kinds"):
            add(SUPERVISOR, supervisee, kinds_of(kinds))
        below = reports_below(person)
        if below:
            for supervisee, kinds in current.filter(supervisor_id__in=below).values_list("supervisee_id", "kinds"):
                add(LINE_MANAGEMENT, supervisee, kinds_of(kinds))
        capabilities = list(
            StaffCapability.objects.filter(person=person, created__lte=now).exclude(revoked_at__lte=now)
        )
        if person.left is not None and person.left < on:
            capabilities = []  # a leaver's capabilities lapse with their employment
        # A QA capability always names a service (constraint qa_capability_names_a_service).
        qa_services = {
            c.service_id
            for c in capabilities
            if c.capability == StaffCapability.Capability.QA and c.service_id is not None
        }
        if qa_services:
            in_services = Person.objects.filter(
                organisation_id=person.organisation_id, team__service_id__in=qa_services
            )
            for pk in in_services.values_list("pk", flat=True):
                add(QA, pk, KINDS)
        if any(c.capability == StaffCapability.Capability.HR for c in capabilities):
            leavers = Person.objects.filter(organisation_id=person.organisation_id, left__lt=on)
            for pk in leavers.values_list("pk", flat=True):
                add(HR, pk, KINDS)
        if any(c.capability == StaffCapability.Capability.SENIOR_MANAGER for c in capabilities):
            senior_manager_of.add(person.organisation_id)
    grants: tuple[Grant, ...] = ()
    if getattr(user, "is_authenticated", False):
        grants = tuple(
            Grant.objects.filter(holder=user, starts__lte=now, expires__gt=now)
            .exclude(revoked_at__lte=now)
            .select_related("service", "subject")
        )
        for grant in grants:
            organisation_ids.add(grant.organisation_id)
            if grant.kind == Grant.Kind.INVESTIGATOR and grant.subject_id is not None:
                add(INVESTIGATOR, grant.subject_id, KINDS)
        # An inspector's grant always names a service (constraint grant_scope_matches_kind).
        services = {g.service_id for g in grants if g.kind == Grant.Kind.INSPECTOR and g.service_id is not None}
        if services:
            scoped = Person.objects.filter(team__service_id__in=services)
            for pk in scoped.values_list("pk", flat=True):
                add(INSPECTOR, pk, KINDS)
    return Reach(
        person_id=person.pk if person is not None else None,
        organisation_ids=frozenset(organisation_ids),
        people=people,
        below=frozenset(below),
        grants=grants,
        senior_manager_of=frozenset(senior_manager_of),
    )


class PurposeRequired(Exception):
    """A quality-assurance or HR read of a file for which no purpose was stated this session."""

    def __init__(self, subject: Person):
        self.subject = subject
        super().__init__(f"purpose required for file {subject.pk}")


@dataclass(eq=False)
class Viewer:
    """Whoever is asking: a signed-in user, with their staff record if they have one (an
    inspector has none), at one moment. Built from a request (``for_request``: purposes are
    asked and reads logged) or from a member of staff alone (``for_person``: for write paths,
    which refuse every read-only standing anyway)."""

    user: Any
    person: Person | None
    on: date
    now: datetime
    session: Any = None  # request.session where purposes are kept; None outside a request
    offered_purpose: str = ""
    _memo: dict[tuple[str, Any], str | None] = field(default_factory=dict, repr=False)

    @classmethod
    def for_person(cls, person: Person, on: date | None = None) -> Viewer:
        now = timezone.now()
        return cls(user=person.user, person=person, on=on or timezone.localdate(now), now=now)

    @classmethod
    def for_request(cls, request: HttpRequest) -> Viewer:
        cached = getattr(request, "_access_viewer", None)
        if cached is not None:
            return cached
        user = request.user
        person = getattr(user, "person", None) if user.is_authenticated else None
        now = timezone.now()
        offered = request.GET.get("purpose", "") or (
            request.POST.get("purpose", "") if request.method == "POST" else ""
        )
        viewer = cls(
            user=user,
            person=person,
            on=timezone.localdate(now),
            now=now,
            session=getattr(request, "session", None),
            offered_purpose=" ".join(offered.split())[:300],
        )
        request._access_viewer = viewer  # type: ignore[attr-defined]
        return viewer

    @classmethod
    def of(cls, who: Viewer | Person, on: date | None = None) -> Viewer:
        return who if isinstance(who, Viewer) else cls.for_person(who, on)

    # What code written for a Person reads off a viewer (templates, staff_standing).
    @property
    def pk(self) -> int | None:
        return self.person.pk if self.person is not None else None

    @property
    def organisation_id(self) -> int | None:
        if self.person is not None:
            return self.person.organisation_id
        return min(self.reach.organisation_ids) if self.reach.organisation_ids else None

    @property
    def interactive(self) -> bool:
        return self.session is not None

    @property
    def known(self) -> bool:
        """A member of staff, or someone holding a live grant: anyone else sees no page."""
        return self.person is not None or bool(self.reach.grants)

    @cached_property
    def reach(self) -> Reach:
        return compute_reach(self.user, self.person, self.on, self.now)

    def __str__(self) -> str:
        if self.person is not None:
            return str(self.person)
        name = self.user.get_full_name() or self.user.get_username()
        return f"{name} (no staff record)"

    def memo(self, kind: str, pk: int, compute: Any) -> str | None:
        key = (kind, pk)
        if key not in self._memo:
            self._memo[key] = compute()
        return self._memo[key]

    def first_time(self, *key: Any) -> bool:
        """True the first time ``key`` is asked about in this request (one audit row per read)."""
        marker = ("once", hash(key))
        if marker in self._memo:
            return False
        self._memo[marker] = None
        return True

    def purpose_for(self, subject: Person, standing: str) -> str:
        """Why the viewer reads ``subject``'s file: a grant's recorded reason, or the purpose
        stated once per file per session (``?purpose=`` states it too). Raises
        ``PurposeRequired`` when quality assurance or HR has not stated one."""
        if standing in (INSPECTOR, INVESTIGATOR):
            grant = self.reach.grant_for(subject.pk, standing)
            return f"{grant}: {grant.reason}" if grant is not None else ""
        if standing not in PURPOSE_ASKED or self.session is None:
            return ""
        stated: dict[str, str] = dict(self.session.get(PURPOSES_KEY, {}))
        if self.offered_purpose:
            stated[str(subject.pk)] = self.offered_purpose
            self.session[PURPOSES_KEY] = stated
        purpose = stated.get(str(subject.pk), "")
        if not purpose:
            raise PurposeRequired(subject)
        return purpose

    def state_purpose(self, subject: Person, purpose: str) -> None:
        if self.session is None:
            return
        stated: dict[str, str] = dict(self.session.get(PURPOSES_KEY, {}))
        stated[str(subject.pk)] = " ".join(purpose.split())[:300]
        self.session[PURPOSES_KEY] = stated
