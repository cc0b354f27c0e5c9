"""Single sign-on through the council's OpenID Connect provider (mozilla-django-oidc).

Only people who already have an active Oversight sign-in are let in, matched by the email
address on their user; nobody is created. The ID token must come from the configured issuer
(the council's own tenant, for Entra ID) and be meant for Oversight: mozilla-django-oidc
checks the signature and the nonce, this backend adds the audience and issuer checks.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.exceptions import SuspiciousOperation
from django.db.models import QuerySet
from mozilla_django_oidc.auth import OIDCAuthenticationBackend


class CouncilOIDCBackend(OIDCAuthenticationBackend):
    def verify_token(self, token: str, **kwargs: Any) -> dict[str, Any]:
        payload: dict[str, Any] = super().verify_token(token, **kwargs)
        audience = payload.get("aud")
        audiences = audience if isinstance(audience, list) else [audience]
        if settings.OIDC_RP_CLIENT_ID not in audiences:
            raise SuspiciousOperation("ID token is not for this client")
        if payload.get("iss") != settings.OIDC_OP_ISSUER:
            raise SuspiciousOperation("ID token is from another issuer")
        return payload

    def verify_claims(self, claims: dict[str, Any]) -> bool:
        # A provider that says the address is unverified is not trusted with it.
        return bool(claims.get("email")) and claims.get("email_verified", True) is not False

    def filter_users_by_claims(self, claims: dict[str, Any]) -> QuerySet[Any]:
        return super().filter_users_by_claims(claims).filter(is_active=True)

    def get_user(self, user_id: int) -> Any:
        user = super().get_user(user_id)
        return user if user is not None and user.is_active else None
