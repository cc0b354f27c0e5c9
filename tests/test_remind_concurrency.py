"""Two schedulers at once send each reminder once (issue 6), on a real database file.

The test suite's own database is SQLite in memory, where two connections cannot write at the
same time at all; so each test here starts a fresh process (``python -m
tests.test_remind_concurrency DATABASE_URL``) on a file-based SQLite database (and on
PostgreSQL when one answers on localhost:5432), migrates it, seeds the cast, and runs two
threads, each with its own database connection, through ``reminders_send`` from one barrier.
It then restarts (a third run the same day), runs the embedded task runner (``db_worker``) on
the next day's queued job, and prints what happened as JSON for the test to check.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import uuid
from pathlib import Path
from typing import Any

import pytest

REPO = Path(__file__).resolve().parent.parent


def _run(database_url: str, tmp_path: Path) -> dict[str, Any]:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "oversight.settings_test",
        "DATABASE_URL": database_url,
        "OVERSIGHT_DATA_DIR": str(tmp_path),
        "OVERSIGHT_EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
    }
    env.pop("OVERSIGHT_NOTIFY_API_KEY", None)
    done = subprocess.run(
        [sys.executable, "-m", "tests.test_remind_concurrency"],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=240,
    )
    assert done.returncode == 0, done.stderr[-4000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


def _check(report: dict[str, Any]) -> None:
    first, second = report["threads"]
    assert "error" not in first and "error" not in second, report["threads"]
    claims = report["claims_by_channel"]
    # Every claim was made by exactly one of the two threads, channel by channel.
    for channel, rows in claims.items():
        assert first["by_channel"].get(channel, 0) + second["by_channel"].get(channel, 0) == rows, channel
    assert claims["in_app"] > 10 and claims["email"] > 5
    # Sent once: no recipient has two notifications, or two emails, about the same thing.
    assert report["notifications"] == claims["in_app"]
    assert report["duplicate_notifications"] == []
    assert report["emails"] == claims["email"]
    assert report["duplicate_emails"] == []
    # Both threads saw the whole list; what one sent the other found taken. (On SQLite the one
    # writer lock usually lets the first thread send everything and the second find it all
    # taken; on PostgreSQL both send a share.)
    assert first["sent"] + second["sent"] == claims["in_app"] + claims["email"]
    assert first["already"] + second["already"] > 0
    # A restart the same day sends nothing more.
    assert report["restart"]["sent"] == 0
    assert report["restart"]["already"] > 0
    # The embedded runner: the queued daily job ran on the next day, once, and queued the next.
    assert report["worker"]["days_run"] == ["2026-12-19"]
    assert report["worker"]["twin"] == {"day": "2026-12-19", "skipped": "already run today"}
    assert report["worker"]["queued"] == ["2026-12-20T07:00:00+00:00"]


def test_two_schedulers_at_once_on_sqlite_send_each_reminder_once(tmp_path: Path) -> None:
    _check(_run(f"sqlite:///{tmp_path / 'concurrent.sqlite3'}", tmp_path))


def _postgres_url() -> str:
    """A throwaway database on localhost:5432 (or OVERSIGHT_TEST_POSTGRES_URL); skip if none."""
    base = os.environ.get("OVERSIGHT_TEST_POSTGRES_URL", "postgres://localhost:5432/postgres")
    try:
        import psycopg

        name = f"oversight_remind_{uuid.uuid4().hex[:10]}"
        with psycopg.connect(base.replace("postgres://", "postgresql://"), autocommit=True, connect_timeout=3) as c:
            c.execute(f'CREATE DATABASE "{name}"')
    except Exception as exc:  # not reachable, no role, no password: say so and skip
        pytest.skip(f"PostgreSQL not usable at {base} ({type(exc).__name__}: {str(exc).strip()[:120]})")
    return base.rsplit("/", 1)[0] + "/" + name


def test_two_schedulers_at_once_on_postgresql_send_each_reminder_once(tmp_path: Path) -> None:
    url = _postgres_url()
    try:
        _check(_run(url, tmp_path))
    finally:
        import psycopg

        base, name = url.rsplit("/", 1)
        with psycopg.connect((base + "/postgres").replace("postgres://", "postgresql://"), autocommit=True) as c:
            c.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


# --- what the fresh process runs ------------------------------------------------------------------


def main() -> None:  # pragma: no cover - runs in the child process
    import threading
    import traceback
    from collections import Counter
    from datetime import date, datetime
    from zoneinfo import ZoneInfo

    import django

    django.setup()
    import time_machine
    from django.contrib.auth import get_user_model
    from django.core import mail
    from django.core.management import call_command
    from django.db import connection

    from oversight.reminders.models import DailyRun, Notification, ReminderSent
    from oversight.reminders.services import reminders_send
    from oversight.reminders.tasks import daily_reminders, pending_daily_run, schedule_daily_reminders
    from oversight.sessions.services import session_hold, session_schedule
    from oversight.supervision.services import relationship_start
    from tests.personas import make_cast

    london = ZoneInfo("Europe/London")
    call_command("migrate", verbosity=0)
    mail.outbox = []
    with time_machine.travel(datetime(2026, 11, 2, 9, tzinfo=london), tick=False):
        cast = make_cast()
        for key, person in (("sally", cast.sally), ("asha", cast.asha), ("theo", cast.theo), ("maria", cast.maria)):
            person.user = get_user_model().objects.create_user(username=key, email=f"{key}@example.org")
            person.save()
        for supervisee in (cast.sally, cast.asha):
            relationship_start(
                organisation=cast.org, by=cast.theo, supervisor=cast.theo, supervisee=supervisee, start=date(2026, 1, 5)
            )
        session = session_schedule(
            organisation=cast.org,
            by=cast.theo,
            kind="personal",
            supervisor=cast.theo,
            supervisee=cast.sally,
            date=date(2026, 10, 6),
        )
        session_hold(session=session, by=cast.theo, today=date(2026, 10, 6))

    today = date(2026, 12, 18)
    results: list[dict[str, Any]] = [{}, {}]
    barrier = threading.Barrier(2)

    def scheduler(index: int) -> None:
        try:
            barrier.wait(timeout=600)
            results[index] = reminders_send(organisation=cast.org, today=today).as_dict()
        except BaseException as exc:  # reported to the test, not lost with the thread
            results[index] = {"error": f"{type(exc).__name__}: {exc}", "where": traceback.format_exc()[-3000:]}
            barrier.abort()
            start_sending.abort()
        finally:
            connection.close()  # this thread's own connection

    # Both threads work out the day's reminders, then wait for each other, so that their sending
    # overlaps (otherwise the faster one may be done before the other has started).
    from oversight.reminders import services

    compute = services.reminders_due
    start_sending = threading.Barrier(2)

    def computed_then_wait(*args: Any, **kwargs: Any) -> Any:
        found = compute(*args, **kwargs)
        start_sending.wait(timeout=600)
        return found

    with time_machine.travel(datetime(2026, 12, 18, 7, tzinfo=london), tick=True):
        # The daily job refreshes the obligation store before it reminds; do that here too, so
        # the two threads test the reminder claims. (Two *refreshes* at once on PostgreSQL are
        # the store's business: oversight.compliance.store.)
        from oversight.compliance.store import refresh_organisation

        refresh_organisation(cast.org, today)
        services.reminders_due = computed_then_wait  # type: ignore[assignment]
        threads = [threading.Thread(target=scheduler, args=(i,)) for i in range(2)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        services.reminders_due = compute  # type: ignore[assignment]
        restart = reminders_send(organisation=cast.org, today=today).as_dict()
        notes = Counter(Notification.objects.values_list("recipient_id", "obligation_key", "text"))
        emails = Counter((tuple(m.to), m.subject, m.body) for m in mail.outbox)
        claims = Counter(ReminderSent.objects.values_list("channel", flat=True))
        schedule_daily_reminders()

    worker: dict[str, Any] = {}
    with time_machine.travel(datetime(2026, 12, 19, 7, 5, tzinfo=london), tick=True):
        daily_reminders.enqueue()  # a twin, as if two starts had each queued the day's run
        call_command("db_worker", "--batch", "--no-startup-delay", verbosity=0)
        from django_tasks_db.models import DBTaskResult

        twin = DBTaskResult.objects.filter(task_path=daily_reminders.module_path, status="SUCCESSFUL")
        worker["days_run"] = [d.isoformat() for d in DailyRun.objects.order_by("day").values_list("day", flat=True)]
        worker["twin"] = next((r.return_value for r in twin if (r.return_value or {}).get("skipped")), None)
        pending = pending_daily_run()
        worker["queued"] = [pending.run_after.isoformat()] if pending else []

    print(
        json.dumps(
            {
                "threads": results,
                "restart": restart,
                "notifications": sum(notes.values()),
                "duplicate_notifications": [list(k) for k, n in notes.items() if n > 1],
                "emails": sum(emails.values()),
                "duplicate_emails": [list(k[0]) for k, n in emails.items() if n > 1],
                "claims_by_channel": dict(claims),
                "worker": worker,
            }
        )
    )


if __name__ == "__main__":
    main()
