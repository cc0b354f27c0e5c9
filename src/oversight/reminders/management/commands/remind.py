"""``oversight remind``: tell people what is due, once.

- ``--dry-run`` prints, per organisation, one line per reminder (recipient, what, why: the
  rule and its source), sorted by recipient then due date, and a count; nothing is sent.
- without it, runs the daily job now (agreement by silence, the obligation store's refresh,
  then the reminders on each person's channels) and queues the daily run if none is waiting.
  Safe to run at any time and as often as you like: each reminder goes once.
- ``--schedule`` only queues the daily run on the task runner if none is waiting.
"""

from __future__ import annotations

import argparse
from datetime import date
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from oversight.organisations.models import Organisation
from oversight.reminders.selectors import long_date, reminders_due


def _iso_date(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a date in YYYY-MM-DD form: {value!r}") from None


class Command(BaseCommand):
    help = "Reminders due: with --dry-run, list who would be told what, and why (rule and source)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--dry-run", action="store_true", help="list the reminders; send nothing")
        parser.add_argument(
            "--schedule", action="store_true", help="only queue the daily run (oversight db_worker runs it)"
        )
        parser.add_argument("--today", type=_iso_date, default=None, help="the day to remind for (YYYY-MM-DD)")
        parser.add_argument("--organisation", metavar="SLUG", default=None, help="one organisation only")
        parser.add_argument("--ahead-days", type=int, default=7, help="remind this many days before a due date")
        parser.add_argument(
            "--escalate-after-days", type=int, default=14, help="tell the line manager once overdue this long"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["dry_run"] and options["schedule"]:
            raise CommandError("--schedule: cannot be used with --dry-run", returncode=2)
        if options["ahead_days"] < 0 or options["escalate_after_days"] < 0:
            raise CommandError("--ahead-days and --escalate-after-days: must be 0 or more", returncode=2)
        if options["schedule"]:
            self._schedule()
            return
        today: date = options["today"] or timezone.localdate()
        organisations = Organisation.objects.order_by("name")
        if options["organisation"]:
            organisations = organisations.filter(slug=options["organisation"])
            if not organisations.exists():
                raise CommandError(f"--organisation: no organisation {options['organisation']!r}", returncode=2)
        if not options["dry_run"]:
            self._send(list(organisations), today, options["escalate_after_days"])
            return
        for organisation in organisations:
            reminders = reminders_due(
                organisation,
                today,
                ahead_days=options["ahead_days"],
                escalate_after_days=options["escalate_after_days"],
            )
            self.stdout.write(f"{organisation.name} ({organisation.slug}), {long_date(today)}: dry run, nothing sent")
            for r in reminders:
                self.stdout.write(f"  {r.recipient.name}: {r.what} [{r.reason}] (why: {r.why})")
            self.stdout.write(f"{len(reminders)} reminder{'s' if len(reminders) != 1 else ''} would be sent")

    def _send(self, organisations: list[Organisation], today: date, escalate_after_days: int) -> None:
        from oversight.compliance.store import refresh_organisation
        from oversight.records.services import apply_deemed_agreements
        from oversight.reminders.services import reminders_send

        for organisation in organisations:
            deemed = apply_deemed_agreements(organisation_id=organisation.pk, today=today)
            stored = refresh_organisation(organisation, today)
            sent = reminders_send(organisation=organisation, today=today, escalate_after_days=escalate_after_days)
            channels = ", ".join(f"{n} {c.replace('_', '-')}" for c, n in sorted(sent.by_channel.items())) or "none"
            self.stdout.write(
                f"{organisation.name} ({organisation.slug}), {long_date(today)}: {sent.total} sent ({channels}); "
                f"{sent.already} already sent; {sent.failed} failed; "
                f"{deemed} record{'s' if deemed != 1 else ''} agreed by silence; {stored} obligations stored"
            )
        self._schedule()

    def _schedule(self) -> None:
        from oversight.reminders.tasks import schedule_daily_reminders

        when, queued = schedule_daily_reminders()
        at = timezone.localtime(when)
        self.stdout.write(
            f"daily run {'queued' if queued else 'already queued'} for {long_date(at.date())} at {at:%H:%M}"
            " (oversight db_worker runs it)"
        )
