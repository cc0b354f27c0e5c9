"""Errors as JSON, never a traceback: a refused change names its field (400), a file read by
quality assurance or HR without a purpose says so (400, ``purpose``), and anything the policy
hides is a plain 404."""

from __future__ import annotations

from typing import Any

from rest_framework import status
from rest_framework.response import Response
from rest_framework.views import exception_handler

from oversight.access.reach import PurposeRequired
from oversight.errors import ServiceError

NON_FIELD = "non_field_errors"  # what DRF calls an error of the whole request


def service_error_body(exc: ServiceError, fields: dict[str, str] | None = None) -> dict[str, list[str]]:
    field = NON_FIELD if exc.field == "__all__" else (fields or {}).get(exc.field, exc.field)
    return {field: [exc.message]}


def api_exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    if isinstance(exc, ServiceError):
        view = context.get("view")
        fields = getattr(view, "service_fields", None)
        return Response(service_error_body(exc, fields), status=status.HTTP_400_BAD_REQUEST)
    if isinstance(exc, PurposeRequired):
        return Response(
            {"purpose": ["State why you are reading this file: add ?purpose=... (it is logged with the read)"]},
            status=status.HTTP_400_BAD_REQUEST,
        )
    return exception_handler(exc, context)
