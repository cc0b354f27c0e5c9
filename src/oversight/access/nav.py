"""Navigation links shown only to some people, asked once a day per sign-in session.

Whether someone gets a link (the dashboards, quality assurance, capacity planning ...) is a
question about their standing that costs a query or two. It is not asked on every page: the
answer is kept in the session, written when they sign in and again the first time a page is
drawn on a later day (or for another person). Each app declares its link once::

    DASHBOARDS = ConditionalNavLink("dashboards.nav", has_dashboards, "dashboards:index",
                                    "Dashboards", "dashboards")

connects ``DASHBOARDS.remember_at_sign_in`` to ``user_logged_in`` in its AppConfig.ready, and
draws it from an inclusion tag returning ``DASHBOARDS.context(context)``. The page the link
leads to still asks the access policy itself: the link is a convenience, never a permission.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone

from oversight.people.models import Person


@dataclass(frozen=True)
class ConditionalNavLink:
    session_key: str  # request.session[session_key] = {"on": ISO date, "person": pk, "show": bool}
    question: Callable[[Person], bool]
    url_name: str
    text: str
    section: str

    def remember(self, request: HttpRequest, person: Person) -> bool:
        show = bool(self.question(person))
        request.session[self.session_key] = {"on": timezone.localdate().isoformat(), "person": person.pk, "show": show}
        return show

    def remember_at_sign_in(self, sender: Any, request: HttpRequest | None, user: Any, **kwargs: Any) -> None:
        """``user_logged_in``: answer the question while signing in, so pages need not."""
        person = getattr(user, "person", None) if user is not None else None
        if request is not None and person is not None and hasattr(request, "session"):
            self.remember(request, person)

    def shows(self, request: HttpRequest) -> bool:
        user = getattr(request, "user", None)
        person = getattr(user, "person", None) if user is not None and user.is_authenticated else None
        if person is None or not hasattr(request, "session"):
            return False
        kept = request.session.get(self.session_key) or {}
        if kept.get("on") == timezone.localdate().isoformat() and kept.get("person") == person.pk:
            return bool(kept.get("show"))
        return self.remember(request, person)

    def context(self, context: Any) -> dict[str, Any]:
        """The inclusion tag's context for ``includes/conditional_nav_item.html``."""
        request = context.get("request")
        show = request is not None and self.shows(request)
        return {
            "request": request,
            "nav_section": context.get("nav_section"),
            "href": reverse(self.url_name) if show else "",
            "text": self.text,
            "section": self.section,
            "show": show,
        }
