"""``oversight access_capability``: give a member of staff a capability from the command line.

The first senior manager of an organisation is set up here (there is nobody yet to grant it);
after that a senior manager is named with ``--by``. Each grant writes its audit row.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from oversight.access.models import StaffCapability
from oversight.access.services import capability_grant
from oversight.errors import ServiceError
from oversight.people.models import Person, Service


class Command(BaseCommand):
    help = "Give a member of staff a capability: qa (with --service), hr or senior_manager."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("organisation", help="the organisation's slug")
        parser.add_argument("staff_id", help="the member of staff's staff ID")
        parser.add_argument("capability", choices=StaffCapability.Capability.values)
        parser.add_argument("--reason", required=True)
        parser.add_argument("--service", help="quality assurance: the service's name")
        parser.add_argument("--by", help="the granting senior manager's staff ID (all but the first)")

    def handle(self, *args: Any, **options: Any) -> None:
        slug = options["organisation"]

        def staff(staff_id: str) -> Person:
            person = Person.objects.filter(organisation__slug=slug, staff_id=staff_id).first()
            if person is None:
                raise CommandError(f"no member of staff {staff_id!r} in {slug!r}")
            return person

        person = staff(options["staff_id"])
        by = staff(options["by"]) if options["by"] else None
        service = None
        if options["service"]:
            service = Service.objects.filter(organisation=person.organisation, name=options["service"]).first()
            if service is None:
                raise CommandError(f"no service {options['service']!r} in {slug!r}")
        try:
            held = capability_grant(
                person=person, capability=options["capability"], by=by, reason=options["reason"], service=service
            )
        except ServiceError as exc:
            raise CommandError(exc.message) from None
        self.stdout.write(f"{person.name}: {held}")
