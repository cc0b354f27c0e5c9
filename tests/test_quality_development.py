"""Quality assurance of supervision (issue 8): observations of supervision (Leeds 4.19),
supervision training and the refresher's due date (Leeds 4.18), and the events the obligation
engine reads (``file_events``). The world is tests/test_quality.py's; time is frozen on
Tuesday 10 March 2026."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta
from typing import Any

import pytest
import time_machine

from oversight.audit.models import AuditEvent
from oversight.compliance import hooks
from oversight.errors import ServiceError
from oversight.people.models import Person
from oversight.quality.development import observation_record, observation_respond, training_record
from oversight.quality.models import Observation, TrainingRecord
from oversight.quality.selectors import file_events
from oversight.quality.services import audit_start
from oversight.quality.workforce import rows_as_csv, training_rule, workforce_rows
from oversight.sessions.services import session_hold, session_schedule

from .test_quality import NOW, TODAY, QualityWorld, build_quality_world, completed
from .test_quality import world as world  # noqa: F401  (the fixture)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def frozen() -> Iterator[None]:
    with time_machine.travel(NOW, tick=False):
        yield


def test_an_observation_of_supervision_and_the_response(world: QualityWorld) -> None:
    c = world.cast
    session = session_schedule(
        organisation=c.org, by=c.theo, kind="personal", supervisor=c.theo, supervisee=c.sally, date=date(2026, 3, 3)
    )
    session = session_hold(session=session, by=c.theo, today=TODAY)
    kwargs: dict[str, Any] = {
        "supervisor": c.theo,
        "observer": c.maria,
        "observed_on": date(2026, 3, 3),
        "strengths": "Warm and reflective",
        "areas_to_develop": "Agree dates",
        "on": TODAY,
        "session": session,
    }
    with pytest.raises(ServiceError) as element:
        observation_record(**kwargs, elements=["dance"])
    assert element.value.field == "elements"
    with pytest.raises(ServiceError) as wrong_day:
        observation_record(**{**kwargs, "observed_on": date(2026, 3, 4)})
    assert wrong_day.value.field == "session"
    with pytest.raises(ServiceError) as outsider:
        observation_record(**{**kwargs, "observer": c.sally})
    assert outsider.value.field == "supervisor"
    with pytest.raises(ServiceError) as blank:
        observation_record(**{**kwargs, "strengths": " "})
    assert blank.value.field == "strengths"
    observation = observation_record(**kwargs, elements=["direct_observation", "file_review"])
    assert observation.observer_standing == "line management"
    assert AuditEvent.objects.filter(action="quality_observation.record", object_id=str(observation.pk)).exists()
    with pytest.raises(ServiceError):
        observation_respond(observation=observation, by=c.maria, response="x", on=TODAY)
    observation_respond(observation=observation, by=c.theo, response="Agreed", on=TODAY)
    with pytest.raises(ServiceError, match="already responded"):
        observation_respond(observation=Observation.objects.get(), by=c.theo, response="Again", on=TODAY)


def test_training_is_recorded_by_self_or_those_above(world: QualityWorld) -> None:
    c = world.cast
    kwargs: dict[str, Any] = {
        "kind": "initial",
        "course": "Supervision skills",
        "provider": "Performance and Learning",
        "completed_on": date(2020, 6, 1),
        "on": TODAY,
    }
    training_record(person=c.theo, by=c.theo, **kwargs)
    training_record(person=c.theo, by=c.maria, **{**kwargs, "kind": "refresher", "completed_on": date(2025, 6, 1)})
    with pytest.raises(ServiceError) as outsider:
        training_record(person=c.theo, by=c.sally, **kwargs)
    assert outsider.value.field == "person"
    with pytest.raises(ServiceError) as future:
        training_record(person=c.theo, by=c.theo, **{**kwargs, "completed_on": TODAY + timedelta(days=1)})
    assert future.value.field == "completed_on"
    with pytest.raises(ServiceError) as kind:
        training_record(person=c.theo, by=c.theo, **{**kwargs, "kind": "party"})
    assert kind.value.field == "kind"
    assert TrainingRecord.objects.count() == 2


def test_the_refresher_falls_due_on_the_councils_period(world: QualityWorld) -> None:
    c = world.cast
    rule = training_rule(c.org.pack)
    assert rule is not None and rule.source == "4.18" and rule.period.years == 5
    training_record(
        person=c.theo,
        by=c.maria,
        kind="initial",
        course="Supervision",
        provider="P",
        completed_on=date(2020, 6, 1),
        on=TODAY,
    )
    people = Person.objects.filter(pk__in=[c.theo.pk, c.maria.pk])
    rows = {r.person.pk: r for r in workforce_rows(people, c.org.pack, TODAY)}
    assert rows[c.theo.pk].due == date(2025, 6, 1) and rows[c.theo.pk].status == "overdue"
    assert rows[c.maria.pk].last is None and rows[c.maria.pk].status == "not recorded"
    assert rows[c.theo.pk].supervisees == 2
    text = rows_as_csv(rows.values(), rule, c.org.pack.council)
    assert text.splitlines()[0].startswith("Name,Staff ID,Role")
    assert "Theo Team,T1,Team manager,Team A,2,2020-06-01,Supervision training,Supervision,P,2025-06-01,overdue" in text


def test_a_council_without_a_period_shows_no_due_date() -> None:
    w = build_quality_world("bristol-2020", "bristol-quality")
    assert training_rule(w.org.pack) is None
    training_record(
        person=w.cast.theo,
        by=w.cast.maria,
        kind="initial",
        course="S",
        provider="P",
        completed_on=date(2015, 1, 5),
        on=TODAY,
    )
    (row,) = workforce_rows(Person.objects.filter(pk=w.cast.theo.pk), w.org.pack, TODAY)
    assert row.due is None and row.status == "no period in the policy"


def test_file_events_for_the_obligation_engine(world: QualityWorld) -> None:
    c = world.cast
    done = completed(world)
    audit_start(supervisor=c.theo, auditor=world.quinn, supervisees=[c.asha], on=TODAY)  # a draft: not an event
    observation_record(
        supervisor=c.theo, observer=c.maria, observed_on=date(2026, 2, 2), strengths="s", areas_to_develop="a", on=TODAY
    )
    training_record(
        person=c.maria, by=c.maria, kind="initial", course="S", provider="P", completed_on=date(2021, 5, 4), on=TODAY
    )
    events = file_events(c.org)
    expected = [
        {"person": c.theo.pk, "kind": "supervision_observed", "date": date(2026, 2, 2)},
        {"person": c.theo.pk, "kind": "file_audit", "date": done.completed_on},
        {"person": c.maria.pk, "kind": "training", "date": date(2021, 5, 4)},
    ]
    assert events == sorted(expected, key=lambda e: (e["person"], e["date"], e["kind"]))
    assert {e["kind"] for e in events} == {"training", "supervision_observed", "file_audit"}
    assert all(e["person"] in (c.theo.pk, c.maria.pk) for e in events)
    assert file_events(c.org, people=[c.maria.pk]) == [
        {"person": c.maria.pk, "kind": "training", "date": date(2021, 5, 4)}
    ]
    assert file_events(c.org, people=[]) == []
    other = build_quality_world("lambeth-2021", "lambeth-quality")
    assert file_events(other.org) == []


def test_the_obligation_store_is_told_of_each_quality_event(
    world: QualityWorld, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Completing an audit, recording an observation and recording training each tell the
    obligation store that the supervisor's events changed (oversight.compliance.hooks)."""
    told: list[list[int]] = []
    monkeypatch.setattr(hooks, "touch_people", lambda ids, *a, **k: told.append(list(ids)), raising=False)
    c = world.cast
    completed(world)
    observation_record(
        supervisor=c.theo, observer=c.maria, observed_on=TODAY, strengths="s", areas_to_develop="a", on=TODAY
    )
    training_record(person=c.maria, by=c.maria, kind="initial", course="S", provider="P", completed_on=TODAY, on=TODAY)
    assert told == [[c.theo.pk], [c.theo.pk], [c.maria.pk]]
