"""Filters for the subject access bundle, whose data holds dates as ISO strings."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from django import template

register = template.Library()


@register.filter
def long_date(value: Any) -> str:
    """'2024-01-08' -> '8 January 2024'; '2024-01-08T10:00:00+00:00' -> '8 January 2024, 10:00'; else as is."""
    if not value:
        return "–"
    if isinstance(value, str):
        try:
            value = datetime.fromisoformat(value) if "T" in value else date.fromisoformat(value)
        except ValueError:
            return value
    if isinstance(value, datetime):
        return f"{value.day} {value:%B %Y}, {value:%H:%M}"
    if isinstance(value, date):
        return f"{value.day} {value:%B %Y}"
    return str(value)


@register.filter
def who(person: Any) -> str:
    """A person as the bundle names them: 'name (role)', or '–'."""
    if not person:
        return "–"
    role = person.get("role") or ""
    return f"{person['name']} ({role})" if role else str(person["name"])


@register.filter
def yes_no(value: Any) -> str:
    return "Yes" if value else "No"
