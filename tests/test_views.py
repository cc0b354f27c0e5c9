"""The pages, walked by the personas: who sees what, and the record lifecycle in the browser's terms."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.test import Client
from django.utils import timezone

from oversight.records.models import Record
from oversight.sessions.models import Session
from oversight.supervision.services import relationship_start

from .personas import Cast, give_sign_ins, make_cast

pytestmark = pytest.mark.django_db


@pytest.fixture
def cast() -> Cast:
    cast = make_cast()
    give_sign_ins(cast)
    relationship_start(
        organisation=cast.org, by=cast.maria, supervisor=cast.theo, supervisee=cast.sally, start=date(2024, 1, 8)
    )
    return cast


def client_for(person) -> Client:  # type: ignore[no-untyped-def]
    client = Client()
    client.force_login(person.user)
    return client


def test_anonymous_start_page_lists_packs_and_offers_sign_in(client: Client) -> None:
    body = client.get("/").content.decode()
    assert "leeds-2023" in body and "Sign in" in body
    assert client.get("/home/").status_code == 302


def test_team_manager_home_lists_supervisees_with_what_is_overdue(cast: Cast) -> None:
    body = client_for(cast.theo).get("/").content.decode()
    assert "My supervision" in body and "Sally Social" in body


def test_supervision_file_says_why_each_thing_is_due(cast: Cast) -> None:
    body = client_for(cast.theo).get(f"/people/{cast.sally.pk}/").content.decode()
    assert "Why is this due?" in body
    assert "Leeds City Council 4.4" in body  # the rule's words and seed section
    assert "Supervision agreement" in body


@pytest.mark.parametrize("who", ["omar", "asha"])
def test_outsiders_get_404_not_403(cast: Cast, who: str) -> None:
    response = client_for(getattr(cast, who)).get(f"/people/{cast.sally.pk}/")
    assert response.status_code == 404


def test_line_manager_above_the_supervisor_can_read_the_file(cast: Cast) -> None:
    assert client_for(cast.maria).get(f"/people/{cast.sally.pk}/").status_code == 200


def test_schedule_form_names_the_field_and_keeps_the_input(cast: Cast) -> None:
    response = client_for(cast.theo).post(
        "/sessions/new/",
        {
            "kind": "personal",
            "supervisee": cast.sally.pk,
            "date_0": "31",
            "date_1": "2",
            "date_2": "2026",
            "place": "Room 4",
            "video": "no",
        },
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert "There is a problem" in body and "The date must be a real date" in body
    assert 'value="Room 4"' in body
    assert Session.objects.count() == 0


def test_record_walk_schedule_hold_write_share_dispute_finalise(cast: Cast) -> None:
    theo, sally = client_for(cast.theo), client_for(cast.sally)
    today = timezone.localdate()
    day = today - timedelta(days=1)
    response = theo.post(
        "/sessions/new/",
        {
            "kind": "personal",
            "supervisee": cast.sally.pk,
            "date_0": day.day,
            "date_1": day.month,
            "date_2": day.year,
            "video": "yes",
        },
    )
    session = Session.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/sessions/{session.pk}/"
    response = theo.post(f"/sessions/{session.pk}/hold/")
    record = Record.objects.get(session=session)
    assert response["Location"] == f"/records/{record.pk}/"
    template = cast.org.pack.template(record.template_id)
    page = theo.get(f"/records/{record.pk}/").content.decode()
    assert template.sections[0].title.replace("'", "&#x27;") in page  # the council's own sections
    first = template.sections[0].id
    theo.post(f"/records/{record.pk}/", {"step": "save", "version": record.version, f"section-{first}": "Talked."})
    theo.post(
        f"/records/{record.pk}/",
        {
            "step": "action",
            "text": "Book training",
            "owner": cast.sally.pk,
            "due_0": today.day,
            "due_1": today.month,
            "due_2": today.year + 1,
        },
    )
    theo.post(f"/records/{record.pk}/", {"step": "share"})
    assert Record.objects.get(pk=record.pk).status == "shared"
    # Omar can neither see nor act on it
    assert client_for(cast.omar).post(f"/records/{record.pk}/", {"step": "agree"}).status_code == 404
    sally.post(f"/records/{record.pk}/", {"step": "dispute", "view": "I said the caseload is too high."})
    theo.post(f"/records/{record.pk}/", {"step": "finalise"})
    record.refresh_from_db()
    assert (record.status, record.content[first], record.supervisee_view) == (
        "final",
        "Talked.",
        "I said the caseload is too high.",
    )
    # a final record cannot be changed through the page
    theo.post(f"/records/{record.pk}/", {"step": "save", "version": record.version, f"section-{first}": "Changed"})
    record.refresh_from_db()
    assert record.content[first] == "Talked."
    # the open action shows on the supervisee's file, carried to the next session
    assert "Book training" in theo.get(f"/people/{cast.sally.pk}/").content.decode()


def test_cancel_shows_the_rearrange_deadline(cast: Cast) -> None:
    theo = client_for(cast.theo)
    day = timezone.localdate() + timedelta(days=10)
    theo.post(
        "/sessions/new/",
        {
            "kind": "personal",
            "supervisee": cast.sally.pk,
            "date_0": day.day,
            "date_1": day.month,
            "date_2": day.year,
            "video": "no",
        },
    )
    session = Session.objects.get()
    response = theo.post(f"/sessions/{session.pk}/cancel/", {"reason": "other"}, follow=True)
    assert "Rearrange it by" in response.content.decode()
    assert Session.objects.get().status == "cancelled"


def book_and_hold(theo: Client, cast: Cast, day: date) -> Record:
    """Theo books a personal session with Sally on ``day`` through the pages, holds it, and gets its record."""
    theo.post(
        "/sessions/new/",
        {
            "kind": "personal",
            "supervisee": cast.sally.pk,
            "date_0": day.day,
            "date_1": day.month,
            "date_2": day.year,
            "video": "no",
        },
    )
    session = Session.objects.get()
    theo.post(f"/sessions/{session.pk}/hold/")
    return Record.objects.get(session=session)


def test_disagreement_escalates_to_the_supervisors_line_manager_who_records_the_outcome(cast: Cast) -> None:
    theo, sally, maria = client_for(cast.theo), client_for(cast.sally), client_for(cast.maria)
    day = timezone.localdate() - timedelta(days=2)
    record = book_and_hold(theo, cast, day)
    theo.post(f"/records/{record.pk}/", {"step": "share"})
    sally.post(f"/records/{record.pk}/", {"step": "dispute", "view": "Not what I said."})
    page = theo.get(f"/records/{record.pk}/").content.decode()
    assert "Escalate the disagreement" in page and "Maria Service" in page
    sally.post(f"/records/{record.pk}/", {"step": "escalate"})
    record.refresh_from_db()
    assert record.escalated_to == cast.maria
    response = maria.post(f"/records/{record.pk}/", {"step": "resolve", "outcome": ""})
    assert "Record the outcome" in response.content.decode()
    maria.post(f"/records/{record.pk}/", {"step": "resolve", "outcome": "Three-way meeting; wording agreed."})
    record.refresh_from_db()
    assert record.escalation_outcome == "Three-way meeting; wording agreed." and record.escalation_resolved_at


def test_after_sharing_the_record_offers_to_book_the_next_session_on_its_due_date(cast: Cast) -> None:
    theo = client_for(cast.theo)
    day = timezone.localdate() - timedelta(days=2)
    record = book_and_hold(theo, cast, day)
    theo.post(f"/records/{record.pk}/", {"step": "share"})
    page = theo.get(f"/records/{record.pk}/").content.decode()
    assert "Book the next session" in page
    from oversight.policy.clocks import add_months

    due = add_months(day, 1).isoformat()  # Leeds 4.4: monthly for a social worker
    assert f"date={due}" in page
    form = theo.get(f"/sessions/new/?supervisee={cast.sally.pk}&kind=personal&date={due}").content.decode()
    assert f'value="{add_months(day, 1).day}"' in form


def test_silence_becomes_agreement_when_leeds_time_runs_out_and_the_record_says_so(cast: Cast) -> None:
    theo = client_for(cast.theo)
    day = timezone.localdate() - timedelta(days=30)  # well past the 5 working days to answer
    record = book_and_hold(theo, cast, day)
    from oversight.records.services import record_share

    record_share(record=record, by=cast.theo, on=day)
    page = theo.get(f"/records/{record.pk}/").content.decode()
    assert "agreed by silence" in page
    record.refresh_from_db()
    assert record.status == "agreed" and record.deemed_agreed


def test_an_empty_booking_form_shows_its_errors_rather_than_a_fresh_form(cast: Cast) -> None:
    body = client_for(cast.theo).post("/sessions/new/", {}).content.decode()
    assert "There is a problem" in body
    assert Session.objects.count() == 0
