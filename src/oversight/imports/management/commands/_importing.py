"""What ``import_hr`` and ``import_caseload`` share: read the file, plan it (the dry run) or
apply it, print what changes and every error by row and column; exit 1 while errors remain."""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from oversight.imports.plan import UNCHANGED, Plan
from oversight.imports.reading import MAX_BYTES
from oversight.imports.services import CommandLine, ImportRefused
from oversight.organisations.models import Organisation
from oversight.people.models import Person


def print_plan(plan: Plan, write: Callable[[str], None], *, verbose: bool = False) -> None:
    """The plan as text: one line per row that changes (with each field's before → after),
    then the notes, then the errors."""
    for row in plan.rows:
        if row.action == UNCHANGED and not verbose:
            continue
        write(f"  row {row.row}: {row.action} {row.key} ({row.label})")
        for change in row.changes:
            before = change.before or "-"
            write(f"      {change.label}: {before} → {change.after}")
    for note in plan.notes:
        write(f"  note: {note}")
    write(plan.summary())


class ImportCommand(BaseCommand):
    kind = ""  # "hr" or "caseload"
    noun = ""

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="the CSV file (UTF-8, with or without BOM, or Windows-1252)")
        parser.add_argument("--organisation", metavar="SLUG", required=True, help="the organisation's slug")
        parser.add_argument("--apply", action="store_true", help="make the changes (without it: a dry run)")
        parser.add_argument("--by", metavar="STAFF_ID", help="the member of staff running the import (audit trail)")
        parser.add_argument("--all", action="store_true", help="list unchanged rows too")

    def plan(self, organisation: Organisation, data: bytes) -> Plan:
        raise NotImplementedError

    def apply(self, organisation: Organisation, data: bytes, by: Any, filename: str) -> Plan:
        raise NotImplementedError

    def handle(self, *args: Any, **options: Any) -> None:
        slug = options["organisation"]
        organisation = Organisation.objects.filter(slug=slug).first()
        if organisation is None:
            raise CommandError(f"--organisation: no organisation {slug!r}", returncode=2)
        by: Any = CommandLine(f"import_{self.kind}")
        if options["by"]:
            by = Person.objects.filter(organisation=organisation, staff_id=options["by"]).first()
            if by is None:
                raise CommandError(f"--by: no member of staff {options['by']!r} in {slug!r}", returncode=2)
        path = Path(options["file"])
        try:
            if path.stat().st_size > MAX_BYTES:
                raise CommandError(
                    f"{path}: the file is over {MAX_BYTES // 1024 // 1024} MB; split it into smaller files",
                    returncode=2,
                )
            data = path.read_bytes()
        except OSError as exc:
            raise CommandError(f"{path}: cannot read: {exc.strerror}", returncode=2) from None
        write = self.stdout.write
        if options["apply"]:
            try:
                plan = self.apply(organisation, data, by, path.name)
            except ImportRefused as refused:
                plan = refused.plan
            else:
                write(f"{self.noun} from {path.name} applied to {organisation.name} ({organisation.slug}):")
                print_plan(plan, write, verbose=options["all"])
                if not plan.changes:
                    write("Nothing to change: Oversight already matches the file.")
                return
        else:
            plan = self.plan(organisation, data)
            write(
                f"{self.noun} from {path.name} for {organisation.name} ({organisation.slug}): dry run, nothing changed"
            )
            print_plan(plan, write, verbose=options["all"])
        if plan.errors:
            for error in plan.errors:
                self.stderr.write(f"{path.name}: {error}")
            self.stderr.write(
                f"{len(plan.errors)} error{'s' if len(plan.errors) != 1 else ''}"
                f" in {len(plan.error_rows())} row{'s' if len(plan.error_rows()) != 1 else ''}: "
                "nothing was changed. Correct the file and run it again."
            )
            sys.exit(1)
        if not options["apply"]:
            write("Run again with --apply to make these changes.")

    @staticmethod
    def today() -> Any:
        return timezone.localdate()
