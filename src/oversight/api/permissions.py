"""Who gets an answer at all. What each caller may see and do is the access policy's
(oversight.access): this only turns away callers with no standing anywhere (404, as the pages
do) and tokens without the scope a method needs (403: the token, not the object, is refused)."""

from __future__ import annotations

from typing import Any

from rest_framework import exceptions, permissions
from rest_framework.request import Request

from .access import api_viewer
from .models import ApiToken


def scope_for(method: str) -> str:
    return "read" if method in permissions.SAFE_METHODS else "write"


class PolicyPermission(permissions.BasePermission):
    def has_permission(self, request: Request, view: Any) -> bool:
        user = request.user
        if user is None or not user.is_authenticated:
            raise exceptions.NotFound()
        token = request.auth if isinstance(request.auth, ApiToken) else None
        scope = scope_for(request.method or "GET")
        if token is not None and not token.allows(scope):
            raise exceptions.PermissionDenied(f"This API token does not have the '{scope}' scope")
        api_viewer(request)  # 404 for a sign-in with no staff record and no live grant
        return True
