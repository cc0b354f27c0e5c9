"""Survey results (issue 8): shown only once the survey has closed, only to senior managers
and quality assurance, only in aggregate, and never a figure that, with any other the page can
show, gives away the answers of fewer than 5 people. Walked by the personas of
tests/test_surveys.py; time frozen on 10 March 2026."""

from __future__ import annotations

import random
from collections.abc import Iterator
from datetime import date, datetime
from typing import Any

import pytest
import time_machine

from oversight.audit.models import AuditEvent
from oversight.people.models import Person, Service, Team
from oversight.supervision.services import relationship_start
from oversight.surveys.models import Survey, SurveyParticipation, SurveyResponse
from oversight.surveys.selectors import BAND, DIMENSIONS, OVERALL, SERVICE, TEAM
from oversight.surveys.services import survey_close, survey_respond

from .personas import Cast
from .test_surveys import LONDON, NOW, TODAY, answers_for, build_world, client_for, open_survey
from .test_surveys_suppression import published_leaks

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def frozen() -> Iterator[None]:
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def world() -> dict[str, Any]:
    return build_world()


def test_results_wait_for_the_survey_to_close_then_show_too_few(world: dict[str, Any]) -> None:
    cast = world["cast"]
    survey = open_survey(cast)
    survey_respond(survey=survey, person=cast.sally, answers=answers_for(survey), today=TODAY)
    client = client_for(cast.maria)
    waiting = client.get(f"/surveys/{survey.pk}/results/").content.decode()
    assert "Results are shown once the survey closes" in waiting and "1 person has answered" in waiting
    assert client.post(f"/surveys/{survey.pk}/close/").status_code == 302
    shown = client.get(f"/surveys/{survey.pk}/results/").content.decode()
    assert "Fewer than 5 responses" in shown and "1 response" in shown
    assert "<svg" not in shown  # no chart where no group is shown
    assert client.get(f"/surveys/{survey.pk}/results/?by=nonsense").status_code == 400
    assert "by: there is no breakdown" in client.get(f"/surveys/{survey.pk}/results/?by=x").content.decode()
    assert AuditEvent.objects.filter(action="survey.results", actor_id=cast.maria.pk).count() == 3


@pytest.mark.parametrize("who", ["sally", "theo", "omar", "asha"])
def test_results_and_closing_are_for_senior_managers_and_qa_only(world: dict[str, Any], who: str) -> None:
    cast = world["cast"]
    survey = open_survey(cast)
    client = client_for(getattr(cast, who))
    assert client.get(f"/surveys/{survey.pk}/results/").status_code == 404
    assert client.post(f"/surveys/{survey.pk}/close/").status_code == 404
    assert Survey.objects.get().closed_at is None
    assert client_for(world["quinn"]).get(f"/surveys/{survey.pk}/results/").status_code == 200


# --- results end to end: no combination of the page's filters gives an answer away ------------


def populate(cast: Cast, rng_seed: int = 3) -> tuple[Survey, list[Person]]:
    """About 45 staff in supervision over two services, five teams and every band."""

    rng = random.Random(rng_seed)
    org = cast.org
    fostering = Service.objects.create(organisation=org, name="Fostering")
    teams = list(Team.objects.filter(organisation=org)) + [
        Team.objects.create(organisation=org, service=fostering, name=f"Fostering {n}") for n in range(3)
    ]
    roles = ["social_worker"] * 6 + ["senior_social_worker", "nqsw_asye", "family_support_worker", "team_manager"]
    people = []
    for n in range(45):
        person = Person.objects.create(
            organisation=org,
            staff_id=f"P{n}",
            name=f"Person {n}",
            role=rng.choice(roles),
            team=rng.choice(teams),
            started=date(2020, 1, 6),
        )
        relationship_start(
            organisation=org, by=cast.maria, supervisor=cast.theo, supervisee=person, start=date(2026, 1, 5)
        )
        people.append(person)
    survey = open_survey(cast)
    for person in people:
        survey_respond(survey=survey, person=person, answers=answers_for(survey, rng.randrange(5)), today=TODAY)
    survey_close(survey=survey, by=cast.maria, today=TODAY)
    return survey, people


def test_every_figure_any_filter_shows_is_safe_together(world: dict[str, Any]) -> None:
    cast = world["cast"]
    survey, _people = populate(cast)
    rows = list(
        SurveyResponse.objects.filter(survey=survey).values("pk", "team_id", "service_id", "role_band", "answers")
    )
    index = {row["pk"]: i for i, row in enumerate(rows)}

    def members(dimension: str, value: str) -> frozenset[int]:
        def inside(row: dict[str, Any]) -> bool:
            if dimension == OVERALL:
                return True
            if dimension == BAND:
                return bool(row["role_band"] == value)
            found = row["service_id"] if dimension == SERVICE else row["team_id"]
            return str(found) == value if found is not None else value == "none"

        return frozenset(index[row["pk"]] for row in rows if inside(row))

    client = client_for(cast.maria)
    shown: dict[tuple[str, str], frozenset[int]] = {}
    withheld = 0
    questions = ["", *(q["id"] for q in survey.questions)]
    for dimension in DIMENSIONS:
        for question in questions:
            page = client.get(f"/surveys/{survey.pk}/results/", {"by": dimension, "question": question})
            assert page.status_code == 200
            assert page.content.decode().count('<svg xmlns="http://www.w3.org/2000/svg"') == len(
                page.context["results"].asked
            )
            for group in page.context["results"].groups:
                cell = members(dimension, group.value)
                if not group.shown:
                    withheld += 1
                    assert group.size is None and not group.counts
                    continue
                shown[dimension, group.value] = cell
                assert group.size == len(cell) >= 5
                for asked in page.context["results"].asked:  # the counts are those of the cell
                    expected = [sum(1 for i in cell if rows[i]["answers"][asked.id] == o.id) for o in asked.options]
                    assert [c.count for c in group.counts[asked.id]] == expected
    assert {d for d, _ in shown} >= {OVERALL, SERVICE, TEAM}
    assert withheld > 0
    assert published_leaks(list(shown.values()), len(rows), brute_force_up_to=0) == []


# --- the demo ------------------------------------------------------------------------------------


def test_the_demo_seeds_a_closed_survey_with_results_and_feedback() -> None:
    """One authority of the demo (building it takes a while; tests/test_demo.py loads all five)."""

    from oversight.demo import COUNCILS, _build
    from oversight.surveys.demo import seed_demo
    from oversight.surveys.models import RecordFeedback

    demo_today = date(2026, 11, 20)
    pack, name, slug = next(c for c in COUNCILS if c[0] == "leeds-2023")
    with time_machine.travel(datetime(2026, 11, 20, 12, tzinfo=LONDON), tick=False):
        org = _build(pack, name, slug, demo_today, random.Random(f"7-{slug}"))
        seed_demo(org, demo_today)
        survey = Survey.objects.get(organisation=org)
        assert survey.status(demo_today) == "closed" and survey.sealed
        responses = SurveyResponse.objects.filter(survey=survey).count()
        assert responses == SurveyParticipation.objects.filter(survey=survey).count() >= 10
        assert all(p.person.organisation_id == org.pk for p in SurveyParticipation.objects.filter(survey=survey))
        manager = org.people.get(user__username=f"{slug}.sm")
        page = client_for(manager).get(f"/surveys/{survey.pk}/results/?by=team")
        body = page.content.decode()
        assert page.status_code == 200 and "<svg" in body
        assert any(g.shown for g in page.context["results"].groups)
        by_band = client_for(manager).get(f"/surveys/{survey.pk}/results/?by=band").content.decode()
        assert "Fewer than 5 responses" in by_band
        assert RecordFeedback.objects.filter(record__session__organisation=org).exists()


def test_what_is_shown_cannot_move_after_the_survey_closes(world: dict[str, Any]) -> None:
    """Figures that changed later would let a reader compare before and after: renaming teams
    does not change which groups are shown, and a team answers were given in cannot go."""
    from django.db.models import ProtectedError

    from oversight.surveys.selectors import decisions_for

    survey, _people = populate(world["cast"])

    def shown() -> set[Any]:
        return {key for key, decision in decisions_for(survey).decisions.items() if decision.published}

    before = shown()
    for team in Team.objects.filter(organisation=survey.organisation):
        team.name = "Z " + team.name[::-1]
        team.save()
    assert shown() == before
    used = SurveyResponse.objects.filter(survey=survey).exclude(team=None).first()
    with pytest.raises(ProtectedError):
        used.team.delete()  # type: ignore[union-attr]
