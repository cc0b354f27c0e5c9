"""Demo data for one authority: a closed survey answered by its staff in supervision, and the
supervisee's feedback on some records that are not yet agreed. Everything goes through the
services, so the rules hold: only staff in supervision answer, once each, with their
participation recorded apart from their answers; feedback only where the council's template
asks for it, from the supervisee."""

from __future__ import annotations

import random
from datetime import date, timedelta

from oversight.access.models import StaffCapability
from oversight.access.reach import Viewer
from oversight.access.services import capability_grant
from oversight.organisations.models import Organisation
from oversight.people.models import Person
from oversight.records.models import Record

from .access import feedback_spec, in_supervision, manages_surveys
from .questions import questions_for
from .services import record_feedback_give, survey_open, survey_respond, survey_seal

# How likely each answer is, from the first option (most favourable) to the last.
LEANINGS = {
    "practitioner": (4, 5, 2, 1, 0.5),
    "early_career": (5, 4, 1, 0.5, 0.2),
    "support": (2, 4, 3, 1.5, 0.5),
    "manager": (3, 4, 2, 1, 0.3),
}
WORDS = [
    "Having the time to reflect on a difficult visit helped.",
    "We keep to the time we set aside, which I value.",
    "More notice when a session has to move would help.",
    "",
]


def _manager_of_surveys(organisation: Organisation, today: date) -> Person | None:
    """The service manager, given the senior manager capability if they do not have it."""
    manager = (
        Person.objects.filter(organisation=organisation, role="service_manager", left__isnull=True)
        .order_by("pk")
        .first()
    )
    if manager is None:
        return None
    if not manages_surveys(Viewer.for_person(manager, today), organisation.pk):
        existing = (
            StaffCapability.objects.filter(
                organisation=organisation, capability=StaffCapability.Capability.SENIOR_MANAGER, revoked_at__isnull=True
            )
            .select_related("person")
            .first()
        )
        capability_grant(
            person=manager,
            capability=StaffCapability.Capability.SENIOR_MANAGER,
            by=existing.person if existing is not None else None,
            reason="Demo: the service manager runs the council's surveys of supervision",
        )
    return manager


def _survey(organisation: Organisation, manager: Person, today: date, rng: random.Random) -> None:
    opens_on = today - timedelta(days=75)
    closes_on = opens_on + timedelta(days=21)
    survey = survey_open(organisation=organisation, by=manager, opens_on=opens_on, closes_on=closes_on, today=opens_on)
    council = questions_for(organisation.policy_pack)
    staff = Person.objects.filter(organisation=organisation).select_related("team").order_by("pk")
    for person in staff:
        day = opens_on + timedelta(days=rng.randint(0, 20))
        if not in_supervision(person, day) or rng.random() > 0.85:
            continue  # not in supervision then, or did not answer
        band = council.band_of(person.role)
        weights = LEANINGS.get(band.id if band else "", LEANINGS["practitioner"])
        answers = {}
        for question in council.survey.questions:
            options = [o.id for o in question.options]
            answers[question.id] = rng.choices(options, weights=weights[: len(options)])[0]
        survey_respond(survey=survey, person=person, answers=answers, today=day)
    survey_seal(survey=survey, today=today)


def _feedback(organisation: Organisation, rng: random.Random) -> None:
    open_records = Record.objects.filter(
        session__organisation=organisation,
        session__supervisee__isnull=False,
        status__in=[Record.Status.DRAFT, Record.Status.SHARED, Record.Status.DISPUTED],
    ).select_related("session__organisation", "session__supervisee")
    given = 0
    for record in open_records.order_by("pk"):
        spec = feedback_spec(record)
        if spec is None or (given and rng.random() > 0.6):
            continue  # the council asks for none; or this supervisee has not answered (yet)
        given += 1
        answers = {}
        for question in spec.questions:
            if question.kind == "choice":
                answers[question.id] = rng.choices(
                    [o.id for o in question.options], weights=(4, 3, 1, 0.5)[: len(question.options)]
                )[0]
            else:
                answers[question.id] = rng.choice(WORDS)
        record_feedback_give(record=record, by=record.session.supervisee, answers=answers, expected_version=None)  # type: ignore[arg-type]


def seed_demo(organisation: Organisation, today: date) -> None:
    """A closed survey with its results to read, and feedback on some open records."""
    rng = random.Random(f"surveys-{organisation.slug}")
    manager = _manager_of_surveys(organisation, today)
    if manager is not None:
        _survey(organisation, manager, today, rng)
    _feedback(organisation, rng)
