"""Calendar quarters, the period a capacity plan covers ('2026-Q2': 1 April to 30 June)."""

from __future__ import annotations

from datetime import date, timedelta

from .. import clocks


def quarter_containing(day: date) -> tuple[date, date]:
    """The calendar quarter (first day, last day) that ``day`` falls in."""
    first_month = 3 * ((day.month - 1) // 3) + 1
    start = date(day.year, first_month, 1)
    return start, clocks.add_months(start, 3) - timedelta(days=1)


def next_quarter(day: date) -> tuple[date, date]:
    """The calendar quarter after the one ``day`` falls in."""
    _, end = quarter_containing(day)
    return quarter_containing(end + timedelta(days=1))


def parse_quarter(text: str) -> tuple[date, date]:
    """'2026-Q2' as (2026-04-01, 2026-06-30); ValueError when it is not one."""
    year, sep, number = text.strip().upper().partition("-Q")
    if not sep or not year.isdigit() or len(year) != 4 or number not in ("1", "2", "3", "4"):
        raise ValueError("enter a quarter in the form 2026-Q2")
    return quarter_containing(date(int(year), 3 * int(number) - 2, 1))


def quarter_label(start: date) -> str:
    return f"{start.year}-Q{(start.month - 1) // 3 + 1}"
