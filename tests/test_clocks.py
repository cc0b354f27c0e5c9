"""The clocks of the conformance contract, checked against dates worked out by hand.

Contract (../shared/conformance/README.md, "Clocks"):
- N weeks: N x 7 days later.
- N months: the same day N calendar months later, or the month's last day where that
  day does not exist (31 Jan + 1 month = 28 Feb).
- calendar month: the last day of the calendar month after the base date's month.
- N working days: the Nth Monday-to-Friday after the date, skipping bank holidays of
  England and Wales; the date itself never counts.
- N hours (24, 48): N/24 calendar days after the date.
"""

from __future__ import annotations

from datetime import date

import pytest
from pydantic import ValidationError

from oversight.policy import clocks
from oversight.policy.pack import Period

D = date.fromisoformat


# --- bank holidays of England and Wales, written out by hand (gov.uk lists) ----------
#
# New Year's Day; Good Friday; Easter Monday; early May (first Monday of May); spring
# (last Monday of May); summer (last Monday of August); Christmas Day; Boxing Day.
# Where a holiday falls on a weekend a substitute weekday is the bank holiday.

BANK_HOLIDAYS = {
    2025: {
        D("2025-01-01"),  # Wed, New Year's Day
        D("2025-04-18"),  # Good Friday
        D("2025-04-21"),  # Easter Monday
        D("2025-05-05"),  # early May
        D("2025-05-26"),  # spring
        D("2025-08-25"),  # summer
        D("2025-12-25"),  # Thu, Christmas Day
        D("2025-12-26"),  # Fri, Boxing Day
    },
    2026: {
        D("2026-01-01"),  # Thu, New Year's Day
        D("2026-04-03"),  # Good Friday
        D("2026-04-06"),  # Easter Monday
        D("2026-05-04"),  # early May
        D("2026-05-25"),  # spring
        D("2026-08-31"),  # summer
        D("2026-12-25"),  # Fri, Christmas Day
        D("2026-12-28"),  # Mon, Boxing Day (Sat 26th) substitute
    },
    2027: {
        D("2027-01-01"),  # Fri, New Year's Day
        D("2027-03-26"),  # Good Friday
        D("2027-03-29"),  # Easter Monday
        D("2027-05-03"),  # early May
        D("2027-05-31"),  # spring
        D("2027-08-30"),  # summer
        D("2027-12-27"),  # Mon, Christmas Day (Sat 25th) substitute
        D("2027-12-28"),  # Tue, Boxing Day (Sun 26th) substitute
    },
    2028: {
        D("2028-01-03"),  # Mon, New Year's Day (Sat 1st) substitute
        D("2028-04-14"),  # Good Friday
        D("2028-04-17"),  # Easter Monday
        D("2028-05-01"),  # early May
        D("2028-05-29"),  # spring
        D("2028-08-28"),  # summer
        D("2028-12-25"),  # Mon, Christmas Day
        D("2028-12-26"),  # Tue, Boxing Day
    },
}


@pytest.mark.parametrize("year", sorted(BANK_HOLIDAYS))
def test_hand_written_bank_holidays_are_weekdays(year: int) -> None:
    # a sanity check of the list above: every bank holiday (substitutes included) is a weekday
    assert all(day.weekday() < 5 for day in BANK_HOLIDAYS[year])
    assert len(BANK_HOLIDAYS[year]) == 8


@pytest.mark.parametrize("year", sorted(BANK_HOLIDAYS))
def test_bank_holidays_of_england_and_wales(year: int) -> None:
    got = set(clocks.bank_holidays(year))
    # Every weekday the function calls a bank holiday is one, and none is missing.
    assert {day for day in got if day.weekday() < 5} == BANK_HOLIDAYS[year]
    # The `holidays` package also lists the weekend date of Christmas, Boxing Day or New
    # Year's Day beside its substitute (e.g. Sat 26 Dec 2026). Those can never change a
    # working-day count, so they are tolerated here, but nothing else is.
    extras = got - BANK_HOLIDAYS[year]
    assert all(day.weekday() >= 5 and (day.month, day.day) in {(1, 1), (12, 25), (12, 26)} for day in extras)


@pytest.mark.parametrize("year", sorted(BANK_HOLIDAYS))
def test_is_working_day_over_a_whole_year(year: int) -> None:
    day = date(year, 1, 1)
    while day.year == year:
        expected = day.weekday() < 5 and day not in BANK_HOLIDAYS[year]
        assert clocks.is_working_day(day) is expected, day
        day = date.fromordinal(day.toordinal() + 1)


# --- N weeks -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("start", "weeks", "due"),
    [
        ("2026-01-05", 1, "2026-01-12"),
        ("2026-01-05", 6, "2026-02-16"),  # 42 days: 26 left in January + 16
        ("2026-02-02", 4, "2026-03-02"),  # 28 days, February 2026 has 28
        ("2028-02-01", 4, "2028-02-29"),  # leap year: 1 Feb + 28 = 29 Feb
        ("2025-12-29", 1, "2026-01-05"),  # across the year
        ("2026-03-05", 4, "2026-04-02"),
        ("2026-01-19", 6, "2026-03-02"),  # 12 left in January + 28 in Feb + 2
        ("2026-01-19", 8, "2026-03-16"),
    ],
)
def test_add_weeks(start: str, weeks: int, due: str) -> None:
    assert clocks.add_weeks(D(start), weeks) == D(due)
    assert Period(weeks=weeks).add_to(D(start)) == D(due)


def test_add_days() -> None:
    assert clocks.add_days(D("2026-02-27"), 2) == D("2026-03-01")
    assert Period(days=3).add_to(D("2028-02-27")) == D("2028-03-01")


# --- N months ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("start", "months", "due"),
    [
        ("2026-01-31", 1, "2026-02-28"),  # 31 Feb does not exist: last day of Feb 2026
        ("2028-01-31", 1, "2028-02-29"),  # leap year
        ("2028-01-30", 1, "2028-02-29"),
        ("2028-02-29", 12, "2029-02-28"),  # leap day + a year: 29 Feb 2029 does not exist
        ("2028-02-29", 1, "2028-03-29"),  # the same day, not the month end
        ("2026-03-31", 1, "2026-04-30"),
        ("2026-08-31", 1, "2026-09-30"),
        ("2026-01-15", 1, "2026-02-15"),
        ("2025-12-31", 2, "2026-02-28"),
        ("2025-11-30", 3, "2026-02-28"),
        ("2026-10-31", 4, "2027-02-28"),
        ("2025-12-15", 1, "2026-01-15"),  # across the year
        ("2026-11-15", 3, "2027-02-15"),
        ("2026-01-05", 6, "2026-07-05"),
        ("2026-01-05", 24, "2028-01-05"),
    ],
)
def test_add_months(start: str, months: int, due: str) -> None:
    assert clocks.add_months(D(start), months) == D(due)
    assert Period(months=months).add_to(D(start)) == D(due)


@pytest.mark.parametrize(
    ("start", "months", "due"),
    [
        ("2026-03-31", -1, "2026-02-28"),
        ("2028-02-29", -12, "2027-02-28"),
        ("2026-03-02", -12, "2025-03-02"),
    ],
)
def test_add_months_backwards(start: str, months: int, due: str) -> None:
    # the engine steps back 12 months for the observation window
    assert clocks.add_months(D(start), months) == D(due)


@pytest.mark.parametrize(
    ("start", "years", "due"),
    [("2028-02-29", 1, "2029-02-28"), ("2026-01-20", 1, "2027-01-20"), ("2026-03-31", 6, "2032-03-31")],
)
def test_period_years(start: str, years: int, due: str) -> None:
    assert Period(years=years).add_to(D(start)) == D(due)


# --- calendar month ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("start", "due"),
    [
        ("2026-01-01", "2026-02-28"),
        ("2026-01-15", "2026-02-28"),
        ("2026-01-31", "2026-02-28"),
        ("2026-02-01", "2026-03-31"),
        ("2026-03-15", "2026-04-30"),
        ("2026-11-30", "2026-12-31"),
        ("2026-12-01", "2027-01-31"),  # December -> 31 January of the next year
        ("2026-12-31", "2027-01-31"),
        ("2028-01-15", "2028-02-29"),  # January 2028 -> 29 February (leap year)
        ("2028-02-29", "2028-03-31"),
    ],
)
def test_end_of_next_calendar_month(start: str, due: str) -> None:
    assert clocks.end_of_next_calendar_month(D(start)) == D(due)
    assert Period(calendar_months=1).add_to(D(start)) == D(due)


@pytest.mark.parametrize(
    ("start", "months", "due"),
    [
        ("2026-01-15", 2, "2026-03-31"),  # end of the second calendar month after January
        ("2026-11-10", 2, "2027-01-31"),
        ("2027-12-31", 2, "2028-02-29"),
        ("2026-01-31", 3, "2026-04-30"),
    ],
)
def test_several_calendar_months(start: str, months: int, due: str) -> None:
    assert Period(calendar_months=months).add_to(D(start)) == D(due)


# --- N working days ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("start", "days", "due"),
    [
        # the date itself never counts
        ("2026-01-05", 1, "2026-01-06"),  # Mon -> Tue
        ("2026-01-05", 5, "2026-01-12"),  # Mon -> next Mon
        ("2026-01-12", 10, "2026-01-26"),  # Mon -> Mon two weeks later
        ("2026-01-14", 5, "2026-01-21"),  # Wed: Thu 15, Fri 16, Mon 19, Tue 20, Wed 21
        ("2026-01-22", 5, "2026-01-29"),  # Thu: Fri 23, Mon 26 .. Thu 29
        ("2026-01-02", 1, "2026-01-05"),  # Fri -> Mon
        ("2026-01-10", 1, "2026-01-12"),  # from a Saturday: Sun skipped, Mon counts
        ("2026-05-04", 1, "2026-05-05"),  # from a bank holiday (early May): Tue
        # early May, spring and summer bank holidays
        ("2026-05-01", 1, "2026-05-05"),  # Fri; Mon 4 May is a bank holiday
        ("2026-05-22", 1, "2026-05-26"),  # Fri; Mon 25 May
        ("2026-08-28", 1, "2026-09-01"),  # Fri; Mon 31 Aug
        # Easter: Good Friday and Easter Monday
        ("2025-04-17", 1, "2025-04-22"),  # Thu; Fri 18 and Mon 21 Apr 2025
        ("2026-04-02", 1, "2026-04-07"),  # Thu; Fri 3 and Mon 6 Apr 2026
        ("2026-04-02", 2, "2026-04-08"),
        ("2026-04-02", 10, "2026-04-20"),  # Tue 7 .. Fri 10 (4), Mon 13 .. Fri 17 (9), Mon 20
        ("2026-03-30", 5, "2026-04-08"),  # Mon: Tue 31, Wed 1, Thu 2, Tue 7, Wed 8
        ("2026-04-01", 5, "2026-04-10"),  # Wed: Thu 2, Tue 7, Wed 8, Thu 9, Fri 10
        ("2026-03-25", 10, "2026-04-10"),  # Wed: 26, 27, 30, 31, 1, 2, 7, 8, 9, 10
        ("2027-03-25", 1, "2027-03-30"),  # Thu; Fri 26 and Mon 29 Mar 2027
        ("2028-04-13", 1, "2028-04-18"),  # Thu; Fri 14 and Mon 17 Apr 2028
        # Christmas
        ("2025-12-24", 1, "2025-12-29"),  # Wed; Thu 25, Fri 26
        ("2026-12-24", 2, "2026-12-30"),  # Thu; Fri 25 hol, Sat, Sun, Mon 28 hol; Tue 29, Wed 30
        ("2026-12-23", 2, "2026-12-29"),  # Wed: Thu 24, Tue 29
        ("2026-12-21", 5, "2026-12-30"),  # Mon: Tue 22, Wed 23, Thu 24, Tue 29, Wed 30
        ("2026-12-23", 5, "2027-01-04"),  # Wed: Thu 24, Tue 29, Wed 30, Thu 31, (Fri 1 Jan hol) Mon 4
        ("2027-12-24", 1, "2027-12-29"),  # Fri; Mon 27 and Tue 28 are substitutes
        ("2027-12-24", 2, "2027-12-30"),
        ("2027-12-23", 3, "2027-12-30"),  # Thu: Fri 24, Wed 29, Thu 30
        ("2027-12-31", 1, "2028-01-04"),  # Fri; Mon 3 Jan 2028 is New Year's substitute
        ("2028-12-22", 1, "2028-12-27"),  # Fri; Mon 25, Tue 26 Dec 2028
    ],
)
def test_add_working_days(start: str, days: int, due: str) -> None:
    assert clocks.add_working_days(D(start), days) == D(due)
    assert Period(working_days=days).add_to(D(start)) == D(due)


# --- N hours -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("start", "hours", "due"),
    [
        ("2026-03-02", 24, "2026-03-03"),
        ("2026-03-02", 48, "2026-03-04"),
        ("2026-03-06", 24, "2026-03-07"),  # calendar days: Friday -> Saturday
        ("2026-04-03", 48, "2026-04-05"),  # a bank holiday does not stop the clock
        ("2026-12-31", 24, "2027-01-01"),
        ("2028-02-28", 48, "2028-03-01"),  # leap day counted
    ],
)
def test_add_hours(start: str, hours: int, due: str) -> None:
    assert clocks.add_hours(D(start), hours) == D(due)
    assert Period(hours=hours).add_to(D(start)) == D(due)


# --- Period validation -----------------------------------------------------------------


@pytest.mark.parametrize(
    "fields",
    [
        {},
        {"weeks": 1, "months": 1},
        {"working_days": 5, "days": 5},
        {"hours": 36},  # not a whole number of days on a date clock
        {"weeks": 0},
        {"months": -1},
        {"fortnights": 1},
    ],
)
def test_period_refuses_anything_but_one_unit(fields: dict) -> None:
    with pytest.raises(ValidationError):
        Period(**fields)


@pytest.mark.parametrize(
    ("fields", "text"),
    [
        ({"weeks": 1}, "1 week"),
        ({"weeks": 4}, "4 weeks"),
        ({"months": 1}, "1 month"),
        ({"calendar_months": 1}, "1 calendar month"),
        ({"working_days": 5}, "5 working days"),
        ({"hours": 48}, "48 hours"),
    ],
)
def test_period_describe(fields: dict, text: str) -> None:
    assert Period(**fields).describe() == text
