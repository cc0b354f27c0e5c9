"""``oversight audit verify``: recompute the audit trail's hash chain.

Prints ``OK: N events, chain intact`` and exits 0, or names the first broken link
(seq, id, what is wrong) on standard error and exits 1.
"""

from __future__ import annotations

import sys
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import DatabaseError

from oversight.audit.services import verify_chain


class Command(BaseCommand):
    help = "The audit trail: 'verify' recomputes the hash chain and names the first broken link."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="audit_command", required=True, metavar="{verify}")
        sub.add_parser("verify", help="recompute every hash in seq order; exit 1 at the first broken link")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["audit_command"] != "verify":  # argparse has already refused anything else
            raise CommandError("say: oversight audit verify")
        try:
            report = verify_chain()
        except DatabaseError as exc:
            raise CommandError(f"cannot read the audit trail: {exc}".replace("\n", " "), returncode=2) from exc
        if report.broken is not None:
            self.stderr.write(f"BROKEN: {report.broken}")
            self.stderr.write(f"the {report.count} events before it (seq 1-{report.head_seq}) are intact")
            sys.exit(1)
        self.stdout.write(f"OK: {report.count} events, chain intact")
        if report.count:
            self.stdout.write(f"head: seq {report.head_seq} hash {report.head_hash}")
