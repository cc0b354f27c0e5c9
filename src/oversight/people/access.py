"""Who may see whose supervision file: the people-shaped questions, answered by the one access
policy in oversight.access (its docstrings say who stands where and why).

Supervision records are private but not confidential (Leeds 4.16): the supervisee, their
current supervisors for the kinds they supervise, the line-management chain above a current
supervisor (Bristol 5.9), and, read only, quality assurance in the person's service, HR for
leavers, and the holders of live inspector or investigator grants. A previous supervisor loses
access when the relationship ends (Leeds 4.12). Everyone else gets a 404, never a hint.

``viewer`` may be a Person or an ``oversight.access.standings.Viewer`` (a signed-in user,
perhaps without a staff record, as an inspector is).
"""

from __future__ import annotations

from datetime import date

from django.db.models import QuerySet

from oversight.access import policy
from oversight.access.reach import Viewer, reports_below
from oversight.access.standings import person_standing

from .models import Person


def _reports_below(viewer: Person) -> set[int]:
    """Everyone under ``viewer`` in the line-management tree (cycles cut)."""
    return reports_below(viewer)


def visible_people(viewer: Person | Viewer, on: date) -> QuerySet[Person]:
    """The people on ``viewer``'s working list on ``on``: themselves, the people they supervise,
    and the people supervised below them in line management. Read-only standings (quality
    assurance, HR, grants) open files through ``oversight.access.policy.visible`` instead."""
    return policy.supervision_people(Viewer.of(viewer, on))


def acting_as(viewer: Person | Viewer, subject: Person, on: date) -> str | None:
    """Why ``viewer`` may see ``subject``'s file on ``on`` ('self', 'supervisor', 'line
    management', 'investigator', 'inspector', 'qa', 'hr'), or None."""
    return person_standing(Viewer.of(viewer, on), subject)


def get_person_for(viewer: Person | Viewer, pk: int, on: date) -> tuple[Person, str]:
    """Fetch-and-check in one call: the person and the viewer's standing, or 404."""
    return policy.get_person_for(viewer, pk, on)
