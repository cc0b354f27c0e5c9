"""Who may manage retention and subject access: HR, through the access policy's HR capability
(oversight.access: StaffCapability 'hr', granted by a senior manager and revocable)."""

from __future__ import annotations

from typing import Any

from django.utils import timezone


def may_manage_retention(user: Any) -> bool:
    """A signed-in, active user whose staff record holds a live HR capability. Everyone else gets a 404."""
    if not (getattr(user, "is_authenticated", False) and user.is_active):
        return False
    person = getattr(user, "person", None)
    if person is None:
        return False
    from oversight.access.models import StaffCapability

    now = timezone.now()
    return any(
        capability.live(now)
        for capability in StaffCapability.objects.filter(
            person=person, organisation_id=person.organisation_id, capability=StaffCapability.Capability.HR
        )
    )
