"""Sessions that end after SESSION_COOKIE_AGE (30 minutes) without a request.

Django's database sessions with a sliding expiry: a request pushes the expiry a full
SESSION_COOKIE_AGE ahead again, but writes the session only when the expiry was last pushed
more than a minute ago. SESSION_SAVE_EVERY_REQUEST would do the same with a write (a
transaction) on every page view, which on SQLite turns every read into a write.
The timeout is therefore 30 minutes to within a minute. SESSION_ENGINE names this module.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.contrib.sessions.backends.db import SessionStore as DatabaseSessionStore
from django.utils import timezone

REFRESH_AFTER = timedelta(minutes=1)


def _due_for_refresh(expire_date: datetime) -> bool:
    """True when the expiry was last pushed more than REFRESH_AFTER ago."""
    last_pushed = expire_date - timedelta(seconds=settings.SESSION_COOKIE_AGE)
    return timezone.now() - last_pushed >= REFRESH_AFTER


class SessionStore(DatabaseSessionStore):
    # Django's private hooks (django/contrib/sessions/backends/db.py), absent from django-stubs.
    def _get_session_from_db(self) -> Any:
        session = super()._get_session_from_db()  # type: ignore[misc]
        if session is not None and _due_for_refresh(session.expire_date):
            self.modified = True  # SessionMiddleware saves it, with a new expiry and cookie
        return session

    async def _aget_session_from_db(self) -> Any:
        session = await super()._aget_session_from_db()  # type: ignore[misc]
        if session is not None and _due_for_refresh(session.expire_date):
            self.modified = True
        return session
