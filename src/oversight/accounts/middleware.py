"""Hold people who need a second factor at the two-factor pages until they give one."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse

from .second_factor import confirmed_device, is_verified, second_factor_required

# Pages open before the second factor: signing in and out, and the two-factor pages themselves.
# (Static files never get here: WhiteNoise answers them first.)
EXEMPT_URL_NAMES = frozenset(
    {
        "login",
        "logout",
        "two_factor_setup",
        "two_factor_verify",
        "oidc_authentication_init",
        "oidc_authentication_callback",
    }
)


class SecondFactorMiddleware:
    """After ``OTPMiddleware``. When ``OVERSIGHT_REQUIRE_2FA`` is on, a signed-in user who
    needs a second factor (``second_factor_required``) and has not given one in this session
    is sent to set one up, or to enter a code, before any other page."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(self, request: HttpRequest, view: Any, args: Any, kwargs: Any) -> HttpResponse | None:
        if not settings.OVERSIGHT_REQUIRE_2FA:
            return None
        match = request.resolver_match
        if match is not None and match.url_name in EXEMPT_URL_NAMES:
            return None
        user = request.user
        if not user.is_authenticated or is_verified(user) or not second_factor_required(user):
            return None
        step = "two_factor_verify" if confirmed_device(user) is not None else "two_factor_setup"
        url = reverse(step)
        if request.method == "GET" and request.get_full_path() != settings.LOGIN_REDIRECT_URL:
            url += "?" + urlencode({"next": request.get_full_path()})
        if request.headers.get("HX-Request"):
            # An htmx request would swap the two-factor page into a fragment: send the whole page there.
            response = HttpResponse(status=204)
            response["HX-Redirect"] = url
            return response
        return HttpResponseRedirect(url)
