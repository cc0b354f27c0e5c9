"""``oversight audit verify [--anchors FILE]`` and ``oversight audit anchor [--append FILE]``.

``verify`` recomputes the audit trail's hash chain. Prints ``OK: N events, chain intact`` and
exits 0, or names the first broken link (seq, id, what is wrong) on standard error and exits 1.
With ``--anchors``, it also checks every head written earlier by ``anchor`` (or the daily job)
is still in the trail with the same hash: that catches what the chain alone cannot, the newest
events deleted from the end and a chain rewritten from a change onwards.

``anchor`` verifies the chain, then prints its head as ``<seq> <hash> <time>`` (or appends it
to FILE): keep those lines outside the database.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import DatabaseError
from django.utils import timezone

from oversight.audit.services import anchor_line, check_anchors, parse_anchors, verify_chain


class Command(BaseCommand):
    help = (
        "The audit trail: 'verify' recomputes the hash chain and names the first broken link; "
        "'anchor' prints its head to keep elsewhere."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="audit_command", required=True, metavar="{verify,anchor}")
        verify = sub.add_parser("verify", help="recompute every hash in seq order; exit 1 at the first broken link")
        verify.add_argument(
            "--anchors", metavar="FILE", help="also check the heads written by 'anchor' are still in the trail"
        )
        anchor = sub.add_parser("anchor", help="verify, then print the head (seq, hash, time) to keep elsewhere")
        anchor.add_argument("--append", metavar="FILE", help="append the line to FILE instead of printing it")

    def handle(self, *args: Any, **options: Any) -> None:
        anchors = []
        if options["audit_command"] == "verify" and options.get("anchors"):
            path = Path(options["anchors"])
            try:
                anchors = parse_anchors(path.read_text(encoding="utf-8"))
            except OSError as exc:
                raise CommandError(f"--anchors: cannot read {path}: {exc.strerror or exc}", returncode=2) from exc
            except (ValueError, UnicodeDecodeError) as exc:
                raise CommandError(f"--anchors: {path}: {exc}", returncode=2) from exc
        try:
            report = verify_chain()
            problems = check_anchors(anchors) if anchors else []
        except DatabaseError as exc:
            raise CommandError(f"cannot read the audit trail: {exc}".replace("\n", " "), returncode=2) from exc
        if report.broken is not None:
            self.stderr.write(f"BROKEN: {report.broken}")
            self.stderr.write(f"the {report.count} events before it (seq 1-{report.head_seq}) are intact")
            sys.exit(1)
        if problems:
            for problem in problems:
                self.stderr.write(f"BROKEN: {problem}")
            self.stderr.write(f"the chain itself recomputes ({report.count} events): it was cut or rewritten")
            sys.exit(1)
        if options["audit_command"] == "anchor":
            if not report.count:
                raise CommandError("the audit trail is empty: nothing to anchor", returncode=2)
            line = anchor_line(report, timezone.now())
            if options.get("append"):
                path = Path(options["append"])
                try:
                    with path.open("a", encoding="utf-8") as out:
                        out.write(line + "\n")
                except OSError as exc:
                    raise CommandError(f"--append: cannot write {path}: {exc.strerror or exc}", returncode=2) from exc
                self.stdout.write(f"anchored seq {report.head_seq} in {path}")
            else:
                self.stdout.write(line)
            return
        self.stdout.write(f"OK: {report.count} events, chain intact")
        if anchors:
            self.stdout.write(f"{len(anchors)} anchor(s) match")
        if report.count:
            self.stdout.write(f"head: seq {report.head_seq} hash {report.head_hash}")
