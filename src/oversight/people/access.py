"""Who may see whose supervision file: one policy answers both "may this person
see this file" and "which files may this person see".

Supervision records are private but not confidential (Leeds 4.16): the
supervisee, their current supervisors, and the line-management chain above a
current supervisor (Bristol 5.9). A previous supervisor loses access when the
relationship ends (Leeds 4.12). Everyone else gets a 404, never a hint.
"""

from __future__ import annotations

from datetime import date

from django.db.models import Q, QuerySet
from django.http import Http404

from oversight.supervision.models import Relationship

from .models import Person


def _reports_below(viewer: Person) -> set[int]:
    """Everyone under ``viewer`` in the line-management tree (cycles cut)."""
    children: dict[int, list[int]] = {}
    for pk, manager in Person.objects.filter(organisation_id=viewer.organisation_id).values_list("pk", "line_manager"):
        if manager is not None:
            children.setdefault(manager, []).append(pk)
    below: set[int] = set()
    frontier = [viewer.pk]
    while frontier:
        current = frontier.pop()
        for child in children.get(current, []):
            if child not in below and child != viewer.pk:
                below.add(child)
                frontier.append(child)
    return below


def _active(on: date) -> Q:
    return Q(start__lte=on) & (Q(end__isnull=True) | Q(end__gte=on))


def visible_people(viewer: Person, on: date) -> QuerySet[Person]:
    """The people whose supervision file ``viewer`` may open on ``on``."""
    supervisors = {viewer.pk} | _reports_below(viewer)
    supervised = Relationship.objects.filter(
        _active(on), organisation_id=viewer.organisation_id, supervisor_id__in=supervisors
    ).values_list("supervisee_id", flat=True)
    return Person.objects.filter(organisation_id=viewer.organisation_id).filter(
        Q(pk=viewer.pk) | Q(pk__in=list(supervised))
    )


def acting_as(viewer: Person, subject: Person, on: date) -> str | None:
    """Why ``viewer`` may see ``subject``'s file ('self', 'supervisor', 'line management'), or None."""
    if viewer.organisation_id != subject.organisation_id:
        return None
    if viewer.pk == subject.pk:
        return "self"
    current = Relationship.objects.filter(_active(on), supervisee=subject)
    supervisor_ids = set(current.values_list("supervisor_id", flat=True))
    if viewer.pk in supervisor_ids:
        return "supervisor"
    below = _reports_below(viewer)
    if supervisor_ids & below:
        return "line management"
    return None


def get_person_for(viewer: Person, pk: int, on: date) -> tuple[Person, str]:
    """Fetch-and-check in one call: the person and the viewer's standing, or 404."""
    subject = Person.objects.filter(pk=pk, organisation_id=viewer.organisation_id).first()
    standing = acting_as(viewer, subject, on) if subject is not None else None
    if subject is None or standing is None:
        raise Http404("No such person")
    return subject, standing
