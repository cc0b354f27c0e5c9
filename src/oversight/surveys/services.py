"""State changes: a survey opened, answered, closed and sealed; feedback given on a record.
Each is one function, in one transaction with its audit row.

Answering a survey writes two rows that never meet: the answers (``SurveyResponse``: no person,
no time) and the participation (``SurveyParticipation``: the person, no answers). Its audit row
is the participation too: "survey.responded" names the person and the survey, nothing else.
"""

from __future__ import annotations

import random
from datetime import date, datetime, timedelta
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from oversight.access.reach import Viewer
from oversight.audit.services import audit_event
from oversight.errors import ServiceError
from oversight.organisations.models import Organisation
from oversight.people.models import Person
from oversight.records.models import Record

from .access import feedback_spec, in_supervision, manages_surveys
from .models import RecordFeedback, Survey, SurveyParticipation, SurveyResponse
from .questions import TEXT_LIMIT, Question, questions_for

LONGEST_SURVEY = timedelta(days=92)
OTHER_BAND = "other"  # a role no band of the council names (the packs' roles all have one)
_shuffler = random.SystemRandom()


def _question(data: dict[str, Any]) -> Question:
    return Question.model_validate(data)


def survey_open(
    *, organisation: Organisation, by: Person, opens_on: date, closes_on: date, today: date, title: str = ""
) -> Survey:
    """Open the council's survey for ``organisation`` from ``opens_on`` to ``closes_on``."""
    if not manages_surveys(Viewer.for_person(by, today), organisation.pk):
        raise ServiceError("__all__", "Only a senior manager or quality assurance of this council opens a survey")
    if opens_on < today:
        raise ServiceError("opens_on", "The survey cannot open before today")
    if closes_on < opens_on:
        raise ServiceError("closes_on", "The closing date must be on or after the opening date")
    if closes_on - opens_on > LONGEST_SURVEY:
        raise ServiceError("closes_on", "A survey stays open for at most 3 months")
    council = questions_for(organisation.policy_pack)
    spec = council.survey
    title = " ".join(title.split())[:200] or spec.title
    with transaction.atomic():
        survey = Survey.objects.create(
            organisation=organisation,
            pack_id=organisation.policy_pack,
            title=title,
            source=spec.source,
            questions=[q.model_dump() for q in spec.questions],
            bands=[{"id": b.id, "label": b.label} for b in council.role_bands],
            opens_on=opens_on,
            closes_on=closes_on,
            opened_by=by,
            created_at=timezone.now(),
        )
        audit_event(
            actor=by,
            action="survey.open",
            obj=survey,
            organisation_id=organisation.pk,
            detail={
                "opens_on": opens_on.isoformat(),
                "closes_on": closes_on.isoformat(),
                "questions": len(spec.questions),
            },
        )
    return survey


def _seal(survey: Survey) -> int:
    """Write the survey's responses again in a fresh random order, with fresh ids."""
    rows = list(survey.responses.values("team_id", "service_id", "role_band", "answers"))
    _shuffler.shuffle(rows)
    survey.responses.all().delete()
    SurveyResponse.objects.bulk_create([SurveyResponse(survey_id=survey.pk, **row) for row in rows])
    return len(rows)


def survey_close(*, survey: Survey, by: Person, today: date, at: datetime | None = None) -> Survey:
    """Close a survey before its closing date; its responses are sealed."""
    if not manages_surveys(Viewer.for_person(by, today), survey.organisation_id):
        raise ServiceError("__all__", "Only a senior manager or quality assurance of this council closes a survey")
    with transaction.atomic():
        locked = Survey.objects.select_for_update().filter(pk=survey.pk, closed_at__isnull=True, sealed=False).first()
        if locked is None or locked.status(today) == "closed":
            raise ServiceError("__all__", "This survey is already closed")
        locked.closed_at = at or timezone.now()
        locked.closed_by = by
        locked.sealed = True
        responses = _seal(locked)
        locked.save(update_fields=["closed_at", "closed_by", "sealed"])
        audit_event(
            actor=by,
            action="survey.close",
            obj=locked,
            organisation_id=locked.organisation_id,
            detail={"early": True, "responses": responses},
        )
    return locked


def survey_seal(*, survey: Survey, today: date) -> Survey:
    """Seal a survey whose closing date has passed (its results are read only once sealed).
    Idempotent: a sealed survey is left as it is."""
    if survey.sealed or survey.status(today) != "closed":
        return survey
    with transaction.atomic():
        locked = Survey.objects.select_for_update().filter(pk=survey.pk, sealed=False).first()
        if locked is None:
            return Survey.objects.get(pk=survey.pk)
        locked.sealed = True
        responses = _seal(locked)
        locked.save(update_fields=["sealed"])
        audit_event(
            actor=None,
            action="survey.close",
            obj=locked,
            organisation_id=locked.organisation_id,
            detail={"early": False, "closed_on": locked.closes_on.isoformat(), "responses": responses},
        )
    return locked


def clean_survey_answers(survey: Survey, answers: dict[str, str]) -> dict[str, str]:
    """Every question answered with one of its options; a ServiceError names the first that is not."""
    cleaned = {}
    for data in survey.questions:
        question = _question(data)
        chosen = (answers.get(question.id) or "").strip()
        if chosen not in {o.id for o in question.options}:
            raise ServiceError(question.id, f"Choose an answer for ‘{question.text}’")
        cleaned[question.id] = chosen
    return cleaned


def survey_respond(*, survey: Survey, person: Person, answers: dict[str, str], today: date) -> None:
    """Record ``person``'s answers, anonymously, and that they responded. Returns nothing: no
    caller needs to know which response is theirs."""
    status = survey.status(today)
    if status != "open":
        raise ServiceError(
            "__all__", "This survey is closed" if status == "closed" else "This survey has not opened yet"
        )
    if person.organisation_id != survey.organisation_id or not in_supervision(person, today):
        raise ServiceError("__all__", "This survey is for the council's staff in supervision")
    cleaned = clean_survey_answers(survey, answers)
    band = questions_for(survey.pack_id).band_of(person.role)
    team = person.team
    with transaction.atomic():
        locked = Survey.objects.select_for_update().filter(pk=survey.pk, closed_at__isnull=True, sealed=False).first()
        if locked is None:
            raise ServiceError("__all__", "This survey is closed")
        try:
            with transaction.atomic():
                SurveyParticipation.objects.create(survey=locked, person=person)
        except IntegrityError:
            raise ServiceError("__all__", "You have already responded to this survey") from None
        SurveyResponse.objects.create(
            survey=locked,
            team=team,
            service_id=team.service_id if team is not None else None,
            role_band=band.id if band is not None else OTHER_BAND,
            answers=cleaned,
        )
        # The participation, as the audit trail sees it: the person and the survey. No answers,
        # no attributes, nothing that points at the response.
        audit_event(actor=person, action="survey.responded", obj=locked, organisation_id=locked.organisation_id)


def clean_feedback(questions: list[Question], answers: dict[str, str]) -> dict[str, str]:
    cleaned = {}
    for question in questions:
        given = (answers.get(question.id) or "").strip()
        if question.kind == "choice":
            if given not in {o.id for o in question.options}:
                raise ServiceError(question.id, f"Choose an answer for ‘{question.text}’")
        elif len(given) > TEXT_LIMIT:
            raise ServiceError(question.id, f"‘{question.text}’ must be {TEXT_LIMIT} characters or fewer")
        cleaned[question.id] = given
    return cleaned


LOCKED_STATUSES = (Record.Status.AGREED, Record.Status.FINAL)


def record_feedback_give(
    *, record: Record, by: Person, answers: dict[str, str], expected_version: int | None
) -> RecordFeedback:
    """The supervisee gives (or changes) their feedback on the supervision in ``record``, until
    the record is agreed. ``expected_version`` is the version the form was filled in from (None
    for a first answer), to catch two edits at once."""
    if record.session.supervisee_id != by.pk:
        raise ServiceError("__all__", "Only the supervisee gives feedback on this supervision")
    spec = feedback_spec(record)
    if spec is None:
        raise ServiceError("__all__", "The council's template for this record asks for no feedback")
    cleaned = clean_feedback(spec.questions, answers)
    now = timezone.now()
    with transaction.atomic():
        locked = Record.objects.select_for_update().get(pk=record.pk)
        if locked.status in LOCKED_STATUSES:
            raise ServiceError("__all__", "The record has been agreed: the feedback in it can no longer change")
        feedback = RecordFeedback.objects.select_for_update().filter(record=locked).first()
        current = feedback.version if feedback is not None else None
        if current != expected_version:
            raise ServiceError("__all__", "The feedback was changed in another window: look at it again, then save")
        if feedback is None:
            feedback = RecordFeedback.objects.create(
                record=locked, person=by, answers=cleaned, given_at=now, updated_at=now
            )
        else:
            feedback.answers = cleaned
            feedback.version += 1
            feedback.updated_at = now
            feedback.save(update_fields=["answers", "version", "updated_at"])
        audit_event(
            actor=by,
            action="record.feedback",
            obj=locked,
            organisation_id=locked.session.organisation_id,
            acting_as="supervisee",
            detail={"version": feedback.version, "answered": sorted(k for k, v in cleaned.items() if v)},
        )
    return feedback
