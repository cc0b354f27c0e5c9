"""The person's own supervision sessions and their records (sections, actions, addenda) as
plain JSON values, redacted as they are read; agreements share the section order."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from django.utils import timezone

from oversight.records.models import Record
from oversight.sessions.models import Session

from .redaction import CHILD_SECTION, Redactor


def _sections(template: Any, content: dict[str, Any], redactor: Redactor, path: str) -> list[dict[str, Any]]:
    """A record's or agreement's sections in the template's order, then any the template no longer has."""
    known = {s.id: s for s in template.sections} if template is not None else {}
    order = [s.id for s in template.sections if s.id in content] if template is not None else []
    order += [key for key in content if key not in known]
    out = []
    for key in order:
        section = known.get(key)
        text = str(content.get(key) or "")
        where = f"{path}.{key}"
        if section is not None and section.per_child:
            text = redactor.whole(text, where, CHILD_SECTION)
        else:
            text = redactor.text(text, where)
        out.append({"id": key, "title": section.title if section is not None else key, "text": text})
    return out


def _iso(value: date | datetime | None) -> str | None:
    if value is None:
        return None
    if isinstance(value, datetime):
        return timezone.localtime(value).isoformat(timespec="seconds")
    return value.isoformat()


def _record(record: Record, pack: Any, redactor: Redactor, path: str) -> dict[str, Any]:
    return {
        "id": record.pk,
        "template": record.template_id,
        "status": record.status,
        "shared_on": _iso(record.shared_on),
        "agreed_on": _iso(record.agreed_on),
        "agreed_by_silence": record.deemed_agreed,
        "disputed_on": _iso(record.disputed_on),
        "finalised_at": _iso(record.finalised_at),
        "sections": _sections(pack.template(record.template_id), record.content or {}, redactor, f"{path}.sections"),
        "supervisee_view": redactor.text(record.supervisee_view, f"{path}.supervisee_view"),
        "escalated_to": redactor.person(record.escalated_to, f"{path}.escalated_to"),
        "escalated_at": _iso(record.escalated_at),
        "escalation_outcome": redactor.text(record.escalation_outcome, f"{path}.escalation_outcome"),
        "actions": [
            {
                "text": redactor.text(a.text, f"{path}.actions[{i}].text"),
                "owner": redactor.person(a.owner, f"{path}.actions[{i}].owner"),
                "due": _iso(a.due),
                "works_when": redactor.text(a.works_when, f"{path}.actions[{i}].works_when"),
                "done_on": _iso(a.done_on),
            }
            for i, a in enumerate(record.actions.all())
        ],
        "addenda": [
            {
                "author": redactor.person(a.author, f"{path}.addenda[{i}].author"),
                "created_at": _iso(a.created_at),
                "reason": redactor.text(a.reason, f"{path}.addenda[{i}].reason"),
                "text": redactor.text(a.text, f"{path}.addenda[{i}].text"),
            }
            for i, a in enumerate(record.addenda.all())
        ],
    }


def _record_of(session: Session) -> Record | None:
    try:
        return session.record
    except Record.DoesNotExist:
        return None


def _session(session: Session, pack: Any, redactor: Redactor, path: str) -> dict[str, Any]:
    record = _record_of(session)
    return {
        "id": session.pk,
        "kind": session.get_kind_display(),
        "date": _iso(session.date),
        "start_time": session.start_time.isoformat(timespec="minutes") if session.start_time else None,
        "duration_minutes": session.duration_minutes,
        "place": redactor.text(session.place, f"{path}.place"),
        "video": session.video,
        "status": session.status,
        "supervisor": redactor.person(session.supervisor, f"{path}.supervisor"),
        "observer": redactor.person(session.observer, f"{path}.observer"),
        "cancelled_on": _iso(session.cancelled_on),
        "cancelled_by": redactor.person(session.cancelled_by, f"{path}.cancelled_by"),
        "cancel_reason": session.cancel_reason,
        "cancel_detail": redactor.text(session.cancel_detail, f"{path}.cancel_detail"),
        "return_to_work": _iso(session.return_to_work),
        "late_reason": redactor.text(session.late_reason, f"{path}.late_reason"),
        "record": _record(record, pack, redactor, f"{path}.record") if record is not None else None,
    }
