"""Who may import: a member of staff who holds a live HR capability or a live senior-manager
capability in their own organisation (oversight.access: StaffCapability, granted by a senior
manager and revocable). Senior managers are the organisation's administrators in Oversight:
they grant every other capability. Line managers, supervisors, quality assurance, inspectors
and investigating officers may not; a leaver's capabilities lapse. Everyone else gets a 404.
"""

from __future__ import annotations

from datetime import date, datetime

from django.http import Http404, HttpRequest
from django.utils import timezone

from oversight.access.models import StaffCapability
from oversight.people.models import Person

IMPORTERS = (StaffCapability.Capability.HR, StaffCapability.Capability.SENIOR_MANAGER)


def may_import(person: Person | None, now: datetime, today: date) -> bool:
    """Whether ``person`` may upload, preview and apply imports for their organisation."""
    if person is None or (person.left is not None and person.left < today):
        return False
    held = StaffCapability.objects.filter(
        person=person, organisation_id=person.organisation_id, capability__in=IMPORTERS
    )
    return any(capability.live(now) for capability in held)


def importer(request: HttpRequest) -> Person:
    """The signed-in member of staff who may import, or 404."""
    user = request.user
    person = getattr(user, "person", None) if user.is_authenticated and user.is_active else None
    now = timezone.now()
    if not may_import(person, now, timezone.localdate(now)):
        raise Http404("No such page")
    assert person is not None
    return person
