"""Who may read and do what in quality assurance, read off the one access policy's reach
(oversight.access.reach): the same "may I" and "which ones" from one place.

A supervisor's quality material (audits of their supervision files, observations of their
supervision, their supervision training) is read by:

- the auditor of an audit, or the observer of an observation (``auditor``, ``observer``);
- the supervisor themselves (``self``);
- the line-management chain above the supervisor (``line management``, Leeds 4.19: "a
  supervisor's Line Manager");
- quality assurance in the supervisor's service (``qa``, Bristol 5.10, Leeds 4.16);
- the organisation's senior managers (``senior manager``, Leeds 4.16: "for quality assurance
  purposes");
- and, for training only, HR (``hr``: workforce development, Leeds 4.16).

Audits hold personal information about the supervisees whose files were sampled, so nobody
else gets an answer: everyone else gets a 404. Every page read writes an audit row.

Who may act: the line-management chain above a supervisor and quality assurance over them start
audits and record observations; the auditor fills in and completes their own draft; a
quality-assurance lead (the QA capability over the supervisor's service, not the auditor and not
the supervisor) moderates a completed audit; a finding's action is marked done by its owner or
the auditor; the supervisor responds to an observation of their supervision; training is
recorded by the supervisor themselves, the chain above, QA, senior managers and HR.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import rules
from django.db.models import Q, QuerySet
from django.http import Http404

from oversight.access.models import StaffCapability
from oversight.access.reach import LINE_MANAGEMENT, QA, SELF, SENIOR_MANAGER, Viewer, active_on
from oversight.audit.services import audit_event
from oversight.people.models import Person
from oversight.supervision.models import Relationship

from .models import Audit, Finding, Observation

AUDITOR = "auditor"
OBSERVER = "observer"
HR = "hr"
# The standings from which someone audits or observes a supervisor.
AUDITING = frozenset({LINE_MANAGEMENT, QA})


def _holds_hr(viewer: Viewer) -> bool:
    def compute() -> str | None:
        person = viewer.person
        if person is None or (person.left is not None and person.left < viewer.on):
            return None
        held = StaffCapability.objects.filter(
            person=person, organisation_id=person.organisation_id, capability=StaffCapability.Capability.HR
        )
        return "yes" if any(c.live(viewer.now) for c in held) else None

    return viewer.memo("quality:hr", 0, compute) is not None


def standings_on_supervisor(viewer: Viewer, supervisor_id: int, organisation_id: int) -> set[str]:
    """Every standing the viewer holds on a supervisor's quality material (a line manager may
    hold quality assurance too)."""
    reach = viewer.reach
    if viewer.person is None or organisation_id not in reach.organisation_ids:
        return set()
    held: set[str] = set()
    if supervisor_id == viewer.pk:
        held.add(SELF)
    if supervisor_id in reach.below:
        held.add(LINE_MANAGEMENT)
    if supervisor_id in reach.people[QA]:
        held.add(QA)
    if organisation_id in reach.senior_manager_of:
        held.add(SENIOR_MANAGER)
    return held


ORDER = (AUDITOR, OBSERVER, SELF, LINE_MANAGEMENT, QA, SENIOR_MANAGER, HR)


def _first(held: set[str]) -> str | None:
    return next((s for s in ORDER if s in held), None)


def supervisor_standing(viewer: Viewer, supervisor: Person) -> str | None:
    return _first(standings_on_supervisor(viewer, supervisor.pk, supervisor.organisation_id))


def audit_standing(viewer: Viewer, audit: Audit) -> str | None:
    if viewer.pk is not None and audit.auditor_id == viewer.pk:
        return AUDITOR
    return _first(standings_on_supervisor(viewer, audit.supervisor_id, audit.organisation_id))


def observation_standing(viewer: Viewer, observation: Observation) -> str | None:
    if viewer.pk is not None and observation.observer_id == viewer.pk:
        return OBSERVER
    return _first(standings_on_supervisor(viewer, observation.supervisor_id, observation.organisation_id))


def training_standing(viewer: Viewer, person: Person) -> str | None:
    held = standings_on_supervisor(viewer, person.pk, person.organisation_id)
    if person.organisation_id in viewer.reach.organisation_ids and _holds_hr(viewer):
        held.add(HR)
    return _first(held)


def supervises_now(person_id: int, on: date) -> bool:
    return Relationship.objects.filter(active_on(on), supervisor_id=person_id).exists()


# --- predicates ----------------------------------------------------------------------------------


@rules.predicate
def may_audit_supervisor(viewer: Viewer, supervisor: Person) -> bool:
    """Above the supervisor in line management, or quality assurance over them; never oneself;
    and the supervisor supervises someone now (there are files to audit)."""
    if supervisor is None or viewer.pk == supervisor.pk:
        return False
    held = standings_on_supervisor(viewer, supervisor.pk, supervisor.organisation_id)
    return bool(held & AUDITING) and supervises_now(supervisor.pk, viewer.on)


@rules.predicate
def is_auditor_of_draft(viewer: Viewer, audit: Audit) -> bool:
    return viewer.pk is not None and audit.auditor_id == viewer.pk and audit.state == Audit.State.DRAFT


@rules.predicate
def is_auditor_before_moderation(viewer: Viewer, audit: Audit) -> bool:
    return viewer.pk is not None and audit.auditor_id == viewer.pk and audit.state != Audit.State.MODERATED


@rules.predicate
def is_qa_lead_for(viewer: Viewer, audit: Audit) -> bool:
    """Quality assurance over the supervisor's service, and neither the auditor nor the supervisor."""
    if viewer.pk is None or viewer.pk in (audit.auditor_id, audit.supervisor_id):
        return False
    return QA in standings_on_supervisor(viewer, audit.supervisor_id, audit.organisation_id)


@rules.predicate
def is_completed(viewer: Viewer, audit: Audit) -> bool:
    return audit.state == Audit.State.COMPLETED


@rules.predicate
def reads_audit(viewer: Viewer, audit: Audit) -> bool:
    return audit_standing(viewer, audit) is not None


@rules.predicate
def finding_open_for_owner_or_auditor(viewer: Viewer, finding: Finding) -> bool:
    return (
        viewer.pk is not None
        and finding.done_on is None
        and finding.audit.state != Audit.State.DRAFT
        and viewer.pk in (finding.owner_id, finding.audit.auditor_id)
    )


@rules.predicate
def reads_observation(viewer: Viewer, observation: Observation) -> bool:
    return observation_standing(viewer, observation) is not None


@rules.predicate
def observed_supervisor_yet_to_respond(viewer: Viewer, observation: Observation) -> bool:
    return viewer.pk == observation.supervisor_id and not observation.response


@rules.predicate
def records_training_for(viewer: Viewer, person: Person) -> bool:
    return training_standing(viewer, person) is not None


QUALITY_RULES = rules.RuleSet()
QUALITY_RULES.add_rule("supervisor.audit", may_audit_supervisor)
QUALITY_RULES.add_rule("supervisor.observe", may_audit_supervisor)
QUALITY_RULES.add_rule("supervisor.record_training", records_training_for)
QUALITY_RULES.add_rule("audit.view", reads_audit)
QUALITY_RULES.add_rule("audit.edit", is_auditor_of_draft)
QUALITY_RULES.add_rule("audit.add_finding", is_auditor_before_moderation)
QUALITY_RULES.add_rule("audit.moderate", is_completed & is_qa_lead_for)
QUALITY_RULES.add_rule("finding.done", finding_open_for_owner_or_auditor)
QUALITY_RULES.add_rule("observation.view", reads_observation)
QUALITY_RULES.add_rule("observation.respond", observed_supervisor_yet_to_respond)

KIND_OF = {"Person": "supervisor", "Audit": "audit", "Finding": "finding", "Observation": "observation"}


def may(who: Viewer | Person, action: str, obj: Any) -> bool:
    """May ``who`` do ``action`` to ``obj`` (a supervisor, an audit, a finding, an
    observation)? Unknown actions are refused."""
    kind = KIND_OF.get(type(obj).__name__) if obj is not None else None
    if kind is None:
        return False
    return QUALITY_RULES.test_rule(f"{kind}.{action}", Viewer.of(who), obj)


# --- which ones ----------------------------------------------------------------------------------


def _readable(viewer: Viewer, field: str) -> Q:
    reach = viewer.reach
    return (
        Q(supervisor_id=viewer.pk)
        | Q(supervisor_id__in=sorted(reach.below))
        | Q(supervisor_id__in=sorted(reach.people[QA]))
        | Q(organisation_id__in=sorted(reach.senior_manager_of))
        | Q(**{field: viewer.pk})
    )


def visible_audits(who: Viewer | Person) -> QuerySet[Audit]:
    """Every audit the viewer may read (``may(viewer, "view", audit)`` for each)."""
    viewer = Viewer.of(who)
    if viewer.person is None:
        return Audit.objects.none()
    in_reach = Audit.objects.filter(organisation_id__in=sorted(viewer.reach.organisation_ids))
    return in_reach.filter(_readable(viewer, "auditor_id"))


def visible_observations(who: Viewer | Person) -> QuerySet[Observation]:
    viewer = Viewer.of(who)
    if viewer.person is None:
        return Observation.objects.none()
    in_reach = Observation.objects.filter(organisation_id__in=sorted(viewer.reach.organisation_ids))
    return in_reach.filter(_readable(viewer, "observer_id"))


def auditable_supervisors(who: Viewer | Person) -> QuerySet[Person]:
    """The supervisors ``who`` may audit and observe: current supervisors below them in line
    management or in their quality-assurance services, not themselves."""
    viewer = Viewer.of(who)
    if viewer.person is None:
        return Person.objects.none()
    reach = viewer.reach
    candidates = (reach.below | reach.ids(QA)) - {viewer.person.pk}
    supervising = Relationship.objects.filter(active_on(viewer.on)).values("supervisor_id")
    return Person.objects.filter(pk__in=sorted(candidates), organisation_id=viewer.person.organisation_id).filter(
        pk__in=supervising
    )


def training_scope(who: Viewer | Person) -> QuerySet[Person]:
    """The supervisors whose training the viewer reads: the whole organisation for senior
    managers and HR, the service for quality assurance, the reports below a line manager, and
    a supervisor's own."""
    viewer = Viewer.of(who)
    if viewer.person is None:
        return Person.objects.none()
    organisation_id = viewer.person.organisation_id
    supervising = Relationship.objects.filter(active_on(viewer.on), organisation_id=organisation_id).values(
        "supervisor_id"
    )
    people = Person.objects.filter(organisation_id=organisation_id, pk__in=supervising)
    if organisation_id in viewer.reach.senior_manager_of or _holds_hr(viewer):
        return people
    reach = viewer.reach
    return people.filter(pk__in=sorted(reach.below | reach.ids(QA) | {viewer.person.pk}))


# --- fetch-and-check -----------------------------------------------------------------------------


def _log_read(viewer: Viewer, obj: Audit | Observation, label: str, standing: str) -> None:
    if viewer.interactive and viewer.first_time(label, obj.pk):
        audit_event(
            actor=viewer,
            action=f"{label}.view",
            obj=obj,
            organisation_id=obj.organisation_id,
            acting_as=standing,
            purpose="quality assurance of supervision" if standing in (QA, SENIOR_MANAGER) else "",
            detail={"user": viewer.user.pk},
        )


def get_audit_for(who: Viewer | Person, pk: int, action: str = "view") -> tuple[Audit, str]:
    """The audit and the viewer's standing on it if they may do ``action``, else 404. A read
    from a page is logged."""
    viewer = Viewer.of(who)
    audit = (
        Audit.objects.filter(pk=pk, organisation_id__in=sorted(viewer.reach.organisation_ids))
        .select_related("supervisor__team", "auditor", "moderated_by", "organisation")
        .first()
    )
    standing = audit_standing(viewer, audit) if audit is not None else None
    if audit is None or standing is None or (action != "view" and not may(viewer, action, audit)):
        raise Http404("No such audit")
    _log_read(viewer, audit, "quality_audit", standing)
    return audit, standing


def get_observation_for(who: Viewer | Person, pk: int, action: str = "view") -> tuple[Observation, str]:
    viewer = Viewer.of(who)
    observation = (
        Observation.objects.filter(pk=pk, organisation_id__in=sorted(viewer.reach.organisation_ids))
        .select_related("supervisor", "observer", "session", "organisation")
        .first()
    )
    standing = observation_standing(viewer, observation) if observation is not None else None
    if observation is None or standing is None or (action != "view" and not may(viewer, action, observation)):
        raise Http404("No such observation")
    _log_read(viewer, observation, "quality_observation", standing)
    return observation, standing


def get_supervisor_for(who: Viewer | Person, pk: int | str | None, action: str) -> Person:
    """A supervisor the viewer may ``action`` ('audit', 'observe', 'record_training'), or 404."""
    viewer = Viewer.of(who)
    try:
        key = int(str(pk))
    except (TypeError, ValueError):
        raise Http404("No such supervisor") from None
    person = (
        Person.objects.filter(pk=key, organisation_id__in=sorted(viewer.reach.organisation_ids))
        .select_related("team", "organisation", "line_manager")
        .first()
    )
    if person is None or not may(viewer, action, person):
        raise Http404("No such supervisor")
    return person
