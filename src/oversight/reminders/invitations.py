"""Calendar invitations when a session is booked, moved or cancelled.

``on_session_change`` is what ``oversight.sessions.services`` calls, inside its transaction: it
only registers ``session_calendar_changed`` to run once that transaction commits (a session
rolled back invites nobody). That bumps the session's SEQUENCE, builds the .ics and queues the
email on the task runner, so a slow mail server never holds up the page.
"""

from __future__ import annotations

from datetime import date
from functools import partial

from django.db import transaction

BOOKED, MOVED, CANCELLED = "booked", "moved", "cancelled"


def on_session_change(*, session_id: int, day: date, change: str) -> None:
    # robust: a failure here is logged and never undoes or fails the booking itself
    transaction.on_commit(partial(session_calendar_changed, session_id=session_id, day=day, change=change), robust=True)


def session_calendar_changed(*, session_id: int, day: date, change: str) -> int:
    """Record the change in the session's calendar identity and queue the invitation to everyone
    at the session who has an email address. Returns how many addresses it went to."""
    from django.db.models import F
    from django.utils import timezone

    from oversight.sessions.models import Session

    from .calendars import email_of, invitation_ics, session_people, session_title, session_uid
    from .channels import email_configured
    from .models import SessionInvitation
    from .tasks import send_invitation

    if day < timezone.localdate():  # history (the demo's year of sessions): no invitations
        return 0
    session = (
        Session.objects.select_related("organisation", "supervisor__user", "supervisee__user", "observer__user")
        .prefetch_related("attendees__user")
        .get(pk=session_id)
    )
    with transaction.atomic():
        invitation, created = SessionInvitation.objects.select_for_update().get_or_create(
            session=session, defaults={"uid": session_uid(session), "sequence": 0}
        )
        if not created or change != BOOKED:
            SessionInvitation.objects.filter(pk=invitation.pk).update(sequence=F("sequence") + 1)
            invitation.refresh_from_db()
    cancelled = change == CANCELLED
    ics = invitation_ics(session, sequence=invitation.sequence, cancelled=cancelled)
    to = [email for email in (email_of(p) for p in session_people(session)) if email]
    if not to or not email_configured():
        return 0
    when = f"{session.date.day} {session.date:%B %Y}" + (
        f" at {session.start_time:%H:%M}" if session.start_time else ""
    )
    verb = {BOOKED: "booked", MOVED: "moved to", CANCELLED: "cancelled"}[change]
    subject = (
        f"{session_title(session)}: {verb} {when}"
        if change != CANCELLED
        else f"Cancelled: {session_title(session)} on {when}"
    )
    body = (
        f"{session_title(session)} on {when} has been cancelled."
        if cancelled
        else f"{session_title(session)} has been {verb} {when}."
    ) + "\n\nThe calendar invitation is attached: open it to update your calendar."
    transaction.on_commit(
        partial(send_invitation.enqueue, to=to, subject=subject, body=body, ics=ics.decode(), cancelled=cancelled),
        robust=True,
    )
    return len(to)
