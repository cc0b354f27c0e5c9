"""Quality assurance in the local demo (oversight.demo): for each demo authority, supervision
training for its supervisors, an observation of a team manager's supervision with their
response, a completed audit of that team manager's files with a finding, moderated by the advanced
practitioner (who holds quality assurance over the service), and a draft audit of the other
team manager's files. All through the services, so the audit trail is real too.

The demo's people are found by their logins (``<slug>.sm``, ``<slug>.tm1``, ``<slug>.tm2``): the
service manager line-manages both team managers, who supervise the two teams.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

from oversight.access.models import StaffCapability
from oversight.access.services import capability_grant
from oversight.organisations.models import Organisation
from oversight.people.models import Person
from oversight.sessions.models import Session

from .development import observation_record, observation_respond, training_record
from .models import Audit
from .services import (
    audit_answers_save,
    audit_complete,
    audit_moderate,
    audit_start,
    current_supervisees,
    finding_add,
    finding_done,
)
from .tools import tool_for


def _years_ago(today: date, years: int, days: int = 0) -> date:
    return date(today.year - years, today.month, min(today.day, 28)) - timedelta(days=days)


def _quality_assurance_lead(organisation: Organisation, people: dict[str, Person], today: date) -> Person | None:
    """The advanced practitioner, given quality assurance over the service (granted by the
    service manager as senior manager, a month back) to moderate audits."""
    lead, sm = people.get("ap1"), people["sm"]
    if lead is None or lead.team is None:
        return None
    service = lead.team.service
    at = datetime.combine(today - timedelta(days=30), time(9), tzinfo=UTC)
    live = StaffCapability.objects.filter(organisation=organisation, revoked_at__isnull=True)
    senior = live.filter(capability=StaffCapability.Capability.SENIOR_MANAGER).select_related("person").first()
    if senior is None:
        senior = capability_grant(
            person=sm,
            capability=StaffCapability.Capability.SENIOR_MANAGER,
            by=None,
            reason="Demo: the service manager is the senior manager for supervision",
            at=at,
        )
    capability_grant(
        person=lead,
        capability=StaffCapability.Capability.QA,
        by=senior.person,
        service=service,
        reason="Demo: the service's supervision quality assurance group moderates audits",
        at=at,
    )
    return lead


def seed_demo(organisation: Organisation, today: date) -> list[Audit]:
    """Seed one authority's quality assurance; returns the audits made (completed first)."""
    people = {
        p.user.username.rsplit(".", 1)[-1]: p
        for p in Person.objects.filter(organisation=organisation, user__isnull=False).select_related("user")
        if p.user is not None
    }
    sm, tm1, tm2 = people["sm"], people["tm1"], people["tm2"]
    tool = tool_for(organisation.policy_pack)

    # Training: the service manager refreshed two years ago; one team manager is in date, the
    # other trained six years ago and (where the council sets a period) is overdue.
    for person, kind, course, when in (
        (sm, "initial", "Supervising in social care", _years_ago(today, 8, 40)),
        (sm, "refresher", "Reflective supervision refresher", _years_ago(today, 2, 12)),
        (tm1, "initial", "Supervision skills for new managers", _years_ago(today, 6, 30)),
        (tm2, "initial", "Supervision skills for new managers", _years_ago(today, 4, 75)),
    ):
        training_record(
            person=person,
            by=sm,
            kind=kind,
            course=course,
            provider="Council learning and development",
            completed_on=when,
            on=today,
        )

    # An observation of tm1's supervision: a 1:1 they led lately, the council's elements covered.
    observed = (
        Session.objects.filter(
            supervisor=tm1,
            status=Session.Status.HELD,
            kind=Session.Kind.PERSONAL,
            date__lte=today - timedelta(days=7),
            date__gte=today - timedelta(days=120),
        )
        .order_by("-date", "-pk")
        .first()
    )
    elements = [e.id for e in tool.observation.elements] if tool.observation is not None else []
    observation = observation_record(
        supervisor=tm1,
        observer=sm,
        observed_on=observed.date if observed is not None else today - timedelta(days=30),
        session=observed,
        elements=elements,
        strengths="A warm, well-paced session; the supervisee's wellbeing came first and the reflective "
        "discussion used the 4x4x4 stages well.",
        areas_to_develop="Agree the actions' dates in the session, and close by agreeing the next date.",
        on=today - timedelta(days=3) if observed is not None else today - timedelta(days=30),
    )
    observation_respond(
        observation=observation,
        by=tm1,
        response="Agreed. I will close each session by fixing the next date and the actions' dates.",
        on=today - timedelta(days=1),
    )

    # A completed audit of tm1's files by their line manager, with a finding tracked to done.
    started = today - timedelta(days=21)
    sample = current_supervisees(tm1, started)[:3]
    completed = audit_start(supervisor=tm1, auditor=sm, supervisees=sample, on=started)
    partly = False
    for n, file in enumerate(completed.files.select_related("supervisee")):
        answers = {}
        for index, question in enumerate(tool.questions):
            options = tool.scale(question.scale).options
            # Mostly met; one question in four partly met on the first file, to give a finding.
            pick = options[1] if n == 0 and index % 4 == 1 else options[0]
            partly = partly or pick.counts_as == "partly"
            answers[question.id] = (pick.value, "Seen in the last three records." if index == 0 else "")
        audit_answers_save(audit=completed, file=file, by=sm, answers=answers)
    finding = finding_add(
        audit=completed,
        by=sm,
        text="Records are shared on time, but the next session's date is not always agreed at the end.",
        action="Agree and record the next date at the end of each session.",
        owner=tm1,
        due=started + timedelta(days=30),
        on=started + timedelta(days=2),
    )
    completed = audit_complete(
        audit=completed,
        by=sm,
        outcome="requires_improvement" if partly else "good",
        summary="Supervision is regular and reflective; agreements are in place. Planning ahead needs work.",
        on=started + timedelta(days=7),
    )
    finding_done(finding=finding, by=tm1, on=today - timedelta(days=2), note="Done in every session since.")
    qa_lead = _quality_assurance_lead(organisation, people, today)
    if qa_lead is not None:
        completed = audit_moderate(
            audit=completed,
            by=qa_lead,
            outcome=completed.outcome,
            note="Agreed: the three files sampled support the outcome; the finding is the right one.",
            on=started + timedelta(days=10),
        )

    # A draft audit of tm2's files, one file started.
    draft = audit_start(supervisor=tm2, auditor=sm, supervisees=current_supervisees(tm2, today)[:2], on=today)
    first = draft.files.first()
    if first is not None:
        question = tool.questions[0]
        option = tool.scale(question.scale).options[0]
        audit_answers_save(audit=draft, file=first, by=sm, answers={question.id: (option.value, "")})
    return [completed, draft]
