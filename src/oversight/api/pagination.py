"""Pages of 50 (``?page_size=`` up to 200). A page that is not a whole number is a 400 naming
``page``; a page past the end is a 404, as in Django REST Framework."""

from __future__ import annotations

from typing import Any

from rest_framework import serializers
from rest_framework.pagination import PageNumberPagination
from rest_framework.request import Request


class ApiPagination(PageNumberPagination):
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200

    def get_page_number(self, request: Request, paginator: Any) -> Any:
        value = request.query_params.get(self.page_query_param, "")
        if (
            value
            and value not in self.last_page_strings
            and not (value.isascii() and value.isdigit() and int(value) >= 1)
        ):
            raise serializers.ValidationError({self.page_query_param: ["A page is a whole number from 1"]})
        return super().get_page_number(request, paginator)

    def get_page_size(self, request: Request) -> int | None:
        value = request.query_params.get(self.page_size_query_param, "")
        if value and not (value.isascii() and value.isdigit() and 1 <= int(value) <= self.max_page_size):
            raise serializers.ValidationError(
                {self.page_size_query_param: [f"A page size is a whole number from 1 to {self.max_page_size}"]}
            )
        return super().get_page_size(request)

    def get_schema_operation_parameters(self, view: Any) -> list[dict[str, Any]]:
        parameters: list[dict[str, Any]] = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            if parameter["name"] == self.page_size_query_param:
                parameter["schema"] = {"type": "integer", "minimum": 1, "maximum": self.max_page_size}
            if parameter["name"] == self.page_query_param:
                parameter["schema"] = {"type": "integer", "minimum": 1}
        return parameters
