"""Where the current request comes from, for the audit trail's "from where"."""

from __future__ import annotations

from collections.abc import Callable
from contextvars import ContextVar

from django.conf import settings
from django.http import HttpRequest, HttpResponse

current_source_ip: ContextVar[str] = ContextVar("current_source_ip", default="")


def client_address(request: HttpRequest) -> str:
    """The connecting address; behind OVERSIGHT_TRUSTED_PROXIES proxies, the one they saw."""
    proxies = getattr(settings, "TRUSTED_PROXIES", 0)
    forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
    if proxies and len(forwarded) >= proxies:
        return forwarded[-proxies][:64]
    return str(request.META.get("REMOTE_ADDR", ""))[:64]


class SourceAddressMiddleware:
    """Makes the request's address available to audit_event for the length of the request."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        token = current_source_ip.set(client_address(request))
        try:
            return self.get_response(request)
        finally:
            current_source_ip.reset(token)
