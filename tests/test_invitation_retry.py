"""A calendar invitation the mail server does not take is tried again later (1 minute, 10
minutes, 1 hour, 6 hours), then the task fails and says so in the log."""

from __future__ import annotations

import logging
import smtplib
from datetime import timedelta
from typing import Any

import pytest
import time_machine
from django.core import mail
from django.core.mail.backends.base import BaseEmailBackend
from django.utils import timezone

from oversight.reminders.tasks import INVITATION_RETRY_AFTER, send_invitation

pytestmark = pytest.mark.django_db
INVITE = {
    "to": ["theo@example.org"],
    "subject": "Supervision on 1 December",
    "body": "b",
    "ics": "BEGIN:VCALENDAR\r\nMETHOD:REQUEST\r\nEND:VCALENDAR\r\n",
    "cancelled": False,
}


class RefusingBackend(BaseEmailBackend):
    def send_messages(self, email_messages: Any) -> int:
        raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed")


def queued() -> list[Any]:
    from django_tasks_db.models import DBTaskResult

    return list(DBTaskResult.objects.filter(task_path="oversight.reminders.tasks.send_invitation").order_by("pk"))


def test_a_refused_invitation_is_queued_again_later(settings: Any, caplog: pytest.LogCaptureFixture) -> None:
    settings.EMAIL_BACKEND = "tests.test_invitation_retry.RefusingBackend"
    with time_machine.travel("2026-11-20 09:00Z", tick=False), caplog.at_level(logging.WARNING):
        assert send_invitation.call(**INVITE) == 0
        (again,) = queued()
        assert again.args_kwargs["kwargs"] == {**INVITE, "attempt": 2}
        assert again.run_after == timezone.now() + timedelta(minutes=1)
    assert "not sent (try 1): Connection unexpectedly closed; trying again in 0:01:00" in caplog.text


def test_after_the_last_try_the_task_fails(settings: Any, caplog: pytest.LogCaptureFixture) -> None:
    settings.EMAIL_BACKEND = "tests.test_invitation_retry.RefusingBackend"
    last = len(INVITATION_RETRY_AFTER) + 1
    with caplog.at_level(logging.ERROR), pytest.raises(smtplib.SMTPServerDisconnected):
        send_invitation.call(**INVITE, attempt=last)
    assert queued() == []
    assert f"not sent after {last} tries" in caplog.text


def test_a_taken_invitation_is_sent_once() -> None:
    assert send_invitation.call(**INVITE, attempt=3) == 1
    assert [m.to for m in mail.outbox] == [["theo@example.org"]] and queued() == []
