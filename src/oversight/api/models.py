"""API tokens for integrations: the key is shown once and only its SHA-256 is kept.

A token acts as the user it belongs to (a member of staff through their staff record, or the
holder of a grant), with no more than that user could do in the browser: the access policy
(oversight.access) decides every read and write; the token's scopes can only narrow it.
"""

from __future__ import annotations

from datetime import datetime

from django.conf import settings
from django.db import models
from django.db.models import Q

SCOPES = ("read", "write")


class ApiToken(models.Model):
    """One integration's key. Expires by itself; revoked by hand; never stored in clear."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(max_length=200, help_text="What the token is for, e.g. 'LCS case-direction sync'.")
    prefix = models.CharField(max_length=12, help_text="The key's first characters, to tell tokens apart.")
    key_hash = models.CharField(max_length=64, unique=True, help_text="SHA-256 of the key, hex.")
    scopes = models.JSONField(default=list, help_text="Any of 'read' and 'write'.")
    created_at = models.DateTimeField()
    expires_at = models.DateTimeField()
    revoked_at = models.DateTimeField(null=True, blank=True)
    last_used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(condition=Q(expires_at__gt=models.F("created_at")), name="api_token_expires_later"),
        ]

    def __str__(self) -> str:
        return f"API token {self.prefix}… ({self.name})"

    def live_at(self, now: datetime) -> bool:
        return self.revoked_at is None and self.expires_at > now

    def allows(self, scope: str) -> bool:
        return scope in self.scopes
