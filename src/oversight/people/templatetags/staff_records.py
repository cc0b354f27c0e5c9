"""{% staff_standing me subject as manage %}: the staff-record policy of oversight.people.staff_views,
for pages (the supervision file) that link to the staff-record pages only for those allowed."""

from __future__ import annotations

from django import template
from django.utils import timezone

from oversight.access.reach import Viewer
from oversight.people.models import Person
from oversight.people.staff_views import staff_standing as _staff_standing

register = template.Library()


@register.simple_tag(takes_context=True)
def staff_standing(context: template.Context, viewer: object, subject: Person) -> str | None:
    """'line management', 'supervisor' or None, as the staff-record pages decide. A viewer
    without a staff record (an inspector, say) manages no one's. The request's own viewer is
    used where it is the same person, so that its reach is not worked out a second time."""
    if not isinstance(viewer, Person):
        return None
    request = context.get("request")
    who: Person | Viewer = viewer
    if request is not None and getattr(request, "user", None) is not None:
        current = Viewer.for_request(request)
        if current.person is not None and current.person.pk == viewer.pk:
            who = current
    return _staff_standing(who, subject, timezone.localdate())  # type: ignore[arg-type]
