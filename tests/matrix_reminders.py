"""Notifications, reminder preferences and calendar feeds in the access matrix
(tests/test_access_matrix.py).

Every page is the signed-in member of staff's own: any member gets an answer (their own list,
form or calendar page) and nobody without a staff record does; nobody reaches another's
notification (404). The feed needs no sign-in: whoever holds Sally's live token gets her
calendar (the token is the key, so her sessions' places may show to anyone holding it); a
revoked token is a 404 for everyone.

The matrix's fingerprint does not cover this app's tables, so marking Sally's notification read
is walked for reach only (everyone else gets 404); that it works for Sally is tested in
tests/test_notifications.py.
"""

from __future__ import annotations

from typing import Any

from oversight.reminders.models import CalendarFeed, Notification

from .test_access_matrix import EVERYONE, MEMBERS, NOBODY, Probe, not_applicable

URL_TABLE: dict[str, str] = {
    "reminders:notifications": "my notifications (list; POST marks all read)",
    "reminders:notification_read": "one of my notifications (edit: mark read)",
    "reminders:preferences": "my reminder preferences (view, edit)",
    "reminders:calendar": "my calendar feed's address (view, renew, revoke)",
    "reminders:feed": "a calendar feed by its secret token (view, no sign-in)",
}


# fmt: off
def probes(w: Any) -> list[Probe]:
    sally = w.people["sally"]
    note = Notification.objects.create(recipient=sally, text="MKR-NOTE-SALLY Personal supervision is due", link=f"/people/{sally.pk}/")
    live = CalendarFeed.objects.create(person=sally)
    revoked = CalendarFeed.objects.create(person=sally, revoked=live.created)
    # Sally's sessions in her feed carry their places: shown to whoever holds her token.
    places = {m: EVERYONE for m in ("MKR-PLANNED-PLACE", "MKR-CASE-PLACE", "MKR-OLD-PLACE")}
    feed, gone = f"/calendar/{live.token}.ics", f"/calendar/{revoked.token}.ics"
    read_url = f"/notifications/{note.pk}/read/"
    probes = [
        Probe("reminders:notifications", "notifications", "list", "get", "/notifications/", MEMBERS, MEMBERS, "page"),
        Probe("reminders:notifications", "notifications", "view", "get", "/notifications/", MEMBERS, frozenset({"sally"}), "read", ("MKR-NOTE-SALLY",)),
        Probe("reminders:notification_read", "notifications", "edit", "post", read_url, frozenset({"sally"}), NOBODY, "write", data={}),
        Probe("reminders:notification_read", "notifications", "view", "get", read_url, NOBODY, NOBODY, "read", ("MKR-NOTE-SALLY",)),
        Probe("reminders:preferences", "preferences", "view", "get", "/reminders/preferences/", MEMBERS, MEMBERS, "page"),
        Probe("reminders:calendar", "calendar", "view", "get", "/calendar/", MEMBERS, frozenset({"sally"}), "read", (live.token,)),
        Probe("reminders:feed", "calendar", "view", "get", feed, EVERYONE, EVERYONE, "read", ("BEGIN:VCALENDAR", "Sally Social"), public=True, also_shows=places),
        Probe("reminders:feed", "calendar", "view", "get", gone, NOBODY, NOBODY, "read", ("BEGIN:VCALENDAR",), public=True),
    ]
    probes += not_applicable("notifications", "reminders:notifications", "/notifications/", MEMBERS, {"view", "list", "edit"})
    return probes
# fmt: on
