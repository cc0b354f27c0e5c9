"""Tasks for the embedded runner (django-tasks with its database backend; ``oversight db_worker``).

The daily schedule needs no cron: ``daily_reminders`` runs the day's job and queues itself for
the next day at ``OVERSIGHT_REMIND_AT_HOUR`` (local time) unless one is queued for then;
``schedule_daily_reminders`` (run by ``oversight remind --schedule``, which ``make run`` calls)
queues one if none is waiting. Copies queued by accident (two starts at once) collapse: only
the one that takes the day (``DailyRun``) does the work, and the next day's run is queued once.
"""

from __future__ import annotations

import logging
import smtplib
from datetime import date, datetime, time, timedelta
from typing import Any

from django.conf import settings
from django.utils import timezone
from django_tasks import TaskResultStatus, task

logger = logging.getLogger("oversight.reminders")


def next_run_at(now: datetime) -> datetime:
    """The next daily slot after ``now``: today at the hour if it is still ahead, else tomorrow."""
    local = timezone.localtime(now)
    slot = timezone.make_aware(datetime.combine(local.date(), time(settings.OVERSIGHT_REMIND_AT_HOUR)))
    return (
        slot
        if slot > now
        else timezone.make_aware(
            datetime.combine(local.date() + timedelta(days=1), time(settings.OVERSIGHT_REMIND_AT_HOUR))
        )
    )


def pending_daily_run(*, from_: datetime | None = None) -> Any:
    """The queued (not yet started) daily run, if there is one; with ``from_``, only one queued
    to run at or after that moment (a run queued for "now" does not count)."""
    from django_tasks_db.models import DBTaskResult, get_date_max

    waiting = DBTaskResult.objects.filter(task_path=daily_reminders.module_path, status=TaskResultStatus.READY)
    if from_ is not None:
        waiting = waiting.filter(run_after__gte=from_).exclude(run_after=get_date_max())
    return waiting.order_by("run_after").first()


def schedule_daily_reminders() -> tuple[datetime, bool]:
    """On start: queue the next daily run unless one is waiting; (when it runs, whether this
    queued it). A run waiting for "now" counts: when it runs it queues the next."""
    waiting = pending_daily_run()
    if waiting is not None:
        run_after = waiting.run_after
        return (timezone.now() if run_after.year == 9999 else run_after), False
    when = next_run_at(timezone.now())
    daily_reminders.using(run_after=when).enqueue()
    return when, True


def queue_next_daily_run() -> datetime:
    """After a run: make sure one is queued for the next slot (idempotent)."""
    when = next_run_at(timezone.now())
    if pending_daily_run(from_=when) is None:
        daily_reminders.using(run_after=when).enqueue()
    return when


@task()
def daily_reminders() -> dict[str, Any]:
    """Today's run (agreement by silence, the obligation store, reminders), then tomorrow's queued."""
    from .services import daily_job, daily_run_claim, daily_run_finish

    today: date = timezone.localdate()
    run = daily_run_claim(day=today)
    if run is None:  # a twin already ran today
        queue_next_daily_run()
        return {"day": today.isoformat(), "skipped": "already run today"}
    try:
        summary = daily_job(today=today)
        daily_run_finish(run=run, summary=summary)
        return {"day": today.isoformat(), **summary}
    finally:
        queue_next_daily_run()


#: Waits before each retry of an invitation the mail server did not take: 1 minute, 10 minutes,
#: 1 hour, 6 hours; after the fifth try the task fails (and shows as failed in the task results).
INVITATION_RETRY_AFTER = (timedelta(minutes=1), timedelta(minutes=10), timedelta(hours=1), timedelta(hours=6))


@task()
def send_invitation(*, to: list[str], subject: str, body: str, ics: str, cancelled: bool, attempt: int = 1) -> int:
    """Email a session's calendar invitation (the .ics built when the session changed). When the
    mail server does not take it (a connection or SMTP error), the same invitation is queued
    again after ``INVITATION_RETRY_AFTER[attempt - 1]``; returns how many it went to (0 when
    it is to be retried)."""
    from .channels import send_invitation as send

    try:
        send(to=to, subject=subject, body=body, ics=ics.encode(), cancelled=cancelled)
    except (smtplib.SMTPException, OSError) as exc:
        if attempt > len(INVITATION_RETRY_AFTER):
            logger.error("invitation %r not sent after %d tries: %s", subject, attempt, exc)
            raise
        wait = INVITATION_RETRY_AFTER[attempt - 1]
        logger.warning("invitation %r not sent (try %d): %s; trying again in %s", subject, attempt, exc, wait)
        send_invitation.using(run_after=timezone.now() + wait).enqueue(
            to=to, subject=subject, body=body, ics=ics, cancelled=cancelled, attempt=attempt + 1
        )
        return 0
    return len(to)
