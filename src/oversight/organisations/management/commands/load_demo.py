from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from oversight.demo import COUNCILS, DEMO_PASSWORD, load_demo


class Command(BaseCommand):
    help = "Load the five demo authorities (local demo only; idempotent)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--force", action="store_true", help="allow outside OVERSIGHT_DEBUG (tests only)")

    def handle(self, *args: Any, **options: Any) -> None:
        if not settings.DEBUG and not options["force"]:
            raise CommandError("The demo has well-known passwords: load it only with OVERSIGHT_DEBUG=1.")
        created = load_demo()
        for org in created:
            self.stdout.write(f"created {org.name} ({org.policy_pack})")
        if not created:
            self.stdout.write("demo authorities already loaded")
        slugs = ", ".join(slug for _, _, slug in COUNCILS)
        self.stdout.write(
            f"logins: <council>.tm1, <council>.sw1, <council>.sm ... for {slugs}; password {DEMO_PASSWORD!r}"
        )
