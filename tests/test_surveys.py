"""Anonymous surveys (issue 8; Leeds 4.19, Buckinghamshire staff survey, Bristol 8, Lambeth 4),
walked by the personas: Maria (service manager, senior manager), Quinn (quality assurance),
Theo and Omar (team managers), Sally and Asha (in supervision). Time frozen on 10 March 2026.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.db import models
from django.test import Client

from oversight.access import services as access_services
from oversight.audit.models import AuditEvent
from oversight.errors import ServiceError
from oversight.people.models import Person
from oversight.supervision.services import relationship_start
from oversight.surveys.models import Survey, SurveyParticipation, SurveyResponse
from oversight.surveys.questions import QuestionsError, parse_questions, questions_for
from oversight.surveys.services import survey_close, survey_open, survey_respond

from .personas import Cast, give_sign_ins, make_cast

pytestmark = pytest.mark.django_db

LONDON = ZoneInfo("Europe/London")
NOW = datetime(2026, 3, 10, 10, 30, tzinfo=LONDON)
TODAY = NOW.date()
PACKS = ("leeds-2023", "bristol-2020", "lambeth-2021", "buckinghamshire-2024", "blackpool-2020")


@pytest.fixture(autouse=True)
def frozen() -> Iterator[None]:
    with time_machine.travel(NOW, tick=False):
        yield


def client_for(person: Person) -> Client:
    client = Client()
    client.force_login(person.user)
    return client


def with_users(cast: Cast, *extra: Person) -> None:
    give_sign_ins(cast, *extra, prefix=f"{cast.org.slug}-")


@pytest.fixture
def world() -> dict[str, Any]:
    return build_world()


def build_world() -> dict[str, Any]:
    """Leeds: Maria a senior manager, Quinn quality assurance in Sally's service; Theo
    supervises Sally and Asha, Maria supervises Theo."""
    cast = make_cast()
    org = cast.org
    quinn = Person.objects.create(
        organisation=org, staff_id="Q1", name="Quinn Quality", role="business_support", started=date(2015, 1, 5)
    )
    with_users(cast, quinn)
    service = cast.sally.team.service  # type: ignore[union-attr]
    access_services.capability_grant(
        person=cast.maria, capability="senior_manager", by=None, reason="Service manager", at=NOW - timedelta(days=9)
    )
    access_services.capability_grant(
        person=quinn,
        capability="qa",
        service=service,
        by=cast.maria,
        reason="Supervision QA",
        at=NOW - timedelta(days=9),
    )
    for supervisor, supervisee in ((cast.theo, cast.sally), (cast.theo, cast.asha), (cast.maria, cast.theo)):
        relationship_start(
            organisation=org, by=cast.maria, supervisor=supervisor, supervisee=supervisee, start=date(2026, 1, 5)
        )
    return {"cast": cast, "quinn": quinn}


def answers_for(survey: Survey, choice: int = 0) -> dict[str, str]:
    return {q["id"]: q["options"][choice % len(q["options"])]["id"] for q in survey.questions}


def open_survey(cast: Cast, **dates: date) -> Survey:
    return survey_open(
        organisation=cast.org,
        by=cast.maria,
        opens_on=dates.get("opens_on", TODAY),
        closes_on=dates.get("closes_on", TODAY + timedelta(days=14)),
        today=TODAY,
    )


# --- the councils' questions -------------------------------------------------------------------


@pytest.mark.parametrize("pack", PACKS)
def test_every_council_has_questions_with_sources_and_bands_for_every_role(pack: str) -> None:
    council = questions_for(pack)
    assert council.survey.questions and all(q.source for q in council.survey.questions)
    assert all(q.kind == "choice" for q in council.survey.questions)  # no free text in an anonymous survey
    assert all(b.source for b in council.role_bands)
    if council.record_feedback is not None:
        assert council.record_feedback.source and all(q.source for q in council.record_feedback.questions)
    else:
        assert council.no_record_feedback  # Lambeth: says why


def test_questions_are_validated_against_the_pack() -> None:
    choice = {"id": "q", "text": "Q", "options": [{"id": "a", "label": "A"}, {"id": "b", "label": "B"}], "source": "1"}
    data: dict[str, Any] = {
        "pack": "leeds-2023",
        "record_feedback": None,
        "no_record_feedback": "none asked",
        "survey": {
            "title": "T",
            "source": "4.19",
            "intro": "",
            "questions": [{**choice, "kind": "text", "options": []}],
        },
        "role_bands": [{"id": "all", "label": "All", "roles": ["wizard"], "source": "4.4"}],
    }
    with pytest.raises(QuestionsError) as free_text:
        parse_questions("leeds-2023", data)
    assert "survey: questions[0]: an anonymous survey asks closed questions only" in str(free_text.value)
    data["survey"]["questions"] = [choice]
    with pytest.raises(QuestionsError) as unknown_role:
        parse_questions("leeds-2023", data)
    assert "role_bands: unknown role 'wizard' for leeds-2023" in str(unknown_role.value)
    data["role_bands"][0]["roles"] = ["social_worker"]
    with pytest.raises(QuestionsError) as unbanded:
        parse_questions("leeds-2023", data)
    assert "roles in no band: " in str(unbanded.value) and "team_manager" in str(unbanded.value)


# --- opening, answering, closing -------------------------------------------------------------


def test_a_senior_manager_opens_a_survey_and_it_is_audited(world: dict[str, Any]) -> None:
    cast = world["cast"]
    survey = open_survey(cast)
    assert survey.title == "Annual health check of supervision" and survey.source == "4.19"
    assert [q["id"] for q in survey.questions] == [q.id for q in questions_for("leeds-2023").survey.questions]
    event = AuditEvent.objects.get(action="survey.open")
    assert event.actor_id == cast.maria.pk and event.object_id == str(survey.pk)
    quinn_survey = survey_open(
        organisation=cast.org, by=world["quinn"], opens_on=TODAY, closes_on=TODAY + timedelta(days=3), today=TODAY
    )
    assert quinn_survey.opened_by == world["quinn"]


@pytest.mark.parametrize(
    ("who", "opens", "closes", "field"),
    [
        ("theo", TODAY, TODAY + timedelta(days=7), "__all__"),  # a team manager without the capability
        ("maria", TODAY - timedelta(days=1), TODAY + timedelta(days=7), "opens_on"),
        ("maria", TODAY, TODAY - timedelta(days=1), "closes_on"),
        ("maria", TODAY, TODAY + timedelta(days=120), "closes_on"),
    ],
)
def test_opening_is_refused_with_the_field_named(
    world: dict[str, Any], who: str, opens: date, closes: date, field: str
) -> None:
    cast = world["cast"]
    with pytest.raises(ServiceError) as refused:
        survey_open(organisation=cast.org, by=getattr(cast, who), opens_on=opens, closes_on=closes, today=TODAY)
    assert refused.value.field == field
    assert not Survey.objects.exists()


def test_staff_in_supervision_answer_once_and_nothing_links_them_to_their_answers(world: dict[str, Any]) -> None:
    cast = world["cast"]
    survey = open_survey(cast)
    survey_respond(survey=survey, person=cast.sally, answers=answers_for(survey, 3), today=TODAY)
    with pytest.raises(ServiceError, match="already responded"):
        survey_respond(survey=survey, person=cast.sally, answers=answers_for(survey, 0), today=TODAY)
    with pytest.raises(ServiceError, match="staff in supervision"):  # Maria has no supervisor here
        survey_respond(survey=survey, person=cast.maria, answers=answers_for(survey), today=TODAY)
    with pytest.raises(ServiceError) as missing:
        survey_respond(survey=survey, person=cast.asha, answers={}, today=TODAY)
    assert missing.value.field == survey.questions[0]["id"]

    response = SurveyResponse.objects.get()
    assert response.team == cast.sally.team and response.service == cast.sally.team.service
    assert response.role_band == "practitioner"
    assert response.answers == answers_for(survey, 3)
    assert SurveyParticipation.objects.filter(survey=survey, person=cast.sally).count() == 1
    # By design: the response has no person, no time and no sequential id; the participation
    # has no time and nothing pointing at the response.
    for model in (SurveyResponse, SurveyParticipation):
        for field in model._meta.get_fields():
            assert not isinstance(field, models.DateField | models.DateTimeField), (model, field.name)
            related = getattr(field, "related_model", None)
            assert related is not (Person if model is SurveyResponse else SurveyResponse), (model, field.name)
    assert isinstance(SurveyResponse._meta.pk, models.UUIDField)
    # The audit row is the participation: the person and the survey, no answers, no attributes.
    event = AuditEvent.objects.get(action="survey.responded")
    assert (event.actor_id, event.object_type, event.object_id) == (cast.sally.pk, "surveys.survey", str(survey.pk))
    assert event.detail == {}
    assert not AuditEvent.objects.filter(object_type="surveys.surveyresponse").exists()
    answer_words = {o["label"] for q in survey.questions for o in q["options"]} | set(answers_for(survey, 3).values())
    for row in AuditEvent.objects.all():
        assert not any(word in str(row.detail) for word in answer_words), row.action


def test_answers_are_taken_only_while_the_survey_is_open(world: dict[str, Any]) -> None:
    cast = world["cast"]
    later = open_survey(cast, opens_on=TODAY + timedelta(days=2), closes_on=TODAY + timedelta(days=9))
    with pytest.raises(ServiceError, match="not opened yet"):
        survey_respond(survey=later, person=cast.sally, answers=answers_for(later), today=TODAY)
    survey = open_survey(cast)
    survey_respond(survey=survey, person=cast.sally, answers=answers_for(survey), today=TODAY)
    closed = survey_close(survey=survey, by=cast.maria, today=TODAY)
    assert closed.sealed and closed.status(TODAY) == "closed"
    with pytest.raises(ServiceError, match="closed"):
        survey_respond(survey=closed, person=cast.asha, answers=answers_for(closed), today=TODAY)
    with pytest.raises(ServiceError, match="already closed"):
        survey_close(survey=closed, by=cast.maria, today=TODAY)
    event = AuditEvent.objects.get(action="survey.close")
    assert event.actor_id == cast.maria.pk and event.detail == {"early": True, "responses": 1}


def test_closing_rewrites_the_responses_in_a_fresh_order(world: dict[str, Any]) -> None:
    cast = world["cast"]
    survey = open_survey(cast)
    for person, choice in ((cast.sally, 1), (cast.asha, 2), (cast.theo, 3)):
        survey_respond(survey=survey, person=person, answers=answers_for(survey, choice), today=TODAY)
    before = {r.pk: r.answers for r in SurveyResponse.objects.all()}
    survey_close(survey=survey, by=cast.maria, today=TODAY)
    after = {r.pk: r.answers for r in SurveyResponse.objects.all()}
    assert not set(before) & set(after)  # every row written again, with a fresh id
    assert sorted(map(str, before.values())) == sorted(map(str, after.values()))


# --- pages -----------------------------------------------------------------------------------------


def test_the_list_page_offers_surveys_to_answer_and_to_manage(world: dict[str, Any]) -> None:
    cast = world["cast"]
    survey = open_survey(cast)
    sally = client_for(cast.sally).get("/surveys/").content.decode()
    assert f'href="/surveys/{survey.pk}/respond/"' in sally and "Open a survey" not in sally
    maria = client_for(cast.maria).get("/surveys/").content.decode()
    assert f'href="/surveys/{survey.pk}/results/"' in maria and "Open a survey" in maria
    assert f'href="/surveys/{survey.pk}/respond/"' not in maria  # not in supervision here
    page = client_for(cast.sally).post(f"/surveys/{survey.pk}/respond/", answers_for(survey))
    assert page.status_code == 302
    assert "Answered" in client_for(cast.sally).get("/surveys/").content.decode()
    again = client_for(cast.sally).get(f"/surveys/{survey.pk}/respond/").content.decode()
    assert "You have answered this survey" in again


def test_answering_with_a_question_missed_keeps_what_was_given(world: dict[str, Any]) -> None:
    cast = world["cast"]
    survey = open_survey(cast)
    given = answers_for(survey, 2)
    first = survey.questions[0]
    del given[first["id"]]
    page = client_for(cast.asha).post(f"/surveys/{survey.pk}/respond/", given)
    body = page.content.decode()
    assert page.status_code == 400
    assert f"Choose an answer for ‘{first['text']}’" in body and f'href="#q-{first["id"]}"' in body
    second = survey.questions[1]
    assert re.search(rf'name="{second["id"]}" type="radio" value="{given[second["id"]]}" checked', body)
    assert not SurveyResponse.objects.exists() and not SurveyParticipation.objects.exists()


def test_opening_from_the_page(world: dict[str, Any]) -> None:
    cast = world["cast"]
    client = client_for(cast.maria)
    page = client.get("/surveys/new/").content.decode()
    assert "(4.19" in page or "4.19" in page
    bad = client.post("/surveys/new/", {"opens_on_0": "10", "opens_on_1": "3", "opens_on_2": "2026"})
    assert bad.status_code == 400 and "Enter the date the survey closes" in bad.content.decode()
    made = client.post(
        "/surveys/new/",
        {
            "opens_on_0": "10",
            "opens_on_1": "3",
            "opens_on_2": "2026",
            "closes_on_0": "24",
            "closes_on_1": "3",
            "closes_on_2": "2026",
        },
    )
    survey = Survey.objects.get()
    assert made.status_code == 302 and made["Location"] == f"/surveys/{survey.pk}/results/"
    assert client_for(cast.theo).get("/surveys/new/").status_code == 404


def test_another_councils_staff_and_managers_get_404(world: dict[str, Any]) -> None:
    cast = world["cast"]
    survey = open_survey(cast)
    other = make_cast("bristol-2020", "bristol-test")
    with_users(other)
    access_services.capability_grant(person=other.maria, capability="senior_manager", by=None, reason="SM")
    relationship_start(
        organisation=other.org, by=other.maria, supervisor=other.theo, supervisee=other.sally, start=date(2026, 1, 5)
    )
    for person in (other.maria, other.sally):
        client = client_for(person)
        for url in (f"/surveys/{survey.pk}/results/", f"/surveys/{survey.pk}/respond/"):
            assert client.get(url).status_code == 404, (person, url)
    nobody = Client()
    nobody.force_login(get_user_model().objects.create_user(username="no-staff-record", password="x"))
    assert nobody.get("/surveys/").status_code == 404
