"""Reads for quality assurance: the events the obligation engine counts, the facts of each
sampled supervision file shown beside the audit's questions, and the lists on the pages.

The facts of a file are dates, statuses and counts read through the existing models and the
obligation store (oversight.compliance.selectors.stored_obligations), never the content of a
record: the audit's readers include people (a senior manager) who do not read the files
themselves. Links to sessions and records are given only where the viewer may open them.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from django.db.models import Max, Q

from oversight.access import policy
from oversight.access.reach import Viewer, active_on
from oversight.cases.models import CaseReview
from oversight.compliance.selectors import stored_obligations
from oversight.organisations.models import Organisation
from oversight.people.models import Person
from oversight.people.views import explain
from oversight.records.models import Action, Record
from oversight.sessions.models import Session
from oversight.supervision.models import Agreement, Relationship

from .models import Audit, AuditFile, Observation, TrainingRecord

# The obligations of a supervisee's file an auditor looks at.
FILE_OBLIGATIONS = (
    "supervision",
    "agreement",
    "agreement_review",
    "record_shared",
    "record_signed",
    "record_response",
    "rearrange",
    "case_direction",
)
DONE = (Audit.State.COMPLETED, Audit.State.MODERATED)


def file_events(organisation: Organisation, people: list[int] | None = None) -> list[dict[str, Any]]:
    """What quality assurance has done about each supervisor, for the obligation engine:
    ``{"person": supervisor pk, "kind": ..., "date": date}`` with kinds ``training``
    (supervision training completed), ``supervision_observed`` (an observation of their
    supervision held) and ``file_audit`` (a QA audit of their files completed). ``people``
    narrows to those supervisors. Sorted by person, date and kind."""
    training = TrainingRecord.objects.filter(organisation=organisation)
    observations = Observation.objects.filter(organisation=organisation)
    audits = Audit.objects.filter(organisation=organisation, state__in=DONE)
    if people is not None:
        training = training.filter(person_id__in=list(people))
        observations = observations.filter(supervisor_id__in=list(people))
        audits = audits.filter(supervisor_id__in=list(people))
    events = [
        *({"person": p, "kind": "training", "date": d} for p, d in training.values_list("person_id", "completed_on")),
        *(
            {"person": p, "kind": "supervision_observed", "date": d}
            for p, d in observations.values_list("supervisor_id", "observed_on")
        ),
        *(
            {"person": p, "kind": "file_audit", "date": d}
            for p, d in audits.values_list("supervisor_id", "completed_on")
            if d is not None
        ),
    ]
    events.sort(key=lambda e: (e["person"], e["date"], e["kind"]))
    return events


# --- the facts of a sampled file -----------------------------------------------------------------


@dataclass
class FileFacts:
    """What an auditor sees of one supervisee's file beside the questions."""

    supervisee: Person
    relationship: Relationship | None
    agreement_signed: date | None = None
    agreement_reviewed: date | None = None
    agreement_made: date | None = None
    sessions: list[dict[str, Any]] = field(default_factory=list)
    held_in_year: int = 0
    cancelled_in_year: int = 0
    records_by_status: list[tuple[str, int]] = field(default_factory=list)
    open_actions: int = 0
    overdue_actions: int = 0
    oldest_action_due: date | None = None
    case_reviews_in_year: int = 0
    directions_entered: int = 0
    obligations: list[dict[str, Any]] = field(default_factory=list)

    @property
    def open_obligations(self) -> list[dict[str, Any]]:
        return [ob for ob in self.obligations if ob["is_open"]]


def file_facts(viewer: Viewer, audit: Audit, files: list[AuditFile], today: date) -> dict[int, FileFacts]:
    """The facts of each sampled file (by AuditFile pk) whose supervisee is still on record, as of
    ``today``."""
    if not files:
        return {}
    supervisor = audit.supervisor
    people = [f.supervisee_id for f in files if f.supervisee_id is not None]
    year_ago = today - timedelta(days=365)
    obligations = stored_obligations(audit.organisation, today, people=people, kinds=FILE_OBLIGATIONS)
    seen_sessions = set(policy.visible(viewer, "session").filter(supervisee_id__in=people).values_list("pk", flat=True))
    relationships = {
        r.supervisee_id: r
        for r in Relationship.objects.filter(supervisor=supervisor, supervisee_id__in=people).order_by("start", "pk")
    }
    agreements: dict[int, Agreement] = {}
    for agreement in (
        Agreement.objects.filter(relationship__in=list(relationships.values()))
        .prefetch_related("signatures", "reviews")
        .order_by("created_at")
    ):
        agreements[agreement.relationship_id] = agreement  # the latest of each relationship wins
    facts: dict[int, FileFacts] = {}
    for file in files:
        person = file.supervisee
        if person is None:
            continue  # the leaver's file is gone under the retention schedule: no facts to show
        relationship = relationships.get(person.pk)
        item = FileFacts(supervisee=person, relationship=relationship)
        latest = agreements.get(relationship.pk) if relationship is not None else None
        if latest is not None:
            item.agreement_made = latest.created_at.date()
            item.agreement_signed = latest.signed_on
            reviewed = [r.date for r in latest.reviews.all()]
            item.agreement_reviewed = max(reviewed) if reviewed else None
        sessions = Session.objects.filter(supervisor=supervisor, supervisee=person)
        for session in sessions.select_related("record").order_by("-date", "-pk")[:6]:
            record = getattr(session, "record", None)
            item.sessions.append(
                {
                    "session": session,
                    "record": record,
                    "link": session.pk in seen_sessions,
                    "late_reason": bool(session.late_reason),
                }
            )
        in_year = sessions.filter(date__gte=year_ago, date__lte=today)
        counts = Counter(in_year.values_list("status", flat=True))
        item.held_in_year = counts.get(Session.Status.HELD, 0)
        item.cancelled_in_year = counts.get(Session.Status.CANCELLED, 0)
        statuses = Counter(
            Record.objects.filter(session__in=in_year.filter(status=Session.Status.HELD)).values_list(
                "status", flat=True
            )
        )
        item.records_by_status = [(s.label, statuses[s.value]) for s in Record.Status if statuses.get(s.value)]
        actions = Action.objects.filter(done_on__isnull=True, record__session__supervisee=person)
        item.open_actions = actions.count()
        item.overdue_actions = actions.filter(due__lt=today).count()
        item.oldest_action_due = actions.order_by("due").values_list("due", flat=True).first()
        case_reviews = CaseReview.objects.filter(child__worker=person, date__gte=year_ago, date__lte=today)
        item.case_reviews_in_year = case_reviews.count()
        item.directions_entered = case_reviews.filter(direction_recorded__isnull=False).count()
        item.obligations = sorted(
            (explain(obligations, ob) for ob in obligations.for_person(person)),
            key=lambda ob: (not ob["is_open"], ob.get("due") or "9999", ob["id"]),
        )
        facts[file.pk] = item
    return facts


# --- lists on the pages --------------------------------------------------------------------------


def latest_by_supervisor(supervisors: list[int]) -> dict[int, dict[str, date | None]]:
    """The last completed audit, observation and training of each supervisor."""
    audits = dict(
        Audit.objects.filter(supervisor_id__in=supervisors, state__in=DONE)
        .values("supervisor_id")
        .annotate(last=Max("completed_on"))
        .values_list("supervisor_id", "last")
    )
    observed = dict(
        Observation.objects.filter(supervisor_id__in=supervisors)
        .values("supervisor_id")
        .annotate(last=Max("observed_on"))
        .values_list("supervisor_id", "last")
    )
    trained = dict(
        TrainingRecord.objects.filter(person_id__in=supervisors)
        .values("person_id")
        .annotate(last=Max("completed_on"))
        .values_list("person_id", "last")
    )
    return {
        pk: {"audit": audits.get(pk), "observation": observed.get(pk), "training": trained.get(pk)}
        for pk in supervisors
    }


def supervisee_counts(supervisors: list[int], on: date) -> dict[int, int]:
    counts = Counter(
        Relationship.objects.filter(active_on(on), supervisor_id__in=supervisors).values_list(
            "supervisor_id", flat=True
        )
    )
    return dict(counts)


def audits_for_home(visible: Any, me: Person) -> dict[str, list[Audit]]:
    """The viewer's audits to do and done, the audits of their own supervision, and the rest they
    may read (the moderation queue is picked from these by the caller)."""
    audits = list(visible.select_related("supervisor", "auditor", "moderated_by").order_by("-started_on", "-pk")[:200])
    return {
        "to_do": [a for a in audits if a.auditor_id == me.pk and a.state == Audit.State.DRAFT],
        "done": [a for a in audits if a.auditor_id == me.pk and a.state != Audit.State.DRAFT],
        "of_me": [a for a in audits if a.supervisor_id == me.pk and a.state != Audit.State.DRAFT],
        "others": [a for a in audits if me.pk not in (a.auditor_id, a.supervisor_id)],
    }


def open_findings_for(person: Person) -> list[Any]:
    """The open actions from completed audits that ``person`` owns."""
    from .models import Finding

    return list(
        Finding.objects.filter(owner=person, done_on__isnull=True)
        .filter(~Q(audit__state=Audit.State.DRAFT))
        .select_related("audit__supervisor")
        .order_by("due", "pk")
    )
