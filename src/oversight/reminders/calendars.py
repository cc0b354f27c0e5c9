"""Calendar files: a person's feed (sessions and deadlines) and a session's invitation.

Times are written in UTC (Outlook, Google and Apple all convert); a session without a start
time is an all-day event. A session keeps one UID for life; its SEQUENCE rises with each
move or cancellation so calendars replace the earlier copy instead of adding another.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.mail.message import sanitize_address
from django.utils import timezone
from icalendar import Calendar, Event, vCalAddress

from oversight.people.models import Person
from oversight.sessions.models import Session

from .selectors import Reminder

PRODID = "-//Oversight//Staff supervision//EN"
LONDON = ZoneInfo(settings.TIME_ZONE)


def session_uid(session: Session) -> str:
    """Stable for the life of the session (the organisation's slug keeps two installs apart)."""
    return f"session-{session.pk}.{session.organisation.slug}@oversight"


def email_of(person: Person | None) -> str:
    user = getattr(person, "user", None) if person is not None else None
    return (getattr(user, "email", "") or "") if user is not None else ""


def session_people(session: Session) -> list[Person]:
    """Everyone at the session: supervisor first, then supervisee, attendees, observer."""
    people: list[Person] = [session.supervisor]
    for person in [session.supervisee, *session.attendees.all(), session.observer]:
        if person is not None and person not in people:
            people.append(person)
    return people


def session_title(session: Session) -> str:
    kind = session.get_kind_display().split(" (")[0]
    if session.supervisee is not None:
        return f"{kind}: {session.supervisor.name} and {session.supervisee.name}"
    return f"{kind} led by {session.supervisor.name}"


def _address(person: Person, role: str) -> vCalAddress:
    address = vCalAddress(f"mailto:{email_of(person) or 'no-email@invalid'}")
    address.params["CN"] = person.name
    address.params["ROLE"] = role
    return address


def session_event(session: Session, *, sequence: int, cancelled: bool = False) -> Event:
    event = Event()
    event.add("uid", session_uid(session))
    event.add("sequence", sequence)
    event.add("dtstamp", timezone.now().astimezone(UTC))
    if session.start_time is not None:
        start = datetime.combine(session.date, session.start_time, tzinfo=LONDON).astimezone(UTC)
        event.add("dtstart", start)
        event.add("dtend", start + timedelta(minutes=session.duration_minutes))
    else:
        event.add("dtstart", session.date)
        event.add("dtend", session.date + timedelta(days=1))
    event.add("summary", session_title(session))
    where = session.place or ("Video call" if session.video else "")
    if where:
        event.add("location", where)
    event.add("description", f"{settings.OVERSIGHT_SITE_URL}/sessions/{session.pk}/")
    event.add("status", "CANCELLED" if cancelled else "CONFIRMED")
    organiser = vCalAddress(
        f"mailto:{email_of(session.supervisor) or sanitize_address(settings.DEFAULT_FROM_EMAIL, 'utf-8')}"
    )
    organiser.params["CN"] = session.supervisor.name
    event.add("organizer", organiser)
    for person in session_people(session)[1:]:
        event.add("attendee", _address(person, "REQ-PARTICIPANT"))
    return event


def _calendar(method: str | None, name: str | None = None) -> Calendar:
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    if method:
        calendar.add("method", method)
    if name:
        calendar.add("x-wr-calname", name)
    return calendar


def invitation_ics(session: Session, *, sequence: int, cancelled: bool) -> bytes:
    """An iTIP message: METHOD REQUEST (booked or moved) or CANCEL."""
    calendar = _calendar("CANCEL" if cancelled else "REQUEST")
    calendar.add_component(session_event(session, sequence=sequence, cancelled=cancelled))
    return calendar.to_ical()


def feed_ics(
    person: Person, sessions: Iterable[Session], sequences: dict[int, int], deadlines: Iterable[Reminder]
) -> bytes:
    """The person's feed: each session once, each deadline once (an all-day event on its due date)."""
    calendar = _calendar("PUBLISH", f"Oversight: {person.name}")
    seen: set[str] = set()
    for session in sessions:
        event = session_event(session, sequence=sequences.get(session.pk, 0))
        if str(event["uid"]) not in seen:
            seen.add(str(event["uid"]))
            calendar.add_component(event)
    for reminder in deadlines:
        uid = f"deadline-{reminder.obligation_id}-{reminder.due:%Y%m%d}-p{person.pk}@oversight"
        if uid in seen:
            continue
        seen.add(uid)
        event = Event()
        event.add("uid", uid)
        event.add("dtstamp", timezone.now().astimezone(UTC))
        event.add("dtstart", reminder.due)
        event.add("dtend", reminder.due + timedelta(days=1))
        event.add("summary", reminder.what)
        event.add("description", f"Why: {reminder.why}")
        event.add("transp", "TRANSPARENT")  # a deadline does not make anyone busy
        calendar.add_component(event)
    return calendar.to_ical()


def feed_window(today: date) -> tuple[date, date]:
    """Sessions from three months back to a year ahead."""
    return today - timedelta(days=92), today + timedelta(days=366)
