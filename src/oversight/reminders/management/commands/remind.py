"""``oversight remind --dry-run``: who would be told what today, and why.

Prints, per organisation, one line per reminder (recipient, what, why: the rule
and its source), sorted by recipient then due date, and a count. Sending is not
built yet: without ``--dry-run`` the command refuses and exits 2.
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
        parser.add_argument("--today", type=_iso_date, default=None, help="the day to remind for (YYYY-MM-DD)")
        parser.add_argument("--organisation", metavar="SLUG", default=None, help="one organisation only")
        parser.add_argument("--ahead-days", type=int, default=7, help="remind this many days before a due date")
        parser.add_argument(
            "--escalate-after-days", type=int, default=14, help="tell the line manager once overdue this long"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if not options["dry_run"]:
            raise CommandError("sending reminders is not built yet: use --dry-run", returncode=2)
        today: date = options["today"] or timezone.localdate()
        organisations = Organisation.objects.order_by("name")
        if options["organisation"]:
            organisations = organisations.filter(slug=options["organisation"])
            if not organisations.exists():
                raise CommandError(f"--organisation: no organisation {options['organisation']!r}", returncode=2)
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
