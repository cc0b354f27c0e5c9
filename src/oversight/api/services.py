"""Creating and revoking API tokens. Each writes its audit row in the same transaction."""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone

from oversight.audit.services import audit_event
from oversight.errors import ServiceError

from .models import SCOPES, ApiToken

KEY_PREFIX = "ovs_"
MAX_DAYS = 366  # a token lives at most a year: integrations renew, nothing lasts for ever


def hash_key(key: str) -> str:
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


def _organisation_of(user: Any) -> int | None:
    person = getattr(user, "person", None)
    return person.organisation_id if person is not None else None


def api_token_create(
    *, user: Any, name: str, scopes: Iterable[str], days: int, by: Any = None, now: datetime | None = None
) -> tuple[ApiToken, str]:
    """A new token for ``user`` and its key (shown once: only the hash is kept)."""
    scopes = sorted(set(scopes))
    if not scopes:
        raise ServiceError("scopes", "Give at least one scope: read, write")
    unknown = [s for s in scopes if s not in SCOPES]
    if unknown:
        raise ServiceError("scopes", f"Unknown scope {unknown[0]!r}: choose from read, write")
    if not 1 <= days <= MAX_DAYS:
        raise ServiceError("days", f"A token lasts from 1 to {MAX_DAYS} days")
    if not name.strip():
        raise ServiceError("name", "Say what the token is for")
    if not user.is_active:
        raise ServiceError("user", f"{user.get_username()} cannot sign in, so cannot hold a token")
    now = now or timezone.now()
    key = KEY_PREFIX + secrets.token_urlsafe(32)
    with transaction.atomic():
        token = ApiToken.objects.create(
            user=user,
            name=name.strip()[:200],
            prefix=key[: len(KEY_PREFIX) + 6],
            key_hash=hash_key(key),
            scopes=scopes,
            created_at=now,
            expires_at=now + timedelta(days=days),
        )
        audit_event(
            actor=by,
            action="api_token.create",
            obj=token,
            organisation_id=_organisation_of(user),
            detail={"user": user.pk, "scopes": scopes, "days": days},
        )
    return token, key


def api_token_revoke(*, token: ApiToken, by: Any = None, now: datetime | None = None) -> ApiToken:
    """Revoke a live token; a revoked one stays revoked (and says so)."""
    now = now or timezone.now()
    with transaction.atomic():
        updated = ApiToken.objects.filter(pk=token.pk, revoked_at__isnull=True).update(revoked_at=now)
        if updated != 1:
            raise ServiceError("__all__", f"{token} is already revoked")
        token.refresh_from_db()
        audit_event(actor=by, action="api_token.revoke", obj=token, organisation_id=_organisation_of(token.user))
    return token
