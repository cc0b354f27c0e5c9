"""The address a request came from, as django-axes counts failed sign-ins by it."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest


def client_ip(request: HttpRequest) -> str:
    """REMOTE_ADDR, unless OVERSIGHT_TRUSTED_PROXIES says N proxies stand in front: then the
    address the outermost of them saw, N from the right of X-Forwarded-For. Entries further
    left were written by the client and could be anything, so they are never used."""
    remote = request.META.get("REMOTE_ADDR", "")
    proxies = settings.TRUSTED_PROXIES
    if not proxies:
        return remote
    forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
    if len(forwarded) < proxies:
        return remote  # not through the expected proxies: count it by the address that reached us
    return forwarded[-proxies]
