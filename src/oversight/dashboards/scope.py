"""Which dashboards a viewer may open, and whose figures each one counts.

Read off the one access policy (oversight.access.reach): a dashboard counts only people whose
files the viewer reaches as supervisor, through line management or as quality assurance, and
for each of them only the kinds of supervision that standing covers (Lambeth 3.6: a case-only
supervisor sees case figures only). Nothing here widens the policy:

- supervisor: anyone who supervises someone now; their current supervisees.
- team: the team's manager and the line-management chain above (their line-management tree
  reaches into the team), and quality assurance in the team's service.
- service: whoever's line-management tree reaches every team of the service (the service
  manager and those above), quality assurance in that service, and senior managers.
- authority: senior managers (the ``senior_manager`` capability) and whoever sits at the top
  of the line-management tree. The policy gives neither an authority-wide reach, so the
  authority dashboard counts the people their reach covers.

Anyone else gets a 404, as everywhere.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from functools import cached_property

from django.db.models import Q
from django.http import Http404

from oversight.access.reach import CASE, KINDS, LINE_MANAGEMENT, QA, SUPERVISOR, Viewer
from oversight.organisations.models import Organisation
from oversight.people.models import Person, Service, Team

SUPERVISOR_LEVEL = "supervisor"
TEAM_LEVEL = "team"
SERVICE_LEVEL = "service"
AUTHORITY_LEVEL = "authority"
LEVELS = (SUPERVISOR_LEVEL, TEAM_LEVEL, SERVICE_LEVEL, AUTHORITY_LEVEL)

# The standings a dashboard counts people by (not the viewer's own file, not HR's leavers,
# not a grant holder's one person).
DASHBOARD_STANDINGS = (SUPERVISOR, LINE_MANAGEMENT, QA)

# Obligation kinds without a session kind, and the kind of supervision they belong to.
KIND_OF_OBLIGATION = {"case_review": CASE, "case_direction": CASE, "observation": "observation"}


@dataclass(frozen=True)
class Scope:
    """One dashboard: its level, what it is of, and the people it counts with the kinds of
    supervision the viewer's standing covers on each."""

    level: str
    organisation: Organisation
    unit: Team | Service | Person | Organisation
    people: dict[int, frozenset[str]]
    viewer_id: int

    @property
    def key(self) -> str:
        """How the scope is written in URLs: supervisor, authority, team-3, service-1."""
        if self.level in (TEAM_LEVEL, SERVICE_LEVEL):
            return f"{self.level}-{self.unit.pk}"
        return self.level

    @property
    def title(self) -> str:
        if self.level == SUPERVISOR_LEVEL:
            return "My supervisees"
        if self.level == AUTHORITY_LEVEL:
            return str(self.organisation)
        return str(self.unit)

    @property
    def level_label(self) -> str:
        return {
            SUPERVISOR_LEVEL: "Supervisor",
            TEAM_LEVEL: "Team",
            SERVICE_LEVEL: "Service",
            AUTHORITY_LEVEL: "Authority",
        }[self.level]

    @cached_property
    def ids(self) -> list[int]:
        return sorted(self.people)

    def by_kinds(self) -> dict[frozenset[str], list[int]]:
        grouped: dict[frozenset[str], list[int]] = defaultdict(list)
        for pk, kinds in self.people.items():
            grouped[kinds].append(pk)
        return {kinds: sorted(ids) for kinds, ids in grouped.items()}

    def obligation_q(self, prefix: str = "") -> Q:
        """Obligation rows this scope counts: about its people, and of the kinds the viewer's
        standing covers (rows without a kind of supervision, such as agreements, go with any)."""
        q = Q(pk__in=[])
        for kinds, ids in self.by_kinds().items():
            person = Q(**{f"{prefix}person_id__in": ids})
            if kinds >= KINDS:
                q |= person
                continue
            covered = sorted(kinds)
            kinded = Q(**{f"{prefix}session_kind__in": covered})
            unkinded = Q(**{f"{prefix}session_kind": ""}) & ~Q(
                **{f"{prefix}kind__in": [k for k, v in KIND_OF_OBLIGATION.items() if v not in kinds]}
            )
            # a supervisor for some kinds only reads the agreement of their own relationship
            unkinded &= ~(
                Q(**{f"{prefix}kind__in": ["agreement", "agreement_review"]})
                & ~Q(**{f"{prefix}supervisor_id": self.viewer_id})
            )
            q |= person & (kinded | unkinded)
        return q

    def session_q(self, prefix: str = "") -> Q:
        """One-to-one sessions of this scope's people, of the kinds covered."""
        q = Q(pk__in=[])
        for kinds, ids in self.by_kinds().items():
            q |= Q(**{f"{prefix}supervisee_id__in": ids, f"{prefix}kind__in": sorted(kinds)})
        return q

    def held_q(self) -> Q:
        """SupervisionHeld rows of this scope's people, of the kinds covered."""
        q = Q(pk__in=[])
        for kinds, ids in self.by_kinds().items():
            q |= Q(person_id__in=ids, session_kind__in=sorted(kinds))
        return q


def _counted(viewer: Viewer) -> dict[int, frozenset[str]]:
    """Everyone a dashboard of this viewer may count, with the kinds covered on each."""
    people: dict[int, frozenset[str]] = {}
    for standing in DASHBOARD_STANDINGS:
        for pk, kinds in viewer.reach.people[standing].items():
            people[pk] = people.get(pk, frozenset()) | kinds
    people.pop(viewer.pk or 0, None)
    return people


def _member(viewer: Viewer) -> Person:
    if viewer.person is None:
        raise Http404("Dashboards are for members of staff")
    return viewer.person


def qa_services(viewer: Viewer) -> set[int]:
    """Services whose files the viewer reads as quality assurance."""
    ids = set(viewer.reach.people[QA])
    if not ids:
        return set()
    return set(
        Person.objects.filter(pk__in=ids, team__isnull=False).values_list("team__service_id", flat=True).distinct()
    )


def is_authority_viewer(viewer: Viewer) -> bool:
    person = viewer.person
    if person is None:
        return False
    if person.organisation_id in viewer.reach.senior_manager_of:
        return True
    return person.line_manager_id is None and bool(viewer.reach.below)


def team_ids_for(viewer: Viewer) -> set[int]:
    """Teams whose dashboard the viewer may open."""
    person = _member(viewer)
    teams = set(
        Team.objects.filter(organisation_id=person.organisation_id, members__in=list(viewer.reach.below))
        .values_list("pk", flat=True)
        .distinct()
    )
    services = qa_services(viewer)
    if services or is_authority_viewer(viewer):
        wider = Team.objects.filter(organisation_id=person.organisation_id)
        if not is_authority_viewer(viewer):
            wider = wider.filter(service_id__in=services)
        teams |= set(wider.values_list("pk", flat=True))
    return teams


def service_ids_for(viewer: Viewer) -> set[int]:
    """Services whose dashboard the viewer may open."""
    person = _member(viewer)
    if is_authority_viewer(viewer):
        return set(Service.objects.filter(organisation_id=person.organisation_id).values_list("pk", flat=True))
    services = qa_services(viewer)
    # Whose line-management tree reaches every staffed team of a service: its manager and above.
    staffed: dict[int, set[int]] = defaultdict(set)
    reached: dict[int, set[int]] = defaultdict(set)
    below = viewer.reach.below
    rows = Person.objects.filter(organisation_id=person.organisation_id, team__isnull=False, left__isnull=True)
    for pk, team, service in rows.values_list("pk", "team_id", "team__service_id"):
        staffed[service].add(team)
        if pk in below:
            reached[service].add(team)
    services |= {s for s, teams in staffed.items() if len(teams) > 1 and reached.get(s) == teams}
    return services


def supervisor_scope(viewer: Viewer) -> Scope:
    person = _member(viewer)
    people = dict(viewer.reach.people[SUPERVISOR])
    if not people:
        raise Http404("You supervise no one now")
    return Scope(SUPERVISOR_LEVEL, person.organisation, person, people, person.pk)


def team_scope(viewer: Viewer, pk: int) -> Scope:
    person = _member(viewer)
    if pk not in team_ids_for(viewer):
        raise Http404("No such team")
    team = Team.objects.select_related("service").get(pk=pk)
    members = set(Person.objects.filter(team_id=pk).values_list("pk", flat=True))
    people = {p: k for p, k in _counted(viewer).items() if p in members}
    return Scope(TEAM_LEVEL, person.organisation, team, people, person.pk)


def service_scope(viewer: Viewer, pk: int) -> Scope:
    person = _member(viewer)
    if pk not in service_ids_for(viewer):
        raise Http404("No such service")
    service = Service.objects.get(pk=pk)
    members = set(Person.objects.filter(team__service_id=pk).values_list("pk", flat=True))
    people = {p: k for p, k in _counted(viewer).items() if p in members}
    return Scope(SERVICE_LEVEL, person.organisation, service, people, person.pk)


def authority_scope(viewer: Viewer) -> Scope:
    person = _member(viewer)
    if not is_authority_viewer(viewer):
        raise Http404("No such dashboard")
    return Scope(AUTHORITY_LEVEL, person.organisation, person.organisation, _counted(viewer), person.pk)


def scope_for(viewer: Viewer, key: str) -> Scope:
    """The scope a URL names (``supervisor``, ``authority``, ``team-3``, ``service-1``), or 404."""
    if key == SUPERVISOR_LEVEL:
        return supervisor_scope(viewer)
    if key == AUTHORITY_LEVEL:
        return authority_scope(viewer)
    level, _, pk = key.partition("-")
    if pk.isdigit() and level == TEAM_LEVEL:
        return team_scope(viewer, int(pk))
    if pk.isdigit() and level == SERVICE_LEVEL:
        return service_scope(viewer, int(pk))
    raise Http404("No such dashboard")


@dataclass(frozen=True)
class Available:
    supervisor: bool
    teams: list[Team]
    services: list[Service]
    authority: bool

    @property
    def any(self) -> bool:
        return self.supervisor or bool(self.teams) or bool(self.services) or self.authority


def available_to(viewer: Viewer) -> Available:
    """Every dashboard the viewer may open (the index page and the navigation link)."""
    if viewer.person is None:
        return Available(False, [], [], False)
    return Available(
        supervisor=bool(viewer.reach.people[SUPERVISOR]),
        teams=list(Team.objects.filter(pk__in=team_ids_for(viewer)).order_by("name")),
        services=list(Service.objects.filter(pk__in=service_ids_for(viewer)).order_by("name")),
        authority=is_authority_viewer(viewer),
    )
