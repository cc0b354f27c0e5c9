"""``{% dashboards_nav %}``: the navigation link to the dashboards, for people who have one.

Whether someone has a dashboard is asked once a day per sign-in session, not on every page:
the answer is kept in the session (oversight.access.nav). The question is one query: the viewer
supervises someone now, line-manages someone, or holds a quality-assurance or senior-manager
capability. The index then lists exactly what the access policy gives
(oversight.dashboards.scope), and answers 404 where that is nothing.
"""

from __future__ import annotations

from typing import Any

from django import template
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from oversight.access.models import StaffCapability
from oversight.access.nav import ConditionalNavLink
from oversight.access.reach import active_on
from oversight.people.models import Person
from oversight.supervision.models import Relationship

register = template.Library()

SESSION_KEY = "dashboards.nav"  # request.session: {"on": ISO date, "person": pk, "show": bool}


def has_dashboards(person: Person) -> bool:
    now = timezone.now()
    today = timezone.localdate(now)
    supervises = Relationship.objects.filter(active_on(today), supervisor_id=OuterRef("pk"))
    manages = Person.objects.filter(line_manager_id=OuterRef("pk"))
    capable = StaffCapability.objects.filter(
        person_id=OuterRef("pk"), capability__in=["qa", "senior_manager"], created__lte=now
    ).filter(Q(revoked_at__isnull=True) | Q(revoked_at__gt=now))
    return (
        Person.objects.filter(pk=person.pk)
        .filter(Q(Exists(supervises)) | Q(Exists(manages)) | Q(Exists(capable)))
        .exists()
    )


LINK = ConditionalNavLink(SESSION_KEY, has_dashboards, "dashboards:index", "Dashboards", "dashboards")


@register.inclusion_tag("includes/conditional_nav_item.html", takes_context=True)
def dashboards_nav(context: Any) -> dict[str, Any]:
    return LINK.context(context)
