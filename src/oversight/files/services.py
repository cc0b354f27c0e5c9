"""Every change to a supervision file item: one named function each, which checks who is
asking and the state it leaves, makes the change and writes its audit row in the same
transaction. Errors are ``ServiceError(field, message)`` naming the question (field id) at fault.

The content is checked against the council's kind (oversight.files.kinds): no question the
form does not ask, dates as dates, choices among the choices, lists as lines, the required
questions answered. Nothing is ever attached: the file holds text (Leeds 4.12: no sick notes).
The audit rows name the item, its kind and which questions changed, never what was written.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any

from django.db import transaction
from django.utils import timezone

from oversight.access import policy
from oversight.access.reach import Viewer
from oversight.audit.services import audit_event
from oversight.compliance.hooks import touch_people
from oversight.errors import ServiceError
from oversight.people.models import Person
from oversight.sessions.models import Session
from oversight.supervision.models import Relationship
from oversight.supervision.services import relationship_change_supervisor

from .access import ROLE_OF_STANDING, file_open, may_take_step, role_of, standing_on_file
from .kinds import ROLE_LABELS, Kind, kinds_for
from .models import FileItem, FileItemEvent, FileItemVersion

TEXT_MAX_CHARS = 10_000
LIST_MAX_LINES = 50
NO_UPLOAD = "Nothing can be attached to the supervision file: write the note as text."
AUDIT = "file_item"


# --- checks --------------------------------------------------------------------------------------


def kind_of(subject: Person, kind_id: str) -> Kind:
    kind = kinds_for(subject.organisation).kind(kind_id)
    if kind is None:
        raise ServiceError("kind", f"{subject.organisation.pack.council} keeps no {kind_id.replace('_', ' ')}")
    return kind


def _who(roles: Sequence[str]) -> str:
    names = [ROLE_LABELS[r] for r in roles]
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " or " + names[-1]


def _writer(kind: Kind, by: Person, subject: Person, today: date, roles: Sequence[str] | None = None) -> str:
    """The standing of ``by`` on the file, if it may write this kind (or do ``roles``'s part)."""
    if not file_open(subject, today):
        raise ServiceError("__all__", f"{subject.name} left on {_long(subject.left)}: the file is kept, not added to")
    standing = standing_on_file(by, subject, today)
    allowed = list(roles if roles is not None else kind.writers)
    if standing not in ROLE_OF_STANDING or role_of(standing) not in allowed:
        raise ServiceError("__all__", f"{kind.label}: only {_who(allowed)} does this")
    return standing


def _long(day: date | None) -> str:
    return f"{day.day} {day:%B %Y}" if day is not None else ""


def _day(field: str, label: str, value: Any) -> str:
    if isinstance(value, date):
        return value.isoformat()
    try:
        return date.fromisoformat(str(value).strip()).isoformat()
    except ValueError:
        raise ServiceError(field, f"{label}: enter a real date") from None


def clean_content(kind: Kind, content: Mapping[str, Any]) -> dict[str, Any]:
    """The content as stored: known questions only, each of its type; empty answers left out."""
    for key in content:
        if kind.field(key) is None:
            raise ServiceError(key, f"{kind.label}: the form does not ask this")
    cleaned: dict[str, Any] = {}
    for field in kind.fields:
        value = content.get(field.id)
        if field.type == "list":
            lines = value.splitlines() if isinstance(value, str) else list(value or [])
            items = [str(line).strip() for line in lines if str(line).strip()]
            if len(items) > LIST_MAX_LINES:
                raise ServiceError(field.id, f"{field.label}: at most {LIST_MAX_LINES} lines")
            if any(len(line) > TEXT_MAX_CHARS for line in items):
                raise ServiceError(field.id, f"{field.label}: a line is longer than {TEXT_MAX_CHARS} characters")
            answer: Any = items
        elif value is None or (isinstance(value, str) and not value.strip()):
            answer = None
        elif field.type == "date":
            answer = _day(field.id, field.label, value)
        elif field.type == "choice":
            answer = str(value)
            if answer not in {c.value for c in field.choices or ()}:
                raise ServiceError(field.id, f"{field.label}: choose one of the options")
        else:
            answer = str(value).strip()
            if len(answer) > TEXT_MAX_CHARS:
                raise ServiceError(field.id, f"{field.label}: at most {TEXT_MAX_CHARS} characters")
        if answer:
            cleaned[field.id] = answer
        elif field.required:
            raise ServiceError(field.id, f"{field.label}: this must be answered")
    if not cleaned:
        raise ServiceError(kind.fields[0].id, f"{kind.label}: write at least one answer")
    return cleaned


def _date_of_item(on: date, today: date) -> None:
    if on > today:
        raise ServiceError("on", "The date cannot be in the future")


def _refuse_attachments(kind: Kind, attachments: Sequence[str]) -> None:
    if attachments:
        raise ServiceError("attachment", kind.no_upload or NO_UPLOAD)


def _linked_session(kind: Kind, subject: Person, session: Session | None) -> Session | None:
    if session is None:
        return None
    if not kind.links_session:
        raise ServiceError("session", f"{kind.label}: not linked to a session")
    if session.supervisee_id != subject.pk or session.status != Session.Status.PLANNED:
        raise ServiceError("session", f"Choose a planned session of {subject.name}'s")
    return session


def _audit(by: Person, action: str, item: FileItem, standing: str, **detail: Any) -> None:
    audit_event(
        actor=by,
        action=f"{AUDIT}.{action}",
        obj=item,
        organisation_id=item.organisation_id,
        acting_as=standing,
        detail={"person": item.person_id, "kind": item.kind, "confidential": item.confidential, **detail},
    )
    # The item may be a file event the obligation engine counts (a self-care plan made or
    # reviewed, objectives set): the person's obligations are refreshed when this commits.
    touch_people([item.person_id])


# --- writing -------------------------------------------------------------------------------------


def _new_item(
    *, subject: Person, kind: Kind, by: Person, on: date, content: dict[str, Any], today: date, **links: Any
) -> FileItem:
    now = timezone.now()
    item = FileItem.objects.create(
        organisation_id=subject.organisation_id,
        person=subject,
        kind=kind.id,
        part=kind.part,
        on=on,
        content=content,
        confidential=kind.confidential,
        created_by=by,
        created_at=now,
        updated_by=by,
        updated_at=now,
        **links,
    )
    FileItemVersion.objects.create(item=item, version=1, on=on, content=content, by=by, at=now, edited_on=today)
    return item


def item_create(
    *,
    subject: Person,
    kind_id: str,
    by: Person,
    on: date,
    content: Mapping[str, Any],
    session: Session | None = None,
    attachments: Sequence[str] = (),
    today: date | None = None,
) -> FileItem:
    """Write a new item of ``kind_id`` in ``subject``'s file. ``attachments`` names any file the
    request tried to attach: always refused, with the kind's reason."""
    today = today or timezone.localdate()
    kind = kind_of(subject, kind_id)
    if kind.action == "change_supervisor":
        raise ServiceError("kind", "A change of supervisor is recorded with the change itself")
    standing = _writer(kind, by, subject, today)
    _refuse_attachments(kind, attachments)
    _date_of_item(on, today)
    cleaned = clean_content(kind, content)
    linked = _linked_session(kind, subject, session)
    with transaction.atomic():
        item = _new_item(subject=subject, kind=kind, by=by, on=on, content=cleaned, today=today, session=linked)
        _audit(by, "create", item, standing, version=1, session=linked.pk if linked else None)
    return item


def item_edit(
    *,
    item: FileItem,
    by: Person,
    on: date,
    content: Mapping[str, Any],
    expected_version: int,
    session: Session | None = None,
    attachments: Sequence[str] = (),
    today: date | None = None,
) -> FileItem:
    """Save a new version of ``item``; the previous one stays in its history. Refused if someone
    else saved a version since ``expected_version`` was read. For a kind linked to sessions,
    ``session`` is the one it is linked to now (None: none)."""
    today = today or timezone.localdate()
    subject = item.person
    kind = kind_of(subject, item.kind)
    if kind.action == "change_supervisor":
        raise ServiceError("__all__", "A change of supervisor is not edited: it has happened")
    standing = _writer(kind, by, subject, today)
    _refuse_attachments(kind, attachments)
    _date_of_item(on, today)
    cleaned = clean_content(kind, content)
    session_id = item.session_id  # kept where it has been held since it was linked
    if kind.links_session and (session is None or session.pk != item.session_id):
        linked = _linked_session(kind, subject, session)
        session_id = linked.pk if linked is not None else None
    with transaction.atomic():
        locked = FileItem.objects.select_for_update().filter(pk=item.pk, version=expected_version).first()
        if locked is None:
            raise ServiceError("__all__", "Someone else saved this item since you opened it: open it again to see it")
        if locked.closed_on is not None:
            raise ServiceError("__all__", "This item is closed")
        changed = sorted(k for k in {*cleaned, *locked.content} if cleaned.get(k) != locked.content.get(k))
        if not changed and locked.on == on and locked.session_id == session_id:
            raise ServiceError("__all__", "Nothing has changed")
        locked.version += 1
        locked.on, locked.content, locked.session_id = on, cleaned, session_id
        locked.updated_by, locked.updated_at = by, timezone.now()
        locked.save(update_fields=["version", "on", "content", "session", "updated_by", "updated_at"])
        FileItemVersion.objects.create(
            item=locked, version=locked.version, on=on, content=cleaned, by=by, at=locked.updated_at, edited_on=today
        )
        _audit(by, "edit", locked, standing, version=locked.version, changed=changed)
    return locked


def _event_day(item: FileItem, on: date, today: date) -> None:
    _date_of_item(on, today)
    if on < item.on:
        raise ServiceError("on", f"The date cannot be before the item's own date, {_long(item.on)}")


def item_review(*, item: FileItem, by: Person, on: date, note: str, today: date | None = None) -> FileItemEvent:
    """Record a review of ``item``: a dated event with a note (progress, what changed)."""
    today = today or timezone.localdate()
    kind = kind_of(item.person, item.kind)
    if not kind.reviewable:
        raise ServiceError("__all__", f"{kind.label}: not reviewed")
    standing = _writer(kind, by, item.person, today, kind.who_reviews)
    _event_day(item, on, today)
    note = note.strip()
    if not note:
        raise ServiceError("note", "Write what the review found")
    if len(note) > TEXT_MAX_CHARS:
        raise ServiceError("note", f"At most {TEXT_MAX_CHARS} characters")
    with transaction.atomic():
        locked = FileItem.objects.select_for_update().get(pk=item.pk)
        if locked.closed_on is not None:
            raise ServiceError("__all__", "This item is closed")
        event = FileItemEvent.objects.create(
            item=locked, kind=FileItemEvent.REVIEW, on=on, note=note, by=by, at=timezone.now()
        )
        _audit(by, "review", locked, standing, on=on.isoformat())
    return event


def item_step(
    *, item: FileItem, by: Person, step_id: str, on: date, note: str = "", today: date | None = None
) -> FileItemEvent:
    """Record one of the kind's steps on ``item`` (once each); a closing step closes it."""
    today = today or timezone.localdate()
    kind = kind_of(item.person, item.kind)
    step = kind.step(step_id)
    if step is None:
        raise ServiceError("step", f"{kind.label}: no such step")
    standing = _writer(kind, by, item.person, today, step.by)
    _event_day(item, on, today)
    if len(note) > TEXT_MAX_CHARS:
        raise ServiceError("note", f"At most {TEXT_MAX_CHARS} characters")
    with transaction.atomic():
        locked = FileItem.objects.select_for_update().get(pk=item.pk)
        if not may_take_step(step, locked, standing, today):
            raise ServiceError("__all__", f"{step.label} is already recorded, or the item is closed")
        event = FileItemEvent.objects.create(
            item=locked, kind=step.id, on=on, note=note.strip(), by=by, at=timezone.now()
        )
        if step.closes:
            locked.closed_on = on
            locked.save(update_fields=["closed_on"])
        _audit(by, f"step.{step.id}", locked, standing, on=on.isoformat(), closes=step.closes)
    return event


def change_of_supervisor_record(
    *,
    relationship: Relationship,
    by: Person,
    new_supervisor: Person,
    on: date,
    content: Mapping[str, Any],
    kind_id: str = "change_of_supervisor",
    today: date | None = None,
) -> FileItem:
    """Record an agreed change of supervisor with the evidence of what was tried, and make the
    change: the relationship ends the day before ``on`` and the new one starts on ``on``
    (oversight.supervision.services.relationship_change_supervisor), all in one transaction."""
    today = today or timezone.localdate()
    subject = relationship.supervisee
    kind = kind_of(subject, kind_id)
    if kind.action != "change_supervisor":
        raise ServiceError("kind", f"{kind.label}: does not change the supervisor")
    standing = _writer(kind, by, subject, today)
    if not policy.may(Viewer.for_person(by, today), "change", relationship):
        raise ServiceError("relationship", "You are not above this supervisor in line management")
    if relationship.end is not None:
        raise ServiceError("relationship", "This supervision has already ended")
    cleaned = clean_content(kind, content)
    with transaction.atomic():
        started = relationship_change_supervisor(relationship=relationship, by=by, new_supervisor=new_supervisor, on=on)
        item = _new_item(
            subject=subject,
            kind=kind,
            by=by,
            on=today,
            content=cleaned,
            today=today,
            relationship=started,
            previous_relationship=relationship,
        )
        _audit(
            by,
            "change_supervisor",
            item,
            standing,
            previous_supervisor=relationship.supervisor_id,
            new_supervisor=new_supervisor.pk,
            starts=on.isoformat(),
        )
    return item
