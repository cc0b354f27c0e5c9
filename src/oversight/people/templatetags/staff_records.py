"""{% staff_standing me subject as manage %}: the staff-record policy of oversight.people.staff_views,
for pages (the supervision file) that link to the staff-record pages only for those allowed."""

from __future__ import annotations

from django import template
from django.utils import timezone

from oversight.people.models import Person
from oversight.people.staff_views import staff_standing as _staff_standing

register = template.Library()


@register.simple_tag
def staff_standing(viewer: object, subject: Person) -> str | None:
    """'line management', 'supervisor' or None, as the staff-record pages decide. A viewer
    without a staff record (an inspector, say) manages no one's."""
    if not isinstance(viewer, Person):
        return None
    return _staff_standing(viewer, subject, timezone.localdate())
