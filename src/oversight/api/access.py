"""The access policy's viewer for an API request (oversight.access.reach.Viewer).

Browser calls keep the purposes stated in their session, as the pages do. A token call has no
session: quality assurance and HR state the purpose on each read (``?purpose=``). Either way the
viewer is ``interactive``, so each read of one object writes its audit row (policy.check)."""

from __future__ import annotations

from typing import Any

from django.http import Http404
from django.utils import timezone
from rest_framework.request import Request

from oversight.access import policy
from oversight.access.reach import Viewer
from oversight.people.models import Person

from .models import ApiToken


def api_viewer(request: Request) -> Viewer:
    """The caller as the access policy sees them; 404 for a sign-in with no standing anywhere."""
    django_request = request._request
    cached = getattr(django_request, "_api_viewer", None)
    if cached is not None:
        return cached
    user = request.user
    token = request.auth if isinstance(request.auth, ApiToken) else None
    session: Any = {} if token is not None else django_request.session
    now = timezone.now()
    offered = request.query_params.get("purpose", "")
    viewer = Viewer(
        user=user,
        person=getattr(user, "person", None),
        on=timezone.localdate(now),
        now=now,
        session=session,
        offered_purpose=" ".join(offered.split())[:300],
    )
    if not viewer.known:
        raise Http404("This sign-in is not linked to a member of staff or a live grant")
    django_request._api_viewer = viewer  # type: ignore[attr-defined]
    return viewer


def acting_person(request: Request) -> Person:
    """The member of staff making a change (changes are made by staff only; a grant holder
    without a staff record reads and never writes): 404 for anyone else."""
    person = api_viewer(request).person
    if person is None:
        raise Http404("Only members of staff make changes")
    return person


def writer(request: Request) -> Viewer:
    """The acting member of staff as the policy's write paths take them (``Viewer.for_person``:
    the page's writes use the same; the service writes the audit row)."""
    return Viewer.for_person(acting_person(request))


__all__ = ["acting_person", "api_viewer", "policy", "writer"]
