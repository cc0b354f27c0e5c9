"""``{% dashboards_nav %}``: the navigation link to the dashboards, for people who have one.

Whether someone has a dashboard is asked once a day per sign-in session, not on every page:
the answer is kept in the session, written when they sign in (``remember_at_sign_in``) and
again the first time a page is drawn on a later day. The question is one query: the viewer
supervises someone now, line-manages someone, or holds a quality-assurance or senior-manager
capability. The index then lists exactly what the access policy gives
(oversight.dashboards.scope), and answers 404 where that is nothing.
"""

from __future__ import annotations

from typing import Any

from django import template
from django.db.models import Exists, OuterRef, Q
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone

from oversight.access.models import StaffCapability
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


def remember(request: HttpRequest, person: Person) -> bool:
    show = has_dashboards(person)
    request.session[SESSION_KEY] = {"on": timezone.localdate().isoformat(), "person": person.pk, "show": show}
    return show


def remember_at_sign_in(sender: Any, request: HttpRequest | None, user: Any, **kwargs: Any) -> None:
    """``user_logged_in``: answer the question while signing in, so pages need not."""
    person = getattr(user, "person", None) if user is not None else None
    if request is not None and person is not None and hasattr(request, "session"):
        remember(request, person)


def shows_link(request: HttpRequest) -> bool:
    user = getattr(request, "user", None)
    person = getattr(user, "person", None) if user is not None and user.is_authenticated else None
    if person is None or not hasattr(request, "session"):
        return False
    kept = request.session.get(SESSION_KEY) or {}
    if kept.get("on") == timezone.localdate().isoformat() and kept.get("person") == person.pk:
        return bool(kept.get("show"))
    return remember(request, person)


@register.inclusion_tag("dashboards/nav_item.html", takes_context=True)
def dashboards_nav(context: Any) -> dict[str, Any]:
    request = context.get("request")
    show = request is not None and shows_link(request)
    return {
        "request": request,
        "nav_section": context.get("nav_section"),
        "href": reverse("dashboards:index") if show else "",
        "text": "Dashboards",
        "section": "dashboards",
        "show": show,
    }
