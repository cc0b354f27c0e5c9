"""Who may manage retention and subject access: one function, to be swapped for the access
policy's HR capability when it lands."""

from __future__ import annotations

from typing import Any


def may_manage_retention(user: Any) -> bool:
    """For now: signed-in, active Django staff users (``is_staff``). Everyone else gets a 404."""
    return bool(getattr(user, "is_authenticated", False) and user.is_active and user.is_staff)
