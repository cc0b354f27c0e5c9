"""``oversight sar PERSON --out DIR [--received YYYY-MM-DD] [--no-redact] [--organisation SLUG]``.

Records a subject access request for PERSON (a staff ID, or a person's number) received on
--received (default today), and writes DIR/subject-access-<staff id>.json, .html and .pdf:
everything held about them, children's data and other people's information redacted unless
--no-redact. Prints the deadline.
"""

from __future__ import annotations

import time
from datetime import date
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from oversight.errors import ServiceError
from oversight.people.models import Person
from oversight.retention.services import sar_record_export, sar_start
from oversight.retention.subject_access import build_bundle, write_bundle


def _date(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise CommandError(f"--received: expected YYYY-MM-DD, got {value!r}") from None


def find_person(key: str, organisation: str | None) -> Person:
    """A staff ID (within --organisation where given), else a person's number; one or an error."""
    people = Person.objects.select_related("organisation")
    if organisation is not None:
        people = people.filter(organisation__slug=organisation)
    matches = list(people.filter(staff_id=key)[:2])
    if not matches and key.isdigit():
        matches = list(people.filter(pk=int(key)))
    if not matches:
        where = f" in {organisation}" if organisation else ""
        raise CommandError(f"PERSON: no member of staff with staff ID or number {key!r}{where}")
    if len(matches) > 1:
        raise CommandError(f"PERSON: staff ID {key!r} is used in more than one organisation: give --organisation SLUG")
    return matches[0]


class Command(BaseCommand):
    help = "Export everything held about a member of staff (subject access) as JSON, HTML and PDF."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("person", metavar="PERSON", help="staff ID, or the person's number")
        parser.add_argument("--out", required=True, type=Path, metavar="DIR", help="directory to write the bundle to")
        parser.add_argument("--received", type=_date, help="the day the request was received (default: today)")
        parser.add_argument("--requested-by", default="", help="who made the request (default: the member of staff)")
        parser.add_argument("--organisation", metavar="SLUG", help="where staff IDs clash across organisations")
        parser.add_argument("--no-redact", action="store_true", help="keep children's data and third-party information")

    def handle(self, *args: Any, **options: Any) -> None:
        began = time.perf_counter()
        person = find_person(options["person"], options["organisation"])
        today = timezone.localdate()
        redact = not options["no_redact"]
        try:
            sar = sar_start(
                person=person,
                by=None,
                received_on=options["received"] or today,
                today=today,
                requested_by=options["requested_by"],
            )
        except ServiceError as exc:
            raise CommandError(f"--received: {exc.message}") from None
        bundle = build_bundle(person, redact=redact, request=sar)
        try:
            written = write_bundle(bundle, options["out"])
        except OSError as exc:
            raise CommandError(f"--out: cannot write to {options['out']}: {exc.strerror}") from None
        sar_record_export(sar=sar, by=None, what="bundle", redacted=redact)
        elapsed = time.perf_counter() - began
        data = bundle.data
        self.stdout.write(f"Subject access request #{sar.pk} for {person.staff_id} ({person.organisation.name})")
        self.stdout.write(
            f"received {sar.received_on.isoformat()}, respond by {sar.deadline.isoformat()} ({sar.deadline:%A})"
        )
        sizes = ", ".join(
            f"{key} {len(data[key])}"
            for key in ("relationships", "agreements", "sessions", "group_sessions", "absences", "hours_worked")
            + ("asye_reviews", "caseload", "case_reviews", "audit_events")
        )
        self.stdout.write(f"held: {sizes}")
        self.stdout.write(f"redactions: {len(data['redactions'])}" if redact else "redactions: none (--no-redact)")
        for path in written:
            self.stdout.write(f"wrote {path} ({path.stat().st_size} bytes)")
        self.stdout.write(f"in {elapsed:.2f}s")
