"""The supervisee's feedback on supervision in a record (issue 8; Leeds 4.14, Bristol 4.4,
Buckinghamshire App. 2, Blackpool 6): given by Sally on a record of Theo's session, until it is
agreed; read on the record page by Sally and Theo only. Time frozen on 10 March 2026."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.test import Client

from oversight.access import services as access_services
from oversight.audit.models import AuditEvent
from oversight.errors import ServiceError
from oversight.people.models import Person
from oversight.records.models import Record
from oversight.records.services import record_agree, record_share
from oversight.sessions.services import session_hold, session_schedule
from oversight.supervision.services import relationship_start
from oversight.surveys.models import RecordFeedback
from oversight.surveys.questions import questions_for
from oversight.surveys.services import record_feedback_give

from .personas import Cast, give_sign_ins, make_cast

pytestmark = pytest.mark.django_db

LONDON = ZoneInfo("Europe/London")
NOW = datetime(2026, 3, 10, 10, 30, tzinfo=LONDON)
TODAY = NOW.date()


@pytest.fixture(autouse=True)
def frozen() -> Iterator[None]:
    with time_machine.travel(NOW, tick=False):
        yield


def client_for(person: Person) -> Client:
    client = Client()
    client.force_login(person.user)
    return client


def setup(pack: str, slug: str) -> tuple[Cast, Record, Person]:
    cast = make_cast(pack, slug)
    quinn = Person.objects.create(
        organisation=cast.org, staff_id="Q1", name="Quinn Quality", role="business_support", started=date(2015, 1, 5)
    )
    give_sign_ins(cast, quinn, prefix=f"{slug}-")
    access_services.capability_grant(person=cast.maria, capability="senior_manager", by=None, reason="SM")
    access_services.capability_grant(
        person=quinn,
        capability="qa",
        service=cast.sally.team.service,
        by=cast.maria,
        reason="QA",  # type: ignore[union-attr]
    )
    relationship_start(
        organisation=cast.org, by=cast.maria, supervisor=cast.theo, supervisee=cast.sally, start=date(2026, 1, 5)
    )
    session = session_schedule(
        organisation=cast.org,
        by=cast.theo,
        kind="personal",
        supervisor=cast.theo,
        supervisee=cast.sally,
        date=date(2026, 3, 3),
    )
    session_hold(session=session, by=cast.theo, today=TODAY)
    return cast, Record.objects.get(session=session), quinn


@pytest.fixture
def leeds() -> tuple[Cast, Record, Person]:
    return setup("leeds-2023", "leeds-feedback")


def good_answers(pack: str) -> dict[str, str]:
    spec = questions_for(pack).record_feedback
    assert spec is not None
    return {q.id: (q.options[1].id if q.kind == "choice" else f"WORDS-{q.id}") for q in spec.questions}


def test_the_supervisee_gives_feedback_and_the_supervisor_reads_it_on_the_record(leeds: Any) -> None:
    cast, record, _quinn = leeds
    assert record.template_id == "leeds.personal_record"
    sally = client_for(cast.sally)
    form = sally.get(f"/records/{record.pk}/feedback/").content.decode()
    assert "How well is supervision meeting your needs?" in form and "(Source: 4.14)" in form
    saved = sally.post(f"/records/{record.pk}/feedback/", {**good_answers("leeds-2023"), "version": ""})
    assert saved.status_code == 302 and saved["Location"] == f"/records/{record.pk}/"
    feedback = RecordFeedback.objects.get(record=record)
    assert feedback.person == cast.sally and feedback.answers["needs_met"] == "well"
    event = AuditEvent.objects.get(action="record.feedback")
    assert event.actor_id == cast.sally.pk and event.object_id == str(record.pk)
    assert "WORDS" not in str(event.detail)  # the audit trail names what was answered, not the words
    for person in (cast.sally, cast.theo):
        page = client_for(person).get(f"/records/{record.pk}/").content.decode()
        assert "The supervisee's feedback on supervision" in page and "WORDS-working_well" in page, person
    assert "Change your feedback" in client_for(cast.sally).get(f"/records/{record.pk}/").content.decode()
    assert "Change your feedback" not in client_for(cast.theo).get(f"/records/{record.pk}/").content.decode()
    # Maria reads the record through line management, but not the feedback.
    maria = client_for(cast.maria).get(f"/records/{record.pk}/")
    assert maria.status_code == 200 and "WORDS-working_well" not in maria.content.decode()


@pytest.mark.parametrize("who", ["theo", "maria", "omar", "asha", "quinn"])
def test_only_the_supervisee_reaches_the_feedback_page(leeds: Any, who: str) -> None:
    cast, record, quinn = leeds
    person = quinn if who == "quinn" else getattr(cast, who)
    client = client_for(person)
    url = f"/records/{record.pk}/feedback/"
    assert client.get(url).status_code == 404
    assert client.post(url, good_answers("leeds-2023")).status_code == 404
    assert not RecordFeedback.objects.exists()
    with pytest.raises(ServiceError):
        record_feedback_give(record=record, by=person, answers=good_answers("leeds-2023"), expected_version=None)


def test_feedback_can_change_until_the_record_is_agreed(leeds: Any) -> None:
    cast, record, _ = leeds
    answers = good_answers("leeds-2023")
    first = record_feedback_give(record=record, by=cast.sally, answers=answers, expected_version=None)
    with pytest.raises(ServiceError, match="another window"):
        record_feedback_give(record=record, by=cast.sally, answers=answers, expected_version=None)
    second = record_feedback_give(
        record=record, by=cast.sally, answers={**answers, "needs_met": "partly"}, expected_version=first.version
    )
    assert second.version == 2 and second.answers["needs_met"] == "partly"
    record_share(record=record, by=cast.theo, on=TODAY)
    record_agree(record=Record.objects.get(pk=record.pk), by=cast.sally, on=TODAY)
    with pytest.raises(ServiceError, match="agreed"):
        record_feedback_give(record=record, by=cast.sally, answers=answers, expected_version=2)
    sally = client_for(cast.sally)
    page = sally.get(f"/records/{record.pk}/feedback/")
    assert page.status_code == 200 and "can no longer change" in page.content.decode()
    assert "Partly" in page.content.decode()
    refused = sally.post(f"/records/{record.pk}/feedback/", {**answers, "version": "2"})
    assert refused.status_code == 400
    assert RecordFeedback.objects.get().answers["needs_met"] == "partly"
    assert "Change your feedback" not in sally.get(f"/records/{record.pk}/").content.decode()


def test_a_question_missed_is_named_and_the_words_are_kept(leeds: Any) -> None:
    cast, record, _ = leeds
    answers = good_answers("leeds-2023")
    del answers["needs_met"]
    page = client_for(cast.sally).post(f"/records/{record.pk}/feedback/", answers)
    body = page.content.decode()
    assert page.status_code == 400
    assert "Choose an answer for ‘How well is supervision meeting your needs?’" in body
    assert "WORDS-working_well</textarea>" in body
    assert not RecordFeedback.objects.exists()


@pytest.mark.parametrize(
    ("pack", "template", "asks"),
    [
        ("bristol-2020", "bristol.record.practitioner", True),
        ("buckinghamshire-2024", "bucks.personal", True),
        ("blackpool-2020", "blackpool.personal", True),
        ("lambeth-2021", "lambeth.professional", False),
    ],
)
def test_each_council_asks_where_its_template_does(pack: str, template: str, asks: bool) -> None:
    cast, record, _ = setup(pack, f"{pack}-fb")
    assert record.template_id == template
    sally = client_for(cast.sally)
    page = sally.get(f"/records/{record.pk}/feedback/")
    assert page.status_code == (200 if asks else 404)
    record_page = sally.get(f"/records/{record.pk}/").content.decode()
    assert ("Give your feedback on this supervision" in record_page) is asks
    if asks:
        assert sally.post(f"/records/{record.pk}/feedback/", good_answers(pack)).status_code == 302
        assert RecordFeedback.objects.filter(record=record).exists()


def test_a_case_session_has_no_feedback_page(leeds: Any) -> None:
    cast, _record, _ = leeds
    case = session_schedule(
        organisation=cast.org,
        by=cast.theo,
        kind="case",
        supervisor=cast.theo,
        supervisee=cast.sally,
        date=TODAY - timedelta(days=1),
    )
    session_hold(session=case, by=cast.theo, today=TODAY)
    record = Record.objects.filter(session=case).first()
    if record is not None:  # Leeds keeps case supervision on the child's record
        assert client_for(cast.sally).get(f"/records/{record.pk}/feedback/").status_code == 404
