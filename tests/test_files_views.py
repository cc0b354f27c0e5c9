"""The supervision file's pages (oversight.files.views) walked by the personas of
tests/test_files.py: writing, editing, reviewing and stepping items through the forms, bad
input that names its question, uploads refused with the reason, the history, who reads what,
and the preparation form on the session page, the pre-supervision pack and the person's file."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils.html import escape

from oversight.access.services import consent_give
from oversight.audit.models import AuditEvent
from oversight.files.models import FileItem, FileItemEvent, FileItemVersion
from oversight.files.services import item_create, item_review
from oversight.people.models import Person
from oversight.sessions.services import session_schedule
from oversight.supervision.models import Relationship

from .test_files import TODAY, FileWorld, build_file_world, frozen, self_care  # noqa: F401 (frozen: autouse)

pytestmark = pytest.mark.django_db


@pytest.fixture
def w() -> FileWorld:
    return build_file_world()


def client_for(person: Person) -> Client:
    client = Client()
    client.force_login(person.user)
    return client


def day(name: str, when: date) -> dict[str, Any]:
    return {f"{name}_0": when.day, f"{name}_1": when.month, f"{name}_2": when.year}


def page(client: Client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return response.content.decode()


def test_the_supervisee_writes_a_preparation_form_and_her_supervisor_reads_it_before_the_session(w: FileWorld) -> None:
    planned = session_schedule(
        organisation=w.cast.org,
        by=w.cast.theo,
        kind="personal",
        supervisor=w.cast.theo,
        supervisee=w.sally,
        date=date(2026, 3, 17),
    )
    sally, theo = client_for(w.sally), client_for(w.cast.theo)
    session_page = page(sally, f"/sessions/{planned.pk}/")
    new_url = f"/people/{w.sally.pk}/file/new/preparation/?session={planned.pk}"
    assert escape(new_url) in session_page
    form = page(sally, new_url)
    assert "Items I want to add to the agenda" in form and f'value="{planned.pk}" selected' in form
    response = sally.post(
        new_url,
        {
            **day("on", TODAY),
            "session": planned.pk,
            "agenda_items": "Workload after the duty week\nMy CPD day",
            "caseload_themes": "",
        },
    )
    item = FileItem.objects.get(kind="preparation")
    assert response.status_code == 302 and response["Location"] == f"/people/{w.sally.pk}/file/items/{item.pk}/"
    assert item.session == planned and item.content == {"agenda_items": ["Workload after the duty week", "My CPD day"]}
    for body in (
        page(theo, f"/sessions/{planned.pk}/"),
        page(theo, f"/people/{w.sally.pk}/preparation/?session={planned.pk}"),
    ):
        assert "Workload after the duty week" in body and "Sally Social's preparation" in body
    assert "Workload after the duty week" in page(client_for(w.cast.maria), f"/sessions/{planned.pk}/")
    assert page(theo, f"/people/{w.sally.pk}/preparation/?session={planned.pk}").count("My CPD day") == 1
    for outsider in (w.fiona, w.cast.omar):
        assert client_for(outsider).get(f"/people/{w.sally.pk}/file/items/{item.pk}/").status_code == 404


def test_bad_input_names_the_question_and_loses_nothing(w: FileWorld) -> None:
    theo = client_for(w.cast.theo)
    url = f"/people/{w.sally.pk}/file/new/support_referral/"
    response = theo.post(url, {**day("on", TODAY), "service": "astrology", "referred_on_0": "30", "referred_on_1": "2",
                               "referred_on_2": "2026", "reason": "Back pain when driving", "outcome": ""})  # fmt: skip
    body = response.content.decode()
    assert response.status_code == 200 and "There is a problem" in body
    assert "Referred to: choose one of the options" in body
    assert "Date referred: The date must be a real date" in body
    assert "Back pain when driving" in body  # what was typed is kept
    response = theo.post(url, {**day("on", TODAY), "service": "occupational_health", **day("referred_on", TODAY)})
    assert "Why: this must be answered" in response.content.decode()
    response = theo.post(
        url,
        {**day("on", date(2026, 3, 20)), "service": "occupational_health", **day("referred_on", TODAY), "reason": "x"},
    )
    assert "Date: the date cannot be in the future" in response.content.decode()
    assert not FileItem.objects.exists()


def test_an_attendance_note_refuses_an_upload_and_the_form_says_why(w: FileWorld) -> None:
    theo = client_for(w.cast.theo)
    url = f"/people/{w.sally.pk}/file/new/attendance_note/"
    form = page(theo, url)
    assert "Copies of sick notes must not be kept in the supervision file" in form and "GDPR (4.12)" in form
    assert 'type="file"' not in form and "multipart" not in form
    fit_note = SimpleUploadedFile("fit-note.pdf", b"%PDF-1.4 sick note", content_type="application/pdf")
    data = {
        **day("on", TODAY),
        "note_type": "return_to_work",
        "discussion": "Back after five days",
        "fit_note": fit_note,
    }
    response = theo.post(url, data)
    body = response.content.decode()
    assert response.status_code == 200 and "There is a problem" in body and "Copies of sick notes" in body
    assert not FileItem.objects.exists()
    data.pop("fit_note")
    assert theo.post(url, data).status_code == 302
    assert FileItem.objects.get().content == {"note_type": "return_to_work", "discussion": "Back after five days"}


def test_the_complaint_form_says_it_is_anonymised_and_has_no_place_for_a_name(w: FileWorld) -> None:
    body = page(client_for(w.cast.theo), f"/people/{w.sally.pk}/file/new/compliment_complaint/")
    assert "Kept anonymised (4.12)" in body and "no place for the name" in body
    assert 'name="complainant' not in body and 'name="name"' not in body


def test_edit_review_step_and_history_through_the_pages(w: FileWorld) -> None:
    theo = client_for(w.cast.theo)
    item = self_care(w)
    base = f"/people/{w.sally.pk}/file/items/{item.pk}/"
    edit = page(theo, base + "edit/")
    assert "Walk at lunchtime" in edit and 'name="version" value="1"' in edit
    response = theo.post(
        base + "edit/",
        {**day("on", item.on), "version": 1, "plan": "Walk and lunch away from my desk", "formulation": ""},
    )
    assert response.status_code == 302
    stale = theo.post(base + "edit/", {**day("on", item.on), "version": 1, "plan": "Stale"})
    assert "Someone else saved this item" in stale.content.decode()
    detail = page(theo, base)
    assert "Walk and lunch away from my desk" in detail and "Version 2" in detail and "Version 1" in detail
    old = page(theo, base + "history/1/")
    assert "Walk at lunchtime" in old and "Court weeks drain me" in old and "A later version replaces it" in old
    assert client_for(w.sally).get(base + "history/3/").status_code == 404
    no_note = theo.post(base + "review/", {**day("on", TODAY), "note": ""})
    assert "What the review found: write what was found" in no_note.content.decode()
    assert theo.post(base + "review/", {**day("on", TODAY), "note": "Still working for her"}).status_code == 302
    assert FileItemEvent.objects.get().note == "Still working for her"
    assert "Still working for her" in page(theo, base) and "Reviewed together" in page(theo, base)
    assert FileItemVersion.objects.filter(item=item).count() == 2
    assert AuditEvent.objects.filter(action="file_item.view", object_id=str(item.pk)).exists()
    # an improvement plan escalated to HR by the line management above
    plan = item_create(subject=w.sally, kind_id="improvement_plan", by=w.cast.theo, on=date(2026, 2, 2),
                       content={"concern": "Late", "goals": ["On time"], "review_by": "2026-03-02"})  # fmt: skip
    maria = client_for(w.cast.maria)
    plan_url = f"/people/{w.sally.pk}/file/items/{plan.pk}/"
    assert "Record: Escalated to HR" in page(maria, plan_url)
    assert maria.post(plan_url + "steps/escalated_to_hr/", {**day("on", TODAY), "note": ""}).status_code == 302
    assert "Escalated to HR on 10 March 2026" in page(maria, f"/people/{w.sally.pk}/file/")
    assert maria.get(plan_url + "steps/escalated_to_hr/").status_code == 404  # once
    assert client_for(w.sally).get(plan_url + "steps/closed/").status_code == 404  # not the supervisee's step


def test_who_reads_the_file_pages(w: FileWorld) -> None:
    confidential = self_care(w)
    objective = item_create(
        subject=w.sally, kind_id="objectives", by=w.cast.theo, on=TODAY, content={"objective": "MKR-OBJ"}
    )
    index = f"/people/{w.sally.pk}/file/"
    conf_url = f"/people/{w.sally.pk}/file/items/{confidential.pk}/"
    obj_url = f"/people/{w.sally.pk}/file/items/{objective.pk}/"
    for person in (w.sally, w.cast.theo):
        body = page(client_for(person), index)
        assert "Walk at lunchtime" in body and "MKR-OBJ" in body
        assert client_for(person).get(conf_url).status_code == 200
    maria = client_for(w.cast.maria)
    body = page(maria, index)
    assert "MKR-OBJ" in body and "Walk at lunchtime" not in body and "are not listed for you" in body
    assert maria.get(conf_url).status_code == 404 and maria.get(obj_url).status_code == 200
    assert "Walk at lunchtime" not in page(maria, f"/people/{w.sally.pk}/")
    qa = client_for(w.qa)
    assert qa.get(index).status_code == 302  # asked for a purpose first
    assert "MKR-OBJ" in page(qa, index + "?purpose=Quarterly+audit")
    assert qa.get(conf_url + "?purpose=Quarterly+audit").status_code == 404
    read = AuditEvent.objects.filter(action="file_item.view", actor_id=w.qa.pk)
    assert not read.exists()
    page(qa, obj_url + "?purpose=Quarterly+audit")
    assert read.get().purpose == "Quarterly audit" and read.get().acting_as == "qa"
    for outsider in (w.fiona, w.cast.omar):
        client = client_for(outsider)
        assert [client.get(url).status_code for url in (index, conf_url, obj_url)] == [404, 404, 404]
    assert Client().get(index).status_code == 302  # sign in first
    consent_give(person=w.sally, by=w.sally)
    listed = page(maria, index)
    assert f'href="{conf_url}"' in listed and "Walk at lunchtime" not in listed  # opened one by one, each logged
    assert "Walk at lunchtime" in page(maria, conf_url)
    assert AuditEvent.objects.filter(
        action="file_item.view", actor_id=w.cast.maria.pk, object_id=str(confidential.pk)
    ).exists()


def test_writing_is_for_the_kinds_writers_only(w: FileWorld) -> None:
    url = f"/people/{w.sally.pk}/file/new/improvement_plan/"
    data = {**day("on", TODAY), "concern": "Late", "goals": "On time", **day("review_by", date(2026, 4, 7))}
    for person in (w.sally, w.qa, w.fiona, w.cast.omar):
        assert client_for(person).post(url, data).status_code == 404
    assert client_for(w.cast.theo).get(f"/people/{w.sally.pk}/file/new/preparation/").status_code == 404
    assert client_for(w.sally).get(f"/people/{w.sally.pk}/file/new/no_such_kind/").status_code == 404
    assert not FileItem.objects.exists()
    assert client_for(w.cast.maria).post(url, data).status_code == 302


def test_a_change_of_supervisor_through_the_page(w: FileWorld) -> None:
    item_create(subject=w.sally, kind_id="resolution_step", by=w.sally, on=date(2026, 2, 2),
                content={"step": "conversation", "held_on": "2026-02-02", "discussed": "Sessions felt rushed"})  # fmt: skip
    maria = client_for(w.cast.maria)
    url = f"/people/{w.sally.pk}/file/new/change_of_supervisor/"
    form = page(maria, url)
    assert (
        "Theo Team, since 8 January 2024" in form
        and "2 February 2026 - " in form
        and "A conversation with the supervisor clarifying the difficulties" in form
    )
    assert client_for(w.cast.theo).get(url).status_code == 404
    bad = maria.post(url, {"relationship": w.relationship.pk, "new_supervisor": w.cast.theo.pk, **day("starts", date(2026, 3, 16)),
                           "what_was_tried": "Two conversations", "why": "Trust"})  # fmt: skip
    assert "New supervisor: Choose a different supervisor" in bad.content.decode()
    missing = maria.post(
        url,
        {
            "relationship": w.relationship.pk,
            "new_supervisor": w.cast.omar.pk,
            **day("starts", date(2026, 3, 16)),
            "why": "Trust",
        },
    )
    assert "What was tried first (the evidence): this must be answered" in missing.content.decode()
    done = maria.post(url, {"relationship": w.relationship.pk, "new_supervisor": w.cast.omar.pk, **day("starts", date(2026, 3, 16)),
                            "what_was_tried": "Two conversations and a meeting with me", "why": "Trust not restored"})  # fmt: skip
    assert done.status_code == 302
    assert Relationship.objects.get(pk=w.relationship.pk).end == date(2026, 3, 15)
    assert Relationship.objects.filter(supervisee=w.sally, supervisor=w.cast.omar, start=date(2026, 3, 16)).exists()
    item = FileItem.objects.get(kind="change_of_supervisor")
    body = page(maria, f"/people/{w.sally.pk}/file/items/{item.pk}/")
    assert (
        "Omar Other supervises Sally Social from 16 March 2026" in body
        and "Two conversations and a meeting with me" in body
    )


def test_the_file_section_on_the_person_s_page_and_its_query_count(w: FileWorld) -> None:
    plan = self_care(w)
    item_review(item=plan, by=w.cast.theo, on=date(2026, 3, 9), note="Still working")
    for n in range(4):
        item_create(
            subject=w.sally,
            kind_id="objectives",
            by=w.cast.theo,
            on=date(2026, 1, 5 + n),
            content={"objective": f"Objective {n}"},
        )
    theo = client_for(w.cast.theo)
    body = page(theo, f"/people/{w.sally.pk}/")
    assert (
        "Supervision file</h2>" in body
        and "Self-care and wellbeing" in body
        and "Appraisal, objectives and learning" in body
    )
    assert "9 Mar 2026" in body  # the last review
    assert f'href="/people/{w.sally.pk}/file/"' in body
    with CaptureQueriesContext(connection) as few:
        page(theo, f"/people/{w.sally.pk}/file/")
    for n in range(4, 12):
        item_create(
            subject=w.sally,
            kind_id="objectives",
            by=w.cast.theo,
            on=date(2026, 2, n),
            content={"objective": f"Objective {n}"},
        )
    with CaptureQueriesContext(connection) as many:
        body = page(theo, f"/people/{w.sally.pk}/file/")
    assert "Objective 11" in body
    assert len(many) == len(few), "the file's list must not query once per item"
