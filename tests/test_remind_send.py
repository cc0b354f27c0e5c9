"""Sending reminders (issue 6): once per recipient, obligation, stage and channel; none lost
across a restart or a missed day; each person's preferences; email and GOV.UK Notify."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime, timedelta
from io import StringIO
from typing import Any
from unittest import mock
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from oversight.audit.models import AuditEvent
from oversight.people.models import Person
from oversight.people.services import absence_record
from oversight.reminders.models import Notification, Preference, ReminderSent, Stage
from oversight.reminders.services import reminders_send
from oversight.sessions.services import session_hold, session_schedule
from oversight.supervision.services import relationship_start

from .personas import Cast, make_cast

pytestmark = pytest.mark.django_db

LONDON = ZoneInfo("Europe/London")
HELD = date(2026, 11, 3)  # Sally's last personal supervision: monthly in Leeds, so due 3 December 2026
SALLYS = "Personal supervision with Sally Social"
NOTIFY_TEMPLATES = {
    "before_due": "11111111-1111-1111-1111-111111111111",
    "overdue": "22222222-2222-2222-2222-222222222222",
    "escalated": "33333333-3333-3333-3333-333333333333",
    "needs_cover": "44444444-4444-4444-4444-444444444444",
    "digest": "55555555-5555-5555-5555-555555555555",
}


def at(day: date) -> Any:
    return time_machine.travel(datetime(day.year, day.month, day.day, 7, tzinfo=LONDON), tick=False)


SITE = "https://oversight.example.gov.uk"


@pytest.fixture(autouse=True)
def site(settings: Any) -> None:
    settings.OVERSIGHT_SITE_URL = SITE


@pytest.fixture
def cast() -> Iterator[Cast]:
    with at(date(2026, 11, 2)):
        cast = make_cast()
        for person in (cast.sally, cast.asha, cast.theo, cast.maria):
            key = person.name.split()[0].lower()
            person.user = get_user_model().objects.create_user(username=key, email=f"{key}@example.org")
            person.save()
        for supervisee in (cast.sally, cast.asha):
            relationship_start(
                organisation=cast.org, by=cast.theo, supervisor=cast.theo, supervisee=supervisee, start=date(2026, 1, 5)
            )
        session = session_schedule(
            organisation=cast.org, by=cast.theo, kind="personal", supervisor=cast.theo, supervisee=cast.sally, date=HELD
        )
        session_hold(session=session, by=cast.theo, today=HELD)
    mail.outbox = []
    yield cast


def send(cast: Cast, day: date) -> Any:
    with at(day):
        return reminders_send(organisation=cast.org, today=day)


def sallys_notes(person: Person) -> list[str]:
    return list(
        Notification.objects.filter(recipient=person, text__startswith=SALLYS)
        .order_by("pk")
        .values_list("text", flat=True)
    )


def emails_to(address: str, subject: str | None = None) -> list[Any]:
    return [m for m in mail.outbox if m.to == [address] and (subject is None or m.subject == subject)]


def test_a_week_ahead_the_supervisee_and_supervisor_are_told_in_app_and_by_email(cast: Cast) -> None:
    send(cast, date(2026, 11, 25))
    assert sallys_notes(cast.sally) == []  # 8 days ahead: not yet
    sent = send(cast, date(2026, 11, 26))

    assert sallys_notes(cast.sally) == [f"{SALLYS} is due on 3 December 2026"]
    assert sallys_notes(cast.theo) == [f"{SALLYS} is due on 3 December 2026"]
    note = Notification.objects.get(recipient=cast.sally, text__startswith=SALLYS)
    assert note.why == "leeds.personal.monthly, 001_8acf471507eacfb1.txt 4.4"
    assert note.link == f"/people/{cast.sally.pk}/"
    assert note.obligation_key == f"supervision:personal:p{cast.sally.pk}"
    (email,) = [m for m in emails_to("sally@example.org") if SALLYS in m.body]
    assert email.subject == "Supervision reminder: due soon"
    assert "Why: leeds.personal.monthly, 001_8acf471507eacfb1.txt 4.4" in email.body
    assert f"Open Oversight: {SITE}/people/{cast.sally.pk}/" in email.body
    assert f"Choose which reminders you get: {SITE}/reminders/preferences/" in email.body
    assert sent.by_channel["in_app"] >= 2 and sent.by_channel["email"] >= 2
    # One audit event for the run, by the system.
    event = AuditEvent.objects.filter(action="reminders.send").latest("seq")
    assert event.actor_label == "system" and event.detail["day"] == "2026-11-26"


def test_a_second_run_the_same_day_a_restart_sends_nothing_again(cast: Cast) -> None:
    first = send(cast, date(2026, 11, 26))
    notes, emails = Notification.objects.count(), len(mail.outbox)
    assert first.total > 0

    again = send(cast, date(2026, 11, 26))
    assert again.total == 0 and again.already > 0
    # ... nor the next day: "before due" is told once per due date, not once a day.
    assert send(cast, date(2026, 11, 27)).by_stage.get("before_due", 0) == 0
    assert Notification.objects.count() == notes and len(mail.outbox) == emails
    out = StringIO()
    with at(date(2026, 11, 26)):
        call_command("remind", "--today", "2026-11-26", stdout=out)
    assert "0 sent (none); " in out.getvalue()
    assert sallys_notes(cast.sally) == [f"{SALLYS} is due on 3 December 2026"]


def test_a_missed_day_is_made_up_by_the_next_run(cast: Cast) -> None:
    send(cast, date(2026, 11, 26))  # before due
    # The scheduler is down from 27 November to 17 December: nothing runs. On 18 December it is
    # 15 days overdue: the overdue reminder goes, and the line manager's escalation with it.
    sent = send(cast, date(2026, 12, 18))
    assert sallys_notes(cast.sally) == [
        f"{SALLYS} is due on 3 December 2026",
        f"{SALLYS} was due on 3 December 2026 (15 days overdue)",
    ]
    assert sallys_notes(cast.maria) == [f"{SALLYS} was due on 3 December 2026 (15 days overdue)"]
    assert ReminderSent.objects.filter(recipient=cast.maria, stage=Stage.ESCALATED, channel="email").exists()
    assert sent.by_stage["overdue"] >= 2 and sent.by_stage["escalated"] >= 1
    # Told once that it is overdue, not every day it stays overdue.
    assert send(cast, date(2026, 12, 19)).by_stage.get("overdue", 0) == 0


def test_a_new_due_date_is_a_new_reminder(cast: Cast) -> None:
    send(cast, date(2026, 11, 26))
    with at(date(2026, 12, 2)):
        session = session_schedule(
            organisation=cast.org,
            by=cast.theo,
            kind="personal",
            supervisor=cast.theo,
            supervisee=cast.sally,
            date=date(2026, 12, 2),
        )
        session_hold(session=session, by=cast.theo, today=date(2026, 12, 2))
    send(cast, date(2026, 12, 26))  # next due 2 January 2027: 7 days ahead
    assert sallys_notes(cast.sally) == [
        f"{SALLYS} is due on 3 December 2026",
        f"{SALLYS} is due on 2 January 2027",
    ]


def test_an_email_that_fails_is_tried_again_next_run_and_the_in_app_one_is_not_repeated(cast: Cast) -> None:
    with mock.patch("oversight.reminders.services.send_email", side_effect=OSError("mail server down")):
        failed = send(cast, date(2026, 11, 26))
    assert failed.failed > 0 and not ReminderSent.objects.filter(channel="email").exists()
    notes = Notification.objects.count()
    retried = send(cast, date(2026, 11, 26))
    assert retried.by_channel == {"email": failed.failed}
    assert Notification.objects.count() == notes
    assert len(emails_to("sally@example.org", "Supervision reminder: due soon")) >= 1


def test_a_claim_left_unsent_by_a_crash_is_taken_over_after_an_hour_not_before(cast: Cast) -> None:
    key = {
        "recipient": cast.sally,
        "obligation_key": f"supervision:personal:p{cast.sally.pk}",
        "due": date(2026, 12, 3),
        "stage": Stage.BEFORE_DUE,
        "channel": "email",
    }
    with at(date(2026, 11, 26)):
        claim = ReminderSent.objects.create(
            **key, claimed_on=date(2026, 11, 26), claimed_at=timezone.now() - timedelta(minutes=20)
        )
    send(cast, date(2026, 11, 26))
    assert not [m for m in emails_to("sally@example.org") if SALLYS in m.body]  # another run may be sending it
    ReminderSent.objects.filter(pk=claim.pk).update(claimed_at=claim.claimed_at - timedelta(hours=1))
    send(cast, date(2026, 11, 26))
    assert len([m for m in emails_to("sally@example.org") if SALLYS in m.body]) == 1
    assert ReminderSent.objects.get(pk=claim.pk).sent_at is not None


def test_preferences_turn_off_kinds_change_days_ahead_and_channels(cast: Cast) -> None:
    Preference.objects.create(person=cast.sally, muted=["sessions"])
    Preference.objects.create(person=cast.theo, ahead_days=2, channels=["in_app"])
    send(cast, date(2026, 11, 26))
    assert sallys_notes(cast.sally) == []  # sessions turned off
    assert sallys_notes(cast.theo) == []  # 7 days ahead; Theo asked for 2
    send(cast, date(2026, 12, 1))
    assert sallys_notes(cast.theo) == [f"{SALLYS} is due on 3 December 2026"]
    assert emails_to("theo@example.org") == []  # in-app only
    assert sallys_notes(cast.sally) == []


def test_without_an_email_address_only_the_in_app_notification_goes(cast: Cast) -> None:
    user = cast.sally.user
    assert user is not None
    user.email = ""
    user.save()
    send(cast, date(2026, 11, 26))
    assert sallys_notes(cast.sally) and emails_to("sally@example.org") == []
    assert not ReminderSent.objects.filter(recipient=cast.sally, channel="email").exists()


def test_notify_is_called_with_the_template_of_the_stage_and_the_personalisation(cast: Cast, settings: Any) -> None:
    settings.OVERSIGHT_NOTIFY_API_KEY = "test-key"
    settings.OVERSIGHT_NOTIFY_TEMPLATES = NOTIFY_TEMPLATES
    client = mock.Mock()
    with mock.patch("oversight.reminders.channels.notify_client", return_value=client):
        send(cast, date(2026, 11, 26))
    assert mail.outbox == []  # Notify instead of SMTP
    calls = [c.kwargs for c in client.send_email_notification.call_args_list]
    (to_sally,) = [
        c for c in calls if c["email_address"] == "sally@example.org" and SALLYS in c["personalisation"]["what"]
    ]
    assert to_sally == {
        "email_address": "sally@example.org",
        "template_id": NOTIFY_TEMPLATES["before_due"],
        "personalisation": {
            "name": "Sally Social",
            "what": f"{SALLYS} is due on 3 December 2026",
            "why": "leeds.personal.monthly, 001_8acf471507eacfb1.txt 4.4",
            "due": "3 December 2026",
            "link": f"{SITE}/people/{cast.sally.pk}/",
            "preferences_link": f"{SITE}/reminders/preferences/",
        },
        "reference": f"before_due:supervision:personal:p{cast.sally.pk}:20261203:p{cast.sally.pk}",
    }
    client.reset_mock()
    with mock.patch("oversight.reminders.channels.notify_client", return_value=client):
        send(cast, date(2026, 12, 18))
    calls = [c.kwargs for c in client.send_email_notification.call_args_list]
    escalated = [
        c for c in calls if c["email_address"] == "maria@example.org" and SALLYS in c["personalisation"].get("what", "")
    ]
    assert [c["template_id"] for c in escalated] == [NOTIFY_TEMPLATES["escalated"]]
    digests = [
        c for c in calls if c["template_id"] == NOTIFY_TEMPLATES["digest"] and c["email_address"] == "theo@example.org"
    ]
    assert len(digests) == 1
    assert set(digests[0]["personalisation"]) == {"name", "count", "items", "week", "link", "preferences_link"}
    assert f"{SALLYS} was due on 3 December 2026 (15 days overdue)" in digests[0]["personalisation"]["items"]


def test_managers_get_one_digest_a_week(cast: Cast) -> None:
    def digests() -> list[str]:
        return list(
            Notification.objects.filter(recipient=cast.theo, text__startswith="Weekly digest").values_list(
                "text", flat=True
            )
        )

    send(cast, date(2026, 12, 18))  # a Friday
    (digest,) = digests()
    # 8, and Sally's and Asha's self-care plans (Leeds 4.11: none on their supervision files)
    assert digest.startswith("Weekly digest: 10 things overdue among the people you manage:\n")
    assert "- Sally Social's self-care plan was due on 5 February 2026 (316 days overdue)" in digest.splitlines()
    assert f"- {SALLYS} was due on 3 December 2026 (15 days overdue)" in digest.splitlines()
    send(cast, date(2026, 12, 19))  # same week: no second digest
    assert len(digests()) == 1
    send(cast, date(2026, 12, 21))  # Monday: the new week's
    assert len(digests()) == 2
    Preference.objects.create(person=cast.theo, muted=["digest"])
    send(cast, date(2026, 12, 28))
    assert len(digests()) == 2


def test_an_absent_supervisors_line_manager_and_supervisees_are_told_once(cast: Cast) -> None:
    with at(date(2026, 11, 2)):
        absence_record(person=cast.theo, by=cast.maria, start=date(2026, 11, 1), planned=False)
    send(cast, date(2026, 11, 20))
    cover = Notification.objects.filter(text__contains="needs cover for supervision").exclude(text__startswith="Weekly")
    assert sorted(cover.values_list("recipient__name", flat=True)) == [
        "Asha Asye",
        "Maria Service",
        "Maria Service",
        "Sally Social",
    ]
    assert emails_to("maria@example.org", "A supervisor is absent: supervision needs cover")
    send(cast, date(2026, 11, 21))
    assert cover.count() == 4


def test_the_command_sends_refreshes_and_queues_the_daily_run(cast: Cast) -> None:
    out = StringIO()
    with at(date(2026, 11, 26)):
        call_command("remind", "--today", "2026-11-26", "--organisation", cast.org.slug, stdout=out)
    lines = out.getvalue().splitlines()
    assert lines[0].startswith(f"{cast.org.name} ({cast.org.slug}), 26 November 2026: ")
    assert " sent (" in lines[0] and "obligations stored" in lines[0]
    assert lines[1] == "daily run queued for 27 November 2026 at 07:00 (oversight db_worker runs it)"
    assert sallys_notes(cast.sally)


def test_with_no_mail_server_set_up_emails_are_not_claimed_and_go_once_it_is(cast: Cast, settings: Any) -> None:
    settings.EMAIL_BACKEND = "django.core.mail.backends.dummy.EmailBackend"
    sent = send(cast, date(2026, 11, 26))
    assert sent.by_channel["in_app"] > 0 and "email" not in sent.by_channel
    assert not ReminderSent.objects.filter(channel="email").exists()
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert send(cast, date(2026, 11, 26)).by_channel == {"email": sent.by_channel["in_app"]}
