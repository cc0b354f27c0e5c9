"""Who is calling: an API token (integrations) or the browser's signed-in session (with CSRF).

``Authorization: Token <key>`` (or ``Bearer <key>``). A key that is unknown, revoked or expired
gets a 401 saying which, so an integration knows to renew; a request with no credentials at
all is an outsider like any other and gets a 404 (oversight.api.permissions).
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.utils import timezone
from rest_framework import authentication, exceptions
from rest_framework.request import Request

from .models import ApiToken
from .services import hash_key

KEYWORDS = (b"token", b"bearer")
LAST_USED_EVERY = timedelta(minutes=1)  # write last_used_at at most once a minute per token


class ApiTokenAuthentication(authentication.BaseAuthentication):
    def authenticate(self, request: Request) -> tuple[Any, ApiToken] | None:
        words = authentication.get_authorization_header(request).split()
        if not words or words[0].lower() not in KEYWORDS:
            return None
        if len(words) != 2:
            raise exceptions.AuthenticationFailed("Give the token as 'Authorization: Token <key>'")
        try:
            key = words[1].decode("ascii")
        except UnicodeDecodeError:
            raise exceptions.AuthenticationFailed("Unknown API token") from None
        token = ApiToken.objects.select_related("user").filter(key_hash=hash_key(key)).first()
        if token is None:
            raise exceptions.AuthenticationFailed("Unknown API token")
        now = timezone.now()
        if token.revoked_at is not None and token.revoked_at <= now:
            raise exceptions.AuthenticationFailed("This API token has been revoked")
        if token.expires_at <= now:
            raise exceptions.AuthenticationFailed(
                f"This API token expired on {timezone.localtime(token.expires_at):%d %B %Y}"
            )
        if not token.user.is_active:
            raise exceptions.AuthenticationFailed("This API token's user can no longer sign in")
        if token.last_used_at is None or now - token.last_used_at >= LAST_USED_EVERY:
            ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
            token.last_used_at = now
        return token.user, token

    def authenticate_header(self, request: Request) -> str:
        return 'Token realm="oversight"'
