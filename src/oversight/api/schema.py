"""The OpenAPI schema (drf-spectacular), with the errors every operation can answer."""

from __future__ import annotations

from typing import Any

from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.openapi import AutoSchema

# Errors are JSON objects: {"detail": "..."} or {"<field or parameter>": ["...", ...]}.
ERROR_BODY = {
    "type": "object",
    "additionalProperties": True,
    "description": '{"detail": "..."}, or {"<field or parameter>": ["why", ...]} for a 400',
}
ERRORS = {
    "400": "A field, parameter or state the request got wrong, named in the body",
    "401": "An API token that is unknown, revoked or expired",
    "403": "An API token without the scope this method needs (read for GET, write for POST)",
    "404": "Not found, or not yours to see: the two are never told apart",
}


class ApiAutoSchema(AutoSchema):
    def _get_response_bodies(self, direction: Any = "response") -> dict[str, Any]:
        responses: dict[str, Any] = super()._get_response_bodies(direction)
        for code, description in ERRORS.items():
            responses.setdefault(
                code, {"description": description, "content": {"application/json": {"schema": ERROR_BODY}}}
            )
        return responses


class ApiTokenScheme(OpenApiAuthenticationExtension):
    target_class = "oversight.api.authentication.ApiTokenAuthentication"
    name = "token"

    def get_security_definition(self, auto_schema: Any) -> dict[str, Any]:
        return {
            "type": "apiKey",
            "in": "header",
            "name": "Authorization",
            "description": "'Token <key>', a key from `oversight api_token create` (scopes: read for GET, write for POST)",
        }
