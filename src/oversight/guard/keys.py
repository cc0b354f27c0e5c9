"""The key the guard hashes children's names with: derived from SECRET_KEY (HMAC with a fixed
label), so it is never stored and a database copy alone cannot be tested against a list of names.
Rotating SECRET_KEY makes the stored hashes unmatchable: import the caseload again."""

from __future__ import annotations

import hashlib
import hmac

from django.conf import settings

_LABEL = b"oversight.guard: children's names, v1"


def guard_key() -> bytes:
    return hmac.new(settings.SECRET_KEY.encode("utf-8"), _LABEL, hashlib.sha256).digest()
