"""Properties of the clocks and of evaluation, checked with hypothesis.

The bank holidays used to judge working days here come from an independent
computation (Easter by the anonymous Gregorian algorithm plus the England and Wales
rules for substitute days), not from the engine's own helper.
"""

from __future__ import annotations

import calendar
import json
from datetime import date, timedelta
from functools import cache

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from oversight.policy import clocks, evaluate, parse_scenario, shipped_packs

PROFILE = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


# --- an independent oracle for bank holidays of England and Wales, 2024-2031 -----------


def _easter(year: int) -> date:
    a = year % 19
    b, c = divmod(year, 100)
    d, e = divmod(b, 4)
    f = (b + 8) // 25
    g = (b - f + 1) // 3
    h = (19 * a + b - d - g + 15) % 30
    i, k = divmod(c, 4)
    ell = (32 + 2 * e + 2 * i - h - k) % 7
    m = (a + 11 * h + 22 * ell) // 451
    month, day = divmod(h + ell - 7 * m + 114, 31)
    return date(year, month, day + 1)


def _first_monday(year: int, month: int) -> date:
    day = date(year, month, 1)
    return day + timedelta(days=(7 - day.weekday()) % 7)


def _last_monday(year: int, month: int) -> date:
    day = date(year, month, calendar.monthrange(year, month)[1])
    return day - timedelta(days=day.weekday())


@cache
def oracle_bank_holidays(year: int) -> frozenset[date]:
    """No special one-off bank holidays fall in 2024-2031."""
    days = set()
    new_year = date(year, 1, 1)
    days.add(new_year + timedelta(days={5: 2, 6: 1}.get(new_year.weekday(), 0)))
    easter = _easter(year)
    days |= {easter - timedelta(days=2), easter + timedelta(days=1)}
    days |= {_first_monday(year, 5), _last_monday(year, 5), _last_monday(year, 8)}
    christmas = date(year, 12, 25)
    weekday = christmas.weekday()
    if weekday == 4:  # Fri: Boxing Day on Saturday -> Monday 28
        days |= {christmas, date(year, 12, 28)}
    elif weekday == 5:  # Sat: Mon 27, Tue 28
        days |= {date(year, 12, 27), date(year, 12, 28)}
    elif weekday == 6:  # Sun: Boxing Day Mon 26, Christmas substitute Tue 27
        days |= {date(year, 12, 26), date(year, 12, 27)}
    else:
        days |= {christmas, date(year, 12, 26)}
    return frozenset(days)


def oracle_is_working_day(day: date) -> bool:
    return day.weekday() < 5 and day not in oracle_bank_holidays(day.year)


def test_oracle_agrees_with_hand_written_lists() -> None:
    from .test_clocks import BANK_HOLIDAYS

    for year, days in BANK_HOLIDAYS.items():
        assert oracle_bank_holidays(year) == days


def test_engine_working_days_agree_with_oracle_2024_2031() -> None:
    day = date(2024, 1, 1)
    while day.year < 2032:
        assert clocks.is_working_day(day) == oracle_is_working_day(day), day
        day += timedelta(days=1)


# --- clock properties ------------------------------------------------------------------

dates_2024_2030 = st.dates(min_value=date(2024, 1, 1), max_value=date(2030, 12, 31))


@PROFILE
@given(start=dates_2024_2030, n=st.integers(min_value=1, max_value=30))
def test_working_day_deadline_is_a_working_day_strictly_after_start(start: date, n: int) -> None:
    due = clocks.add_working_days(start, n)
    assert due > start
    assert due.weekday() < 5
    assert due not in oracle_bank_holidays(due.year)
    # and it is the Nth working day: exactly N working days in (start, due]
    between = [start + timedelta(days=k) for k in range(1, (due - start).days + 1)]
    assert sum(oracle_is_working_day(day) for day in between) == n


@PROFILE
@given(start=dates_2024_2030, months=st.integers(min_value=0, max_value=48))
def test_add_months_lands_in_the_target_month_never_after_the_same_day(start: date, months: int) -> None:
    due = clocks.add_months(start, months)
    target_year, target_month0 = divmod(start.year * 12 + start.month - 1 + months, 12)
    assert (due.year, due.month) == (target_year, target_month0 + 1)
    assert due.day <= start.day
    last = calendar.monthrange(due.year, due.month)[1]
    assert due.day == start.day or (due.day == last and start.day > last)


@PROFILE
@given(start=dates_2024_2030)
def test_calendar_month_is_the_last_day_of_the_following_month(start: date) -> None:
    due = clocks.end_of_next_calendar_month(start)
    assert due > start
    assert (due + timedelta(days=1)).day == 1
    assert (due.year * 12 + due.month) - (start.year * 12 + start.month) == 1


@PROFILE
@given(start=dates_2024_2030, n=st.integers(min_value=1, max_value=20))
def test_weeks_are_seven_days(start: date, n: int) -> None:
    assert clocks.add_weeks(start, n) - start == timedelta(days=7 * n)


# --- adding a held session never makes a supervision due date earlier -----------------


def _personal_roles(pack_id: str) -> list[str]:
    pack = shipped_packs()[pack_id]
    return sorted({role for rule in pack.supervision if rule.kind == "personal" for role in rule.roles})


@st.composite
def supervision_scenarios(draw: st.DrawFn) -> tuple[dict, date]:
    pack_id = draw(st.sampled_from(sorted(shipped_packs())))
    role = draw(st.sampled_from(_personal_roles(pack_id)))
    employment = draw(st.sampled_from(["permanent", "casual", "temporary"]))
    started = draw(st.dates(min_value=date(2024, 1, 1), max_value=date(2026, 12, 31)))
    rel_from = started + timedelta(days=draw(st.integers(0, 60)))
    offsets = draw(st.lists(st.integers(0, 500), min_size=0, max_size=6, unique=True))
    sessions = sorted(rel_from + timedelta(days=o) for o in offsets)
    latest = sessions[-1] if sessions else rel_from
    as_of = latest + timedelta(days=draw(st.integers(1, 200)))
    new_session = latest + timedelta(days=draw(st.integers(1, (as_of - latest).days)))
    hours = []
    if employment == "casual":
        for offset in draw(st.lists(st.integers(0, 700), max_size=25, unique=True)):
            hours.append(
                {
                    "person": "sw",
                    "date": (started + timedelta(days=offset)).isoformat(),
                    "hours": draw(st.sampled_from([3.5, 7.5, 10.0, 12.0])),
                }
            )
    person = {"id": "sw", "role": role, "started": started.isoformat(), "employment": employment}
    if role == "nqsw_asye" and draw(st.booleans()):
        person["asye_start"] = (started + timedelta(days=draw(st.integers(0, 30)))).isoformat()
    scenario = {
        "policy": pack_id,
        "as_of": as_of.isoformat(),
        "people": [
            {"id": "boss", "role": "team_manager", "started": "2015-01-05"},
            person,
        ],
        "relationships": [{"supervisor": "boss", "supervisee": "sw", "from": rel_from.isoformat()}],
        "sessions": [
            {
                "id": f"s{i}",
                "kind": "personal",
                "supervisor": "boss",
                "supervisee": "sw",
                "date": day.isoformat(),
                "status": "held",
            }
            for i, day in enumerate(sessions)
        ],
        "hours": hours,
    }
    return scenario, new_session


def _personal_due(scenario: dict) -> date | None:
    parsed, pack = parse_scenario(json.dumps(scenario))
    report = evaluate(parsed, pack)
    (ob,) = [o for o in report["obligations"] if o["id"] == "supervision:personal:sw"]
    return date.fromisoformat(ob["due"]) if ob["due"] is not None else None


@PROFILE
@given(supervision_scenarios())
def test_a_further_held_session_never_brings_the_due_date_forward(drawn: tuple[dict, date]) -> None:
    scenario, new_day = drawn
    before = _personal_due(scenario)
    after_scenario = json.loads(json.dumps(scenario))
    after_scenario["sessions"].append(
        {
            "id": "extra",
            "kind": "personal",
            "supervisor": "boss",
            "supervisee": "sw",
            "date": new_day.isoformat(),
            "status": "held",
        }
    )
    after = _personal_due(after_scenario)
    # None is "not yet due" (a casual worker short of the hours): later than any date.
    if before is None:
        assert after is None
    elif after is not None:
        assert after >= before
        assert after > new_day  # and the new due date is after the session itself
