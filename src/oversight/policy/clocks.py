"""The clocks of the conformance contract, as pure functions of dates.

Every due date in Oversight is computed here. Nothing in this module reads the
system clock: callers pass the dates in.
"""

from __future__ import annotations

import calendar
from datetime import date, timedelta
from functools import lru_cache

import holidays

__all__ = [
    "add_weeks",
    "add_days",
    "add_months",
    "end_of_next_calendar_month",
    "add_working_days",
    "add_hours",
    "is_working_day",
    "bank_holidays",
]


def add_days(start: date, days: int) -> date:
    return start + timedelta(days=days)


def add_weeks(start: date, weeks: int) -> date:
    """N weeks: N x 7 days later."""
    return start + timedelta(days=7 * weeks)


def add_months(start: date, months: int) -> date:
    """The same day N calendar months later, clamped to the month's last day."""
    month_index = start.month - 1 + months
    year = start.year + month_index // 12
    month = month_index % 12 + 1
    last_day = calendar.monthrange(year, month)[1]
    return date(year, month, min(start.day, last_day))


def end_of_next_calendar_month(start: date) -> date:
    """'Once per calendar month': the last day of the month after start's month."""
    following = add_months(start.replace(day=1), 1)
    return following.replace(day=calendar.monthrange(following.year, following.month)[1])


def add_hours(start: date, hours: int) -> date:
    """N hours on a date clock: N/24 calendar days later (24 h = next day)."""
    return start + timedelta(days=hours // 24)


@lru_cache(maxsize=64)
def bank_holidays(year: int) -> frozenset[date]:
    """Bank holidays of England and Wales in a year, from the `holidays` package."""
    return frozenset(holidays.country_holidays("GB", subdiv="ENG", years=year).keys())


def is_working_day(day: date) -> bool:
    return day.weekday() < 5 and day not in bank_holidays(day.year)


@lru_cache(maxsize=65536)
def add_working_days(start: date, days: int) -> date:
    """The Nth Monday-to-Friday after start, skipping bank holidays; start never counts."""
    current = start
    remaining = days
    while remaining > 0:
        current += timedelta(days=1)
        if is_working_day(current):
            remaining -= 1
    return current
