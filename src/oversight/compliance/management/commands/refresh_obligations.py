"""``oversight refresh_obligations``: recompute the obligation store in full.

Statuses move with the calendar even when nothing is recorded, so run it nightly (the
pages also recompute an organisation in full on their first read of a new day). Prints one
line per organisation: its slug, how many obligations, how long it took.

- ``--organisation SLUG`` one organisation only;
- ``--as-of YYYY-MM-DD`` the day to compute for (default today).
"""

from __future__ import annotations

import argparse
import time
from datetime import date
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from oversight.compliance.store import refresh_organisation
from oversight.organisations.models import Organisation


def _iso_date(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a date in YYYY-MM-DD form: {value!r}") from None


class Command(BaseCommand):
    help = "Recompute the obligation store of every organisation (or one) in full."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--organisation", metavar="SLUG", default=None, help="one organisation only")
        parser.add_argument("--as-of", type=_iso_date, default=None, help="the day to compute for (YYYY-MM-DD)")

    def handle(self, *args: Any, **options: Any) -> None:
        as_of: date = options["as_of"] or timezone.localdate()
        organisations = Organisation.objects.order_by("slug")
        if options["organisation"]:
            organisations = organisations.filter(slug=options["organisation"])
            if not organisations.exists():
                raise CommandError(f"--organisation: no organisation {options['organisation']!r}", returncode=2)
        for organisation in organisations:
            started = time.perf_counter()
            count = refresh_organisation(organisation, as_of)
            seconds = time.perf_counter() - started
            self.stdout.write(f"{organisation.slug}: {count} obligations as of {as_of} ({seconds:.2f} s)")
