"""A clock in a pack (``every: {weeks: 4}``) and the due date it gives from a start."""

from __future__ import annotations

from datetime import date

from pydantic import Field, model_validator

from .. import clocks
from .vocabulary import _Strict


class Period(_Strict):
    """A clock: exactly one of its fields is set."""

    weeks: int | None = Field(default=None, ge=1)
    days: int | None = Field(default=None, ge=1)
    months: int | None = Field(default=None, ge=1)
    years: int | None = Field(default=None, ge=1)
    calendar_months: int | None = Field(default=None, ge=1)
    working_days: int | None = Field(default=None, ge=1)
    hours: int | None = Field(default=None, ge=1)

    @model_validator(mode="after")
    def _exactly_one(self) -> Period:
        set_fields = [name for name, value in self if value is not None]
        if len(set_fields) != 1:
            raise ValueError(
                "a period sets exactly one of weeks, days, months, years, "
                f"calendar_months, working_days, hours (got {set_fields or 'none'})"
            )
        if self.hours is not None and self.hours % 24:
            raise ValueError("hours must be a multiple of 24 on a date clock")
        return self

    def add_to(self, start: date) -> date:
        """The due date this clock gives from ``start``."""
        if self.weeks is not None:
            return clocks.add_weeks(start, self.weeks)
        if self.days is not None:
            return clocks.add_days(start, self.days)
        if self.months is not None:
            return clocks.add_months(start, self.months)
        if self.years is not None:
            return clocks.add_months(start, 12 * self.years)
        if self.calendar_months is not None:
            due = start
            for _ in range(self.calendar_months):
                due = clocks.end_of_next_calendar_month(due)
            return due
        if self.working_days is not None:
            return clocks.add_working_days(start, self.working_days)
        assert self.hours is not None
        return clocks.add_hours(start, self.hours)

    def describe(self) -> str:
        for name, value in self:
            if value is not None:
                unit = name.replace("_", " ")
                if value == 1:
                    unit = {"calendar months": "calendar month", "working days": "working day"}.get(
                        unit, unit.rstrip("s")
                    )
                return f"{value} {unit}"
        return "-"
