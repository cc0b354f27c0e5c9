"""Notification pages (issue 6): my notifications, marking them read, my reminder
preferences, the navigation's unread count; each person's own only, others 404."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.test import Client

from oversight.audit.models import AuditEvent
from oversight.reminders.models import Notification, Preference

from .personas import Cast, make_cast

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def frozen() -> Iterator[None]:
    with time_machine.travel(datetime(2026, 11, 26, 9, tzinfo=ZoneInfo("Europe/London")), tick=False):
        yield


@pytest.fixture
def cast() -> Cast:
    cast = make_cast()
    for person in (cast.sally, cast.theo):
        key = person.name.split()[0].lower()
        person.user = get_user_model().objects.create_user(username=key, email=f"{key}@example.org")
        person.save()
    return cast


def signed_in(cast: Cast, who: str) -> Client:
    client = Client()
    client.force_login(getattr(cast, who).user)
    return client


def note(cast: Cast, who: str, text: str) -> Notification:
    person = getattr(cast, who)
    return Notification.objects.create(
        recipient=person,
        text=text,
        why="leeds.personal.monthly, 001_8acf471507eacfb1.txt 4.4",
        link=f"/people/{person.pk}/",
    )


def test_my_notifications_are_listed_with_why_and_others_are_not(cast: Cast) -> None:
    note(cast, "sally", "Personal supervision with Sally Social is due on 3 December 2026")
    note(cast, "theo", "THEOS-OWN Sharing the record is overdue")
    page = signed_in(cast, "sally").get("/notifications/").content.decode()
    assert "Personal supervision with Sally Social is due on 3 December 2026" in page
    assert "Why: leeds.personal.monthly, 001_8acf471507eacfb1.txt 4.4" in page
    assert "THEOS-OWN" not in page
    assert "Notifications (1 unread)" in page  # the navigation link


def test_marking_read_is_mine_only_and_others_get_404(cast: Cast) -> None:
    mine = note(cast, "sally", "Due soon")
    theos = note(cast, "theo", "Overdue")
    sally = signed_in(cast, "sally")

    assert sally.post(f"/notifications/{theos.pk}/read/").status_code == 404
    assert sally.post("/notifications/999999/read/").status_code == 404
    assert sally.get(f"/notifications/{mine.pk}/read/").status_code == 405
    theos.refresh_from_db()
    assert theos.read is None

    response = sally.post(f"/notifications/{mine.pk}/read/")
    assert response.status_code == 302 and response["Location"] == "/notifications/"
    mine.refresh_from_db()
    assert mine.read is not None
    assert AuditEvent.objects.filter(action="notification.read", object_id=str(mine.pk)).count() == 1
    assert "Notifications (" not in sally.get("/notifications/").content.decode()  # nothing unread


def test_open_marks_read_and_goes_to_the_link(cast: Cast) -> None:
    mine = note(cast, "sally", "Due soon")
    response = signed_in(cast, "sally").post(f"/notifications/{mine.pk}/read/", {"open": "1"})
    assert response.status_code == 302 and response["Location"] == f"/people/{cast.sally.pk}/"
    mine.link = "https://evil.example.org/"
    mine.save()
    response = signed_in(cast, "sally").post(f"/notifications/{mine.pk}/read/", {"open": "1"})
    assert response["Location"] == "/notifications/"  # never off-site


def test_mark_all_read_touches_only_mine(cast: Cast) -> None:
    for text in ("One", "Two"):
        note(cast, "sally", text)
    theos = note(cast, "theo", "Three")
    response = signed_in(cast, "sally").post("/notifications/", follow=True)
    assert "2 notifications marked as read" in response.content.decode()
    assert not Notification.objects.filter(recipient=cast.sally, read__isnull=True).exists()
    theos.refresh_from_db()
    assert theos.read is None


def test_preferences_are_saved_for_me_and_shown_back(cast: Cast) -> None:
    sally = signed_in(cast, "sally")
    page = sally.get("/reminders/preferences/").content.decode()
    assert (
        "Leave blank for your council&#x27;s defaults: 7 days before a session is due, 3 days before a record is."
        in page
    )
    # every topic but sessions
    topics = ["records", "agreements", "case_reviews", "asye_reviews", "cover", "file_clocks", "escalations", "digest"]
    response = sally.post("/reminders/preferences/", {"topics": topics, "ahead_days": "3", "channels": ["in_app"]})
    assert response.status_code == 302
    saved = Preference.objects.get(person=cast.sally)
    assert saved.muted == ["sessions"] and saved.ahead_days == 3 and saved.channels == ["in_app"]
    page = sally.get("/reminders/preferences/").content.decode()
    assert 'value="sessions">' in page and 'value="records" checked>' in page
    assert not Preference.objects.filter(person=cast.theo).exists()
    assert AuditEvent.objects.filter(action="reminders.preferences", actor_id=cast.sally.pk).exists()


def test_bad_preferences_name_the_field_and_keep_what_was_typed(cast: Cast) -> None:
    sally = signed_in(cast, "sally")
    response = sally.post("/reminders/preferences/", {"topics": ["records"], "ahead_days": "soon"})
    body = response.content.decode()
    assert response.status_code == 200
    assert "Days ahead must be a whole number, like 7" in body
    assert "Choose at least one way to be told" in body
    assert 'value="soon"' in body and 'value="records" checked>' in body
    assert sally.post("/reminders/preferences/", {"ahead_days": "99", "channels": ["email"]}).status_code == 200
    assert not Preference.objects.exists()


@pytest.mark.parametrize("url", ["/notifications/", "/reminders/preferences/", "/calendar/"])
def test_a_sign_in_without_a_staff_record_gets_404_and_a_visitor_is_sent_to_sign_in(cast: Cast, url: str) -> None:
    client = Client()
    client.force_login(get_user_model().objects.create_user(username="nobody"))
    assert client.get(url).status_code == 404
    response = Client().get(url)
    assert response.status_code == 302 and response["Location"].startswith("/sign-in/")


def test_the_notifications_page_query_count_does_not_grow_with_notifications(
    cast: Cast, django_assert_max_num_queries: Any
) -> None:
    for i in range(30):
        note(cast, "sally", f"Reminder {i}")
    sally = signed_in(cast, "sally")
    sally.get("/notifications/")
    with django_assert_max_num_queries(12):
        assert sally.get("/notifications/").status_code == 200
