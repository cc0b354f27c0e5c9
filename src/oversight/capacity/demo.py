"""Contracted hours for the demo authorities, so capacity planning has something to plan with.

Full time is 37 hours a week; one social worker in each team works part time (22.5 hours),
and casual staff have no contracted hours (their supervision follows the hours they work).
Only people without hours are given some: a real council's figures are never overwritten.
"""

from __future__ import annotations

from decimal import Decimal

from oversight.organisations.models import Organisation
from oversight.people.models import Person

FULL_TIME = Decimal("37.00")
PART_TIME = Decimal("22.50")
PART_TIMERS = ("-1004", "-1009")  # sw2 and sw5 in oversight.demo.STAFF


def seed_demo(org: Organisation) -> int:
    """Set ``weekly_hours`` where missing; returns how many people were given hours."""
    people = Person.objects.filter(organisation=org, weekly_hours__isnull=True, left__isnull=True).exclude(
        employment=Person.Employment.CASUAL
    )
    changed = []
    for person in people:
        person.weekly_hours = PART_TIME if person.staff_id.endswith(PART_TIMERS) else FULL_TIME
        changed.append(person)
    Person.objects.bulk_update(changed, ["weekly_hours"])
    return len(changed)
