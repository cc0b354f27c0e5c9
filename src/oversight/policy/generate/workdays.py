"""Dates in the simulation: working days (``clocks``) and the open-ended ``FAR``."""

from __future__ import annotations

from datetime import date, timedelta

from .. import clocks

DAY = timedelta(days=1)
FAR = date(9999, 12, 31)  # the end of a spell, post or absence that has not ended


def working_back(day: date, floor: date) -> date:
    """The working day on or before ``day`` if it is after ``floor``, else the next one."""
    back = day
    while not clocks.is_working_day(back):
        back -= DAY
    if back > floor:
        return back
    while not clocks.is_working_day(day):
        day += DAY
    return day


def working_on_or_after(day: date) -> date:
    """``day`` if it is a working day, else the next working day."""
    while not clocks.is_working_day(day):
        day += DAY
    return day


def monday_on_or_after(day: date) -> date:
    """``day`` if it is a Monday, else the next Monday."""
    return day + timedelta(days=(7 - day.weekday()) % 7)
