"""``{% notifications_label request.user as text %}``: the navigation link's words, with the
number of unread notifications (one count query per page)."""

from __future__ import annotations

from typing import Any

from django import template

from oversight.reminders.models import Notification

register = template.Library()


@register.simple_tag
def notifications_label(user: Any) -> str:
    person = getattr(user, "person", None) if getattr(user, "is_authenticated", False) else None
    if person is None:
        return "Notifications"
    unread = Notification.objects.filter(recipient=person, read__isnull=True).count()
    return f"Notifications ({unread} unread)" if unread else "Notifications"
