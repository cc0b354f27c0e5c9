"""Calendars (issue 6): a feed per person at a secret, revocable address, and an .ics
invitation when a session is booked, moved or cancelled."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.core import mail
from django.db import transaction
from django.test import Client
from icalendar import Calendar

from oversight.reminders.models import CalendarFeed
from oversight.reminders.services import calendar_feed_renew, calendar_feed_revoke
from oversight.sessions.services import session_cancel, session_hold, session_move, session_schedule
from oversight.supervision.services import relationship_start

from .personas import Cast, make_cast

pytestmark = pytest.mark.django_db

LONDON = ZoneInfo("Europe/London")
TODAY = date(2026, 11, 26)


@pytest.fixture(autouse=True)
def frozen() -> Iterator[None]:
    with time_machine.travel(datetime(2026, 11, 26, 9, tzinfo=LONDON), tick=False):
        yield


@pytest.fixture
def immediate_tasks(settings: Any) -> None:
    """Run queued tasks at once (the invitation email), instead of leaving them for a worker."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


@pytest.fixture
def cast() -> Cast:
    cast = make_cast()
    for person in (cast.sally, cast.asha, cast.theo):
        key = person.name.split()[0].lower()
        person.user = get_user_model().objects.create_user(username=key, email=f"{key}@example.org")
        person.save()
    for supervisee in (cast.sally, cast.asha):
        relationship_start(
            organisation=cast.org, by=cast.theo, supervisor=cast.theo, supervisee=supervisee, start=date(2026, 1, 5)
        )
    return cast


def parse(body: bytes) -> Calendar:
    return Calendar.from_ical(body)


def events(calendar: Calendar) -> list[Any]:
    return list(calendar.walk("VEVENT"))


# --- the feed -------------------------------------------------------------------------------------


def sallys_sessions(cast: Cast) -> dict[str, Any]:
    book = {"organisation": cast.org, "by": cast.theo, "supervisor": cast.theo}
    held = session_schedule(**book, kind="personal", supervisee=cast.sally, date=date(2026, 11, 3))
    session_hold(session=held, by=cast.theo, today=date(2026, 11, 3))
    return {
        "held": held,
        "planned": session_schedule(
            **book, kind="personal", supervisee=cast.sally, date=date(2026, 12, 1), start_time=time(10), place="Room 4"
        ),
        "group": session_schedule(**book, kind="group", attendees=[cast.sally, cast.asha], date=date(2026, 12, 8)),
        "cancelled": session_cancel(
            session=session_schedule(**book, kind="case", supervisee=cast.sally, date=date(2026, 12, 2)),
            by=cast.theo,
            cancelled_on=TODAY,
            reason="other",
        ),
        "ashas": session_schedule(**book, kind="personal", supervisee=cast.asha, date=date(2026, 12, 3)),
    }


def test_the_feed_parses_and_has_each_session_and_deadline_once(cast: Cast) -> None:
    sessions = sallys_sessions(cast)
    feed = calendar_feed_renew(person=cast.sally, by=cast.sally)
    response = Client().get(f"/calendar/{feed.token}.ics")  # no sign-in

    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    calendar = parse(response.content)
    assert str(calendar["X-WR-CALNAME"]) == "Oversight: Sally Social"
    found = events(calendar)
    uids = Counter(str(e["UID"]) for e in found)
    assert all(n == 1 for n in uids.values()), uids
    by_uid = {str(e["UID"]): e for e in found}
    for key in ("held", "planned", "group"):
        assert f"session-{sessions[key].pk}.leeds-test@oversight" in by_uid, key
    for key in ("cancelled", "ashas"):
        assert f"session-{sessions[key].pk}.leeds-test@oversight" not in by_uid, key
    planned = by_uid[f"session-{sessions['planned'].pk}.leeds-test@oversight"]
    assert str(planned["SUMMARY"]) == "Personal / professional: Theo Team and Sally Social"
    assert planned.decoded("DTSTART") == datetime(2026, 12, 1, 10, tzinfo=ZoneInfo("UTC"))
    assert planned.decoded("DTEND") - planned.decoded("DTSTART") == timedelta(minutes=90)
    assert str(planned["LOCATION"]) == "Room 4"
    # Deadlines: all-day events on the due date, each once.
    deadlines = [e for e in found if str(e["UID"]).startswith("deadline-")]
    assert deadlines
    assert all(type(e.decoded("DTSTART")) is date for e in deadlines)
    (next_personal,) = [e for e in deadlines if "Personal supervision with Sally Social" in str(e["SUMMARY"])]
    assert next_personal.decoded("DTSTART") == date(2026, 12, 3)
    assert str(next_personal["DESCRIPTION"]) == "Why: leeds.personal.monthly, 001_8acf471507eacfb1.txt 4.4"


def test_a_supervisor_sees_the_sessions_they_lead(cast: Cast) -> None:
    sessions = sallys_sessions(cast)
    feed = calendar_feed_renew(person=cast.theo, by=cast.theo)
    uids = {str(e["UID"]) for e in events(parse(Client().get(f"/calendar/{feed.token}.ics").content))}
    for key in ("held", "planned", "group", "ashas"):
        assert f"session-{sessions[key].pk}.leeds-test@oversight" in uids


def test_a_revoked_or_unknown_address_is_a_404_and_a_new_one_works(cast: Cast) -> None:
    client = Client()
    first = calendar_feed_renew(person=cast.sally, by=cast.sally)
    assert client.get(f"/calendar/{first.token}.ics").status_code == 200
    second = calendar_feed_renew(person=cast.sally, by=cast.sally)
    assert client.get(f"/calendar/{first.token}.ics").status_code == 404
    assert client.get(f"/calendar/{second.token}.ics").status_code == 200
    assert calendar_feed_revoke(person=cast.sally, by=cast.sally) == 1
    assert client.get(f"/calendar/{second.token}.ics").status_code == 404
    assert client.get("/calendar/not-a-token.ics").status_code == 404
    assert CalendarFeed.objects.filter(person=cast.sally, revoked__isnull=True).count() == 0
    assert len(first.token) >= 40 and first.token != second.token


def test_the_calendar_page_shows_renews_and_revokes_only_my_own_address(cast: Cast) -> None:
    client = Client()
    assert cast.sally.user is not None
    client.force_login(cast.sally.user)
    page = client.get("/calendar/")
    assert page.status_code == 200 and "Make my calendar address" in page.content.decode()
    assert client.post("/calendar/", {"step": "renew"}).status_code == 302
    feed = CalendarFeed.objects.get(person=cast.sally, revoked__isnull=True)
    page = client.get("/calendar/").content.decode()
    assert f"http://testserver/calendar/{feed.token}.ics" in page
    theos = calendar_feed_renew(person=cast.theo, by=cast.theo)
    assert theos.token not in page
    client.post("/calendar/", {"step": "renew"})
    assert client.get(f"/calendar/{feed.token}.ics").status_code == 404
    client.post("/calendar/", {"step": "revoke"})
    assert not CalendarFeed.objects.filter(person=cast.sally, revoked__isnull=True).exists()
    assert CalendarFeed.objects.filter(person=cast.theo, revoked__isnull=True).exists()  # untouched
    assert client.post("/calendar/", {"step": "nonsense"}).status_code == 302


# --- invitations ----------------------------------------------------------------------------------


def invitation(message: Any) -> tuple[str, Calendar]:
    ((name, content, mimetype),) = message.attachments
    assert name == "invite.ics"
    return mimetype, parse(content if isinstance(content, bytes) else content.encode())


def test_booking_moving_and_cancelling_send_invitations_with_one_uid_and_a_rising_sequence(
    cast: Cast, immediate_tasks: None, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        session = session_schedule(
            organisation=cast.org,
            by=cast.theo,
            kind="personal",
            supervisor=cast.theo,
            supervisee=cast.sally,
            date=date(2026, 12, 1),
            start_time=time(14, 30),
            place="Room 4",
        )
    (booked,) = mail.outbox
    assert sorted(booked.to) == ["sally@example.org", "theo@example.org"]
    assert booked.subject == "Personal / professional: Theo Team and Sally Social: booked 1 December 2026 at 14:30"
    mimetype, calendar = invitation(booked)
    assert mimetype == "text/calendar; charset=utf-8; method=REQUEST"
    assert str(calendar["METHOD"]) == "REQUEST"
    (event,) = events(calendar)
    uid = f"session-{session.pk}.leeds-test@oversight"
    assert str(event["UID"]) == uid and int(event["SEQUENCE"]) == 0
    assert event.decoded("DTSTART") == datetime(2026, 12, 1, 14, 30, tzinfo=ZoneInfo("UTC"))
    assert str(event["ORGANIZER"]) == "mailto:theo@example.org"
    attendees = event["ATTENDEE"] if isinstance(event["ATTENDEE"], list) else [event["ATTENDEE"]]
    assert [(str(a), a.params["CN"]) for a in attendees] == [("mailto:sally@example.org", "Sally Social")]

    with django_capture_on_commit_callbacks(execute=True):
        session_move(session=session, by=cast.theo, date=date(2026, 12, 4), start_time=time(9))
    moved = mail.outbox[1]
    _, calendar = invitation(moved)
    (event,) = events(calendar)
    assert str(calendar["METHOD"]) == "REQUEST"
    assert str(event["UID"]) == uid and int(event["SEQUENCE"]) == 1
    assert event.decoded("DTSTART") == datetime(2026, 12, 4, 9, tzinfo=ZoneInfo("UTC"))

    with django_capture_on_commit_callbacks(execute=True):
        session_cancel(session=session, by=cast.theo, cancelled_on=TODAY, reason="sickness")
    cancelled = mail.outbox[2]
    mimetype, calendar = invitation(cancelled)
    (event,) = events(calendar)
    assert mimetype.endswith("method=CANCEL")
    assert str(calendar["METHOD"]) == "CANCEL"
    assert str(event["UID"]) == uid and int(event["SEQUENCE"]) == 2
    assert str(event["STATUS"]) == "CANCELLED"
    assert cancelled.subject.startswith("Cancelled: ")

    # The feed carries the same identity and the latest sequence.
    feed = calendar_feed_renew(person=cast.theo, by=cast.theo)
    body = Client().get(f"/calendar/{feed.token}.ics").content
    assert uid.encode() not in body  # cancelled sessions leave the feed


def test_no_invitation_for_a_booking_that_rolls_back_or_a_session_in_the_past(
    cast: Cast, immediate_tasks: None, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        try:
            with transaction.atomic():
                session_schedule(
                    organisation=cast.org,
                    by=cast.theo,
                    kind="personal",
                    supervisor=cast.theo,
                    supervisee=cast.sally,
                    date=date(2026, 12, 1),
                )
                raise RuntimeError("rolled back")
        except RuntimeError:
            pass
        session_schedule(
            organisation=cast.org,
            by=cast.theo,
            kind="personal",
            supervisor=cast.theo,
            supervisee=cast.sally,
            date=date(2026, 11, 2),
        )
    assert mail.outbox == []


def test_without_a_worker_the_invitation_waits_on_the_task_queue(
    cast: Cast, django_capture_on_commit_callbacks: Any
) -> None:
    from django_tasks_db.models import DBTaskResult

    with django_capture_on_commit_callbacks(execute=True):
        session_schedule(
            organisation=cast.org,
            by=cast.theo,
            kind="personal",
            supervisor=cast.theo,
            supervisee=cast.sally,
            date=date(2026, 12, 1),
        )
    assert mail.outbox == []
    (queued,) = DBTaskResult.objects.filter(task_path="oversight.reminders.tasks.send_invitation")
    assert queued.args_kwargs["kwargs"]["to"] == ["theo@example.org", "sally@example.org"]
    assert "METHOD:REQUEST" in queued.args_kwargs["kwargs"]["ics"]
