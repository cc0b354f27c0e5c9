"""Pieces of the supervision file shown on other apps' pages: the file's items by part on the
person's page (``{% supervision_file_section subject %}``) and the supervisee's preparation on a
session's page (``{% session_preparation session %}``). Each reads as the signed-in viewer, through
oversight.files.access, and shows nothing to a viewer without a standing on the file."""

from __future__ import annotations

from typing import Any

from django import template

from oversight.access.reach import Viewer
from oversight.people.models import Person
from oversight.sessions.models import Session

from ..access import may_write, standing_on_file
from ..kinds import kinds_for
from ..selectors import file_by_part, preparation_summary

register = template.Library()
SHOWN_PER_PART = 5


def _viewer(context: template.Context) -> Viewer | None:
    request = context.get("request")
    if request is None or not request.user.is_authenticated:
        return None
    return Viewer.for_request(request)


@register.inclusion_tag("files/includes/file_section.html", takes_context=True)
def supervision_file_section(context: template.Context, subject: Person) -> dict[str, Any]:
    viewer = _viewer(context)
    standing = standing_on_file(viewer, subject) if viewer is not None else None
    if viewer is None or standing is None:
        return {"shown": False}
    parts = file_by_part(viewer, subject, standing)
    for entry in parts:
        entry.more = max(0, len(entry.rows) - SHOWN_PER_PART)
        entry.rows = entry.rows[:SHOWN_PER_PART]
    return {"shown": True, "subject": subject, "parts": parts, "writes": any(p.can_add for p in parts)}


@register.inclusion_tag("files/includes/session_preparation.html", takes_context=True)
def session_preparation(context: template.Context, session: Session) -> dict[str, Any]:
    viewer = _viewer(context)
    subject = session.supervisee
    if viewer is None or subject is None:
        return {"shown": False}
    standing = standing_on_file(viewer, subject)
    if standing is None:
        return {"shown": False}
    preparation = preparation_summary(viewer, subject, standing, session)
    kind = next((k for k in kinds_for(subject.organisation).kinds if k.links_session), None)
    planned = session.status == Session.Status.PLANNED
    can_write = planned and kind is not None and preparation is None and may_write(kind, standing, subject, viewer.on)
    return {
        "shown": preparation is not None or can_write,
        "subject": subject,
        "session": session,
        "preparation": preparation,
        "kind": kind,
        "can_write": can_write,
    }
