"""The quality-assurance pages (issue 8), walked by the personas: Maria audits Theo's files and
observes his supervision, Quinn (quality assurance) moderates, Theo reads what is about him,
Sally and Omar get a 404. Bad input names the field and keeps what was typed."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta
from typing import Any

import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.db import connection, models
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils.html import escape

from oversight.audit.models import AuditEvent
from oversight.compliance.store import refresh_organisation
from oversight.people.models import Person
from oversight.quality.development import observation_record, training_record
from oversight.quality.models import Audit, AuditAnswer, AuditFile, Finding, Observation, TrainingRecord
from oversight.quality.services import audit_start, finding_add
from oversight.quality.tools import tool_for
from oversight.records.models import Record
from oversight.records.services import record_save_draft, record_share
from oversight.sessions.services import session_hold, session_schedule
from oversight.supervision.services import relationship_start

from .test_quality import NOW, TODAY, QualityWorld, answer_all, build_quality_world

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def frozen() -> Iterator[None]:
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def world() -> QualityWorld:
    w = build_quality_world()
    c = w.cast
    session = session_schedule(
        organisation=c.org, by=c.theo, kind="personal", supervisor=c.theo, supervisee=c.sally, date=date(2026, 3, 3)
    )
    session = session_hold(session=session, by=c.theo, today=TODAY)
    record = Record.objects.get(session=session)
    section = c.org.pack.template(record.template_id).sections[0].id
    record = record_save_draft(record=record, by=c.theo, content={section: "RECORD-CONTENT"}, expected_version=1)
    record_share(record=record, by=c.theo, on=date(2026, 3, 4))
    refresh_organisation(c.org, TODAY)
    return w


def client_for(person: Person) -> Client:
    client = Client()
    client.force_login(person.user)
    return client


def page(client: Client, url: str, **kwargs: Any) -> tuple[int, str]:
    response = client.get(url, **kwargs)
    return response.status_code, response.content.decode()


def test_home_lists_what_each_person_has(world: QualityWorld) -> None:
    c = world.cast
    status, body = page(client_for(c.maria), "/quality/")
    assert status == 200
    assert "Supervisors you can audit and observe" in body
    assert f"/quality/audits/new/?supervisor={c.theo.pk}" in body
    status, body = page(client_for(c.sally), "/quality/")
    assert status == 200 and "Start an audit" not in body
    nobody = get_user_model().objects.create_user(username="no-staff", password="x")
    client = Client()
    client.force_login(nobody)
    assert client.get("/quality/").status_code == 404
    anonymous = Client().get("/quality/")
    assert anonymous.status_code == 302 and anonymous["Location"].startswith("/sign-in/")


def test_the_navigation_link_is_for_people_who_audit(world: QualityWorld) -> None:
    c = world.cast
    # Maria manages a supervisor (Theo); Quinn holds quality assurance. Theo manages Sally and
    # Asha, who supervise no one; Sally and Omar manage no supervisor.
    for person, shown in ((c.maria, True), (world.quinn, True), (c.theo, False), (c.sally, False), (c.omar, False)):
        _, body = page(client_for(person), "/home/")
        assert ('href="/quality/"' in body) == shown, person


def test_starting_an_audit_from_the_page(world: QualityWorld) -> None:
    c = world.cast
    maria = client_for(c.maria)
    url = f"/quality/audits/new/?supervisor={c.theo.pk}"
    status, body = page(maria, url)
    assert status == 200 and "Sally Social" in body and "Asha Asye" in body
    response = maria.post(url, {"supervisor": c.theo.pk})
    assert response.status_code == 200
    body = response.content.decode()
    assert "Choose at least one supervisee whose file to sample" in body and "Error: " in body
    assert not Audit.objects.exists()
    response = maria.post(url, {"supervisor": c.theo.pk, "supervisees": [c.sally.pk, c.asha.pk]})
    audit = Audit.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/quality/audits/{audit.pk}/"
    status, body = page(maria, url)
    assert "You already have a draft audit of Theo Team" in body


@pytest.mark.parametrize("given", ["abc", "99999", ""])
def test_a_supervisor_you_may_not_audit_is_a_404(world: QualityWorld, given: str) -> None:
    c = world.cast
    if given == "":
        status, body = page(client_for(c.omar), "/quality/audits/new/")
        assert status == 200 and "There is no supervisor you can audit" in body
        return
    assert client_for(c.maria).get(f"/quality/audits/new/?supervisor={given}").status_code == 404
    assert client_for(c.omar).get(f"/quality/audits/new/?supervisor={c.theo.pk}").status_code == 404
    assert client_for(c.sally).get(f"/quality/audits/new/?supervisor={c.theo.pk}").status_code == 404


def test_answers_on_a_file_with_its_facts_beside_them(world: QualityWorld) -> None:
    c = world.cast
    audit = audit_start(supervisor=c.theo, auditor=c.maria, supervisees=[c.sally, c.asha], on=TODAY)
    file = audit.files.get(supervisee=c.sally)
    url = f"/quality/audits/{audit.pk}/files/{file.pk}/"
    maria = client_for(c.maria)
    status, body = page(maria, url)
    assert status == 200
    assert "The file at a glance" in body and "Shared: 1" in body and "shared 4 Mar" in body
    assert "RECORD-CONTENT" not in body  # facts, never a record's content
    assert escape("A supervision agreement is in place for this relationship") in body and "4.3, 4.12" in body
    response = maria.post(url, {"q-agreement": "brilliant", "q-frequency": "met", "c-frequency": "Monthly, as 4.4"})
    assert response.status_code == 200
    body = response.content.decode()
    assert "Select a valid choice. brilliant is not one of the available choices." in body
    assert 'href="#id_q-agreement"' in body  # the error summary names the question's field
    assert "Monthly, as 4.4" in body  # nothing typed is lost
    assert not AuditAnswer.objects.exists()
    response = maria.post(url, {"q-agreement": "", "c-agreement": "No agreement found"})
    assert "Choose an answer for the question you commented on" in response.content.decode()
    response = maria.post(url, {"q-agreement": "not_met", "c-agreement": "None on file", "q-frequency": "met"})
    assert response.status_code == 302
    assert dict(AuditAnswer.objects.values_list("question", "answer")) == {"agreement": "not_met", "frequency": "met"}
    assert "Answers saved for Sally Social" in maria.get(url).content.decode()
    # Theo reads his audit's answers but cannot fill them in.
    theo = client_for(c.theo)
    status, body = page(theo, url)
    assert (
        status == 200
        and "None on file" in body
        and "<form" not in body.split('id="main-content"')[1].split("</main>")[0]
    )
    assert theo.post(url, {"q-agreement": "met"}).status_code == 404


def test_complete_and_moderate_through_the_page(world: QualityWorld) -> None:
    c = world.cast
    audit = audit_start(supervisor=c.theo, auditor=c.maria, supervisees=[c.sally, c.asha], on=TODAY)
    url = f"/quality/audits/{audit.pk}/"
    maria = client_for(c.maria)
    body = maria.post(url, {"step": "complete", "outcome": "good", "summary": "Regular"}).content.decode()
    assert "Answer every question on every file first" in body and "Asha Asye&#x27;s file has 11 unanswered" in body
    body = maria.post(url, {"step": "complete", "summary": "Regular"}).content.decode()
    assert "Choose the outcome of the audit" in body and 'href="#id_outcome"' in body
    answer_all(audit, pick=1)
    body = maria.post(
        url, {"step": "finding", "text": "Late records", "action": "Share within 10 days", "owner": c.sally.pk}
    ).content.decode()
    assert "Select a valid choice" in body  # Sally is not a possible owner
    assert "Enter the date it is due by" in body
    due = TODAY + timedelta(days=14)
    response = maria.post(
        url,
        {
            "step": "finding",
            "text": "Late records",
            "action": "Share within 10 days",
            "owner": c.theo.pk,
            "due_0": due.day,
            "due_1": due.month,
            "due_2": due.year,
        },
    )
    assert response.status_code == 302 and Finding.objects.count() == 1
    response = maria.post(url, {"step": "complete", "outcome": "requires_improvement", "summary": "Mostly partly met"})
    assert response.status_code == 302
    audit.refresh_from_db()
    assert audit.state == "completed" and audit.outcome == "requires_improvement"
    # The auditor cannot moderate their own audit; the supervisor cannot either.
    assert maria.post(url, {"step": "moderate", "outcome": "good"}).status_code == 404
    assert client_for(c.theo).post(url, {"step": "moderate", "outcome": "good"}).status_code == 404
    quinn = client_for(world.quinn)
    status, body = page(quinn, "/quality/")
    assert "Audits waiting for your moderation" in body and f"/quality/audits/{audit.pk}/" in body
    body = quinn.post(url, {"step": "moderate", "outcome": "good", "note": ""}).content.decode()
    assert "Say why you changed the outcome" in body and 'href="#id_note"' in body
    response = quinn.post(url, {"step": "moderate", "outcome": "good", "note": "Frequency was met."})
    assert response.status_code == 302
    body = quinn.get(url).content.decode()
    assert "changed from the auditor's Requires improvement" in body and "Frequency was met." in body
    # The owner marks the action done.
    finding = Finding.objects.get()
    theo = client_for(c.theo)
    assert theo.post(url, {"step": "finding_done", "finding": finding.pk}).status_code == 302
    finding.refresh_from_db()
    assert finding.done_by_id == c.theo.pk
    assert client_for(c.sally).post(url, {"step": "finding_done", "finding": finding.pk}).status_code == 404


def test_who_reads_an_audit_and_every_read_is_logged(world: QualityWorld) -> None:
    c = world.cast
    audit = audit_start(supervisor=c.theo, auditor=c.maria, supervisees=[c.sally], on=TODAY)
    url = f"/quality/audits/{audit.pk}/"
    for person in (c.maria, c.theo, world.quinn):
        assert client_for(person).get(url).status_code == 200, person
    for person in (c.sally, c.asha, c.omar):
        assert client_for(person).get(url).status_code == 404, person
        assert client_for(person).get(f"{url}files/{audit.files.get().pk}/").status_code == 404, person
    reads = AuditEvent.objects.filter(action="quality_audit.view", object_id=str(audit.pk))
    assert sorted(reads.values_list("acting_as", flat=True)) == ["auditor", "qa", "self"]
    assert reads.get(acting_as="qa").purpose == "quality assurance of supervision"
    assert client_for(c.maria).delete(url).status_code == 405
    assert client_for(c.maria).post(url, {"step": "share"}).status_code == 302  # nothing to share: unchanged


def test_observations_pages(world: QualityWorld) -> None:
    c = world.cast
    maria = client_for(c.maria)
    url = f"/quality/observations/new/?supervisor={c.theo.pk}"
    status, body = page(maria, url)
    assert status == 200 and "Direct observation of a supervision session" in body and "4.19" in body
    future = TODAY + timedelta(days=2)
    response = maria.post(
        url, {"observed_on_0": future.day, "observed_on_1": future.month, "observed_on_2": future.year, "strengths": ""}
    )
    body = response.content.decode()
    assert "The date observed must be today or in the past" in body
    assert "Write the strengths seen: the areas of good practice" in body and 'href="#id_strengths"' in body
    response = maria.post(
        url,
        {
            "observed_on_0": 3,
            "observed_on_1": 3,
            "observed_on_2": 2026,
            "elements": ["direct_observation", "supervisee_conversation"],
            "strengths": "Warm and reflective",
            "areas_to_develop": "Agree the next date",
        },
    )
    observation = Observation.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/quality/observations/{observation.pk}/"
    detail = f"/quality/observations/{observation.pk}/"
    theo = client_for(c.theo)
    status, body = page(theo, detail)
    assert status == 200 and "A conversation with the supervisee" in body and "Record my response" in body
    body = theo.post(detail, {"step": "respond", "response": ""}).content.decode()
    assert "Write your response to the observation" in body
    assert theo.post(detail, {"step": "respond", "response": "Agreed"}).status_code == 302
    assert Observation.objects.get().response == "Agreed"
    assert client_for(c.sally).get(detail).status_code == 404
    assert client_for(c.omar).get(detail).status_code == 404
    assert f'href="{detail}"' in page(client_for(world.quinn), "/quality/observations/")[1]
    assert client_for(c.sally).get(url).status_code == 404


def test_training_view_with_due_dates_and_csv(world: QualityWorld) -> None:
    c = world.cast
    training_record(
        person=c.theo,
        by=c.maria,
        kind="initial",
        course="Supervision skills",
        provider="Performance and Learning",
        completed_on=date(2020, 6, 1),
        on=TODAY,
    )
    maria = client_for(c.maria)
    status, body = page(maria, "/quality/training/")
    assert status == 200
    assert "1 Jun 2025" in body and "overdue" in body and "4.18" in body
    assert "Maria Service" in body and "not recorded" in body  # Maria supervises Theo
    response = maria.get("/quality/training.csv")
    assert response.status_code == 200 and "attachment" in response["Content-Disposition"]
    text = response.content.decode()
    assert "Theo Team,T1,Team manager,Team A,2,2020-06-01" in text and "2025-06-01,overdue" in text
    assert AuditEvent.objects.filter(action="quality_training.export").count() == 1
    # Sally supervises no one: nothing to see or export.
    status, body = page(client_for(c.sally), "/quality/training/")
    assert status == 200 and "Theo Team" not in body
    assert client_for(c.sally).get("/quality/training.csv").status_code == 404
    # Recording training: bad input names the field.
    url = f"/quality/training/new/?person={c.theo.pk}"
    body = maria.post(
        url, {"course": "", "provider": "P", "completed_on_0": "31", "completed_on_1": "2"}
    ).content.decode()
    assert "Choose whether this was supervision training or a refresher" in body
    assert "Enter the name of the course" in body and "The date must include a day, month and year" in body
    response = maria.post(
        url,
        {
            "kind": "refresher",
            "course": "Reflective supervision",
            "provider": "P",
            "completed_on_0": "2",
            "completed_on_1": "3",
            "completed_on_2": "2026",
        },
    )
    assert response.status_code == 302 and TrainingRecord.objects.count() == 2
    assert client_for(c.sally).get(url).status_code == 404


def test_the_supervisors_file_links_to_quality_assurance(world: QualityWorld) -> None:
    c = world.cast
    audit = audit_start(supervisor=c.theo, auditor=c.maria, supervisees=[c.sally], on=TODAY)
    body = client_for(c.maria).get(f"/people/{c.theo.pk}/").content.decode()
    assert "Quality assurance of Theo Team's supervision" in body
    assert f'href="/quality/audits/{audit.pk}/"' in body
    assert f'href="/quality/audits/new/?supervisor={c.theo.pk}"' in body
    body = client_for(c.theo).get(f"/people/{c.theo.pk}/").content.decode()
    assert f'href="/quality/audits/{audit.pk}/"' in body and "Start an audit" not in body
    # Sally's own file: she supervises no one, so there is nothing to show.
    body = client_for(c.sally).get(f"/people/{c.sally.pk}/").content.decode()
    assert "Quality assurance of" not in body


def test_home_queries_do_not_grow_with_the_audits(world: QualityWorld) -> None:
    c = world.cast

    def count() -> int:
        client = client_for(c.maria)
        client.get("/quality/")
        with CaptureQueriesContext(connection) as queries:
            assert client.get("/quality/").status_code == 200
        return len(queries)

    audit = audit_start(supervisor=c.theo, auditor=c.maria, supervisees=[c.sally], on=TODAY)
    answer_all(audit)
    finding_add(audit=audit, by=c.maria, text="t", action="a", owner=c.maria, due=TODAY, on=TODAY)
    few = count()
    for n in range(4):
        supervisor = Person.objects.create(
            organisation=c.org,
            staff_id=f"X{n}",
            name=f"Extra {n}",
            role="team_manager",
            line_manager=c.maria,
            started=date(2019, 1, 1),
        )
        supervisee = Person.objects.create(
            organisation=c.org,
            staff_id=f"Y{n}",
            name=f"Worker {n}",
            role="social_worker",
            line_manager=supervisor,
            started=date(2019, 1, 1),
        )
        relationship_start(
            organisation=c.org, by=c.maria, supervisor=supervisor, supervisee=supervisee, start=date(2025, 1, 6)
        )
        audit_start(supervisor=supervisor, auditor=c.maria, supervisees=[supervisee], on=TODAY)
        observation_record(
            supervisor=supervisor, observer=c.maria, observed_on=TODAY, strengths="s", areas_to_develop="a", on=TODAY
        )
    many = count()
    assert many == few, (few, many)
    assert len(tool_for("leeds-2023").questions) == 11


def test_a_sampled_file_deleted_under_retention_keeps_the_audit_whole(world: QualityWorld) -> None:
    """The retention schedule deletes a leaver's staff record past its period: the audit's link to
    them is lost (SET_NULL, never a block on the deletion), their name and the answers stay."""
    assert AuditFile._meta.get_field("supervisee").remote_field.on_delete is models.SET_NULL  # type: ignore[union-attr]
    assert Observation._meta.get_field("session").remote_field.on_delete is models.SET_NULL  # type: ignore[union-attr]
    c = world.cast
    audit = audit_start(supervisor=c.theo, auditor=c.maria, supervisees=[c.sally, c.asha], on=TODAY)
    answer_all(audit)
    file = audit.files.get(supervisee=c.asha)
    AuditFile.objects.filter(pk=file.pk).update(supervisee=None)  # as the deletion of Asha's record leaves it
    maria = client_for(c.maria)
    status, body = page(maria, f"/quality/audits/{audit.pk}/files/{file.pk}/")
    assert status == 200 and "Asha Asye's file" in body and "deleted under the retention schedule" in body
    status, body = page(maria, f"/quality/audits/{audit.pk}/")
    assert status == 200 and "Asha Asye" in body
    response = maria.post(f"/quality/audits/{audit.pk}/", {"step": "complete", "outcome": "good", "summary": "Done"})
    assert response.status_code == 302 and Audit.objects.get().state == "completed"
