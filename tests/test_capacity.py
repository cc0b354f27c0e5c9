"""Supervisor capacity, the pure computation (oversight.policy.capacity), on cases worked by hand
from the policy texts. The quarter is 2026-Q2: 1 April to 30 June 2026, 91 days (13 weeks);
"today" is 31 March 2026. Dates in the comments are 2026.
"""

from __future__ import annotations

import subprocess
import sys
from datetime import date, timedelta

import pytest

from oversight.policy import get_pack
from oversight.policy.capacity import (
    Assumptions,
    Case,
    FrequencyChange,
    Inputs,
    Move,
    Staff,
    Supervision,
    WhatIf,
    next_quarter,
    outside_view,
    parse_quarter,
    plan_quarter,
)
from oversight.policy.pack import Period

TODAY = date(2026, 3, 31)
START, END = date(2026, 4, 1), date(2026, 6, 30)
LONG_AGO = date(2020, 1, 6)


def staff(pid: str, role: str = "social_worker", **extra: object) -> Staff:
    return Staff(id=pid, name=extra.pop("name", pid.title()), role=role, started=LONG_AGO, **extra)  # type: ignore[arg-type]


def supervised(supervisor: str, *supervisees: str, kinds: frozenset[str] | None = None) -> tuple[Supervision, ...]:
    return tuple(Supervision(supervisor, s, date(2024, 1, 8), kinds) for s in supervisees)


def lines_of(plan, supervisor: str, supervisee: str | None = None, kind: str | None = None):  # type: ignore[no-untyped-def]
    load = plan.load_of(supervisor)
    assert load is not None
    return [
        line
        for line in load.lines
        if (supervisee is None or line.supervisee == supervisee) and (kind is None or line.kind == kind)
    ]


def test_quarters() -> None:
    assert next_quarter(TODAY) == (START, END)
    assert next_quarter(date(2026, 11, 5)) == (date(2027, 1, 1), date(2027, 3, 31))
    assert parse_quarter("2026-q2") == (START, END)
    for bad in ("2026", "2026-Q5", "26-Q1", "Q2-2026"):
        with pytest.raises(ValueError):
            parse_quarter(bad)


def test_leeds_asye_weekly_for_six_weeks_then_fortnightly() -> None:
    # Leeds 4.4 and 4.6 (leeds.personal.asye): "up to 1 ½ hours duration of uninterrupted time,
    # weekly for the first 6 weeks; fortnightly up to the 6 month review and at least monthly
    # thereafter". ASYE start Mon 2 March: weekly until 13 April, fortnightly until 2 September.
    # Last session Mon 30 March -> 6 April (weekly), 13 April (weekly: 6 April is in the first
    # six weeks), then fortnightly from 13 April: 27 April, 11 May, 25 May, 8 June, 22 June
    # (6 July is in Q3). 7 sessions x 90 minutes = 630 minutes, 10.5 hours.
    people = {
        "theo": staff("theo", "team_manager", weekly_hours=37.0),
        "asha": Staff("asha", "Asha", "nqsw_asye", date(2026, 3, 2), asye_start=date(2026, 3, 2)),
    }
    inputs = Inputs(
        people=people,
        supervisions=(Supervision("theo", "asha", date(2026, 3, 2)),),
        today=TODAY,
        last_held={("asha", "personal"): date(2026, 3, 30)},
    )
    plan = plan_quarter(inputs, get_pack("leeds-2023"), START, END)
    [line] = lines_of(plan, "theo", "asha")
    assert (line.rule, line.sessions, line.minutes_each, line.minutes) == ("leeds.personal.asye", 7, 90, 630)
    assert line.interval == "1 week, then 2 weeks"
    assert not line.assumed_duration
    assert line.source == "001_8acf471507eacfb1.txt 4.4, 4.6"
    load = plan.load_of("theo")
    assert load is not None
    # Available: 37 hours a week x 20% x 13 weeks = 96.2 hours.
    assert load.available_hours == pytest.approx(96.2)
    assert load.load_percent == pytest.approx(100 * 10.5 / 96.2)
    assert plan.rules["leeds.personal.asye"] == "001_8acf471507eacfb1.txt 4.4, 4.6"


def test_leeds_monthly_and_student_weekly_with_the_default_duration() -> None:
    # Leeds 4.4 (leeds.personal.monthly): monthly; the pack sets no duration, so the assumed 90
    # minutes. Last 15 March -> 15 April, 15 May, 15 June: 3 sessions, 270 minutes.
    # Leeds 4.4 (leeds.personal.student): students weekly (no point for fortnightly is recorded).
    # Last Tue 31 March -> every Tuesday 7 April to 30 June: 13 sessions, 1170 minutes.
    people = {
        "theo": staff("theo", "team_manager"),
        "sally": staff("sally"),
        "sam": staff("sam", "student_social_worker"),
    }
    inputs = Inputs(
        people=people,
        supervisions=supervised("theo", "sally", "sam"),
        today=TODAY,
        last_held={("sally", "personal"): date(2026, 3, 15), ("sam", "personal"): date(2026, 3, 31)},
    )
    plan = plan_quarter(inputs, get_pack("leeds-2023"), START, END, Assumptions(default_minutes=90))
    [sally] = lines_of(plan, "theo", "sally")
    [sam] = lines_of(plan, "theo", "sam")
    assert (sally.sessions, sally.minutes, sally.assumed_duration) == (3, 270, True)
    assert (sam.sessions, sam.minutes, sam.interval) == (13, 1170, "1 week")
    load = plan.load_of("theo")
    assert load is not None and load.demanded_minutes == 1440
    assert load.available_minutes is None and load.load_percent is None  # no contracted hours recorded


def test_an_overdue_session_is_held_on_the_first_day_and_no_history_starts_from_the_relationship() -> None:
    # Leeds monthly; last session 10 January: due 10 February, overdue, so held 1 April, then
    # 1 May and 1 June: 3. No session ever, relationship from 8 January 2024: the same.
    people = {"theo": staff("theo", "team_manager"), "sally": staff("sally"), "sue": staff("sue")}
    inputs = Inputs(
        people=people,
        supervisions=supervised("theo", "sally", "sue"),
        today=TODAY,
        last_held={("sally", "personal"): date(2026, 1, 10)},
    )
    plan = plan_quarter(inputs, get_pack("leeds-2023"), START, END)
    assert [line.sessions for line in lines_of(plan, "theo")] == [3, 3]


def test_bristol_casual_worker_by_hours_worked() -> None:
    # Bristol 3.5 (bristol.personal.casual): "monthly or after each 74 hours worked, whichever
    # is the less frequent". 3 hours every weekday for the last 13 weeks (65 weekdays, 195 hours)
    # projects 3 hours a weekday. Last session 31 March: 74 hours are reached on the 25th weekday
    # after it, Tue 5 May (a month would be 30 April): 5 May. Then the 25th weekday after
    # 5 May is Tue 9 June (a month: 5 June): 9 June. The next would need 25 weekdays after
    # 9 June, past 30 June. 2 sessions; the rule sets no duration, so 2 x 90 minutes.
    # A permanent worker (bristol.personal.all, 3.4: every 4 weeks, 1.5 hours, 3.6) last seen on
    # 31 March: 28 April, 26 May, 23 June: 3 x 90 minutes, at least 3 x 60 (App. 1).
    people = {
        "tm": staff("tm", "team_manager", weekly_hours=37.0),
        "cas": staff("cas", "family_support_worker", employment="casual"),
        "perm": staff("perm", "family_support_worker"),
    }
    hours = []
    day = date(2025, 12, 31)
    while day <= TODAY:
        if day.weekday() < 5:
            hours.append((day, 3.0))
        day += timedelta(days=1)
    inputs = Inputs(
        people=people,
        supervisions=supervised("tm", "cas", "perm", kinds=frozenset({"personal"})),
        today=TODAY,
        last_held={("cas", "personal"): TODAY, ("perm", "personal"): TODAY},
        hours={"cas": hours},
    )
    plan = plan_quarter(inputs, get_pack("bristol-2020"), START, END)
    [casual] = lines_of(plan, "tm", "cas", "personal")
    assert (casual.rule, casual.sessions, casual.minutes) == ("bristol.personal.casual", 2, 180)
    assert casual.interval == "1 month, or 74 hours worked"
    [perm] = lines_of(plan, "tm", "perm", "personal")
    assert (perm.sessions, perm.minutes, perm.minimum_minutes, perm.assumed_duration) == (3, 270, 180, False)
    # A casual worker with no hours worked owes no session this quarter.
    idle = plan_quarter(
        Inputs(people=people, supervisions=inputs.supervisions, today=TODAY, last_held=inputs.last_held),
        get_pack("bristol-2020"),
        START,
        END,
    )
    [none] = lines_of(idle, "tm", "cas", "personal")
    assert none.sessions == 0 and none.minutes == 0


def test_a_group_session_counts_once_for_the_supervisor() -> None:
    # Lambeth 3.1 (lambeth.group.practitioner): reflective team case discussion every 2 weeks.
    # Three social workers in Theo's group, last met 25 March: 8 April, 22 April, 6 May, 20 May,
    # 3 June, 17 June (1 July is Q3): 6 sessions x 90 minutes (assumed) = 540 minutes for Theo,
    # not 1620; each attendee's line carries a third, 180 minutes.
    people = {"theo": staff("theo", "team_manager"), **{p: staff(p) for p in ("a", "b", "c")}}
    inputs = Inputs(
        people=people,
        supervisions=supervised("theo", "a", "b", "c"),
        today=TODAY,
        last_held={(p, "group"): date(2026, 3, 25) for p in ("a", "b", "c")},
    )
    plan = plan_quarter(inputs, get_pack("lambeth-2021"), START, END)
    group = lines_of(plan, "theo", kind="group")
    assert [(line.sessions, line.shared_by, line.minutes) for line in group] == [(6, 3, 180)] * 3
    assert sum(line.minutes for line in group) == 540
    assert plan.load_of("theo").minutes_by_kind()["group"] == 540  # type: ignore[union-attr]


def test_ratio_against_the_pack_limit() -> None:
    # Leeds 4.1: "a general guide is 1 Supervisor to 8-10 supervisees"; more than 10 is exceeded.
    # Lambeth 3.2: "the recommended maximum ratio is 1 Supervisor to 6 – 8 Supervisees".
    def ratio_of(pack_id: str, count: int):  # type: ignore[no-untyped-def]
        people = {"tm": staff("tm", "team_manager"), **{f"s{i}": staff(f"s{i}") for i in range(count)}}
        inputs = Inputs(people=people, supervisions=supervised("tm", *(f"s{i}" for i in range(count))), today=TODAY)
        return plan_quarter(inputs, get_pack(pack_id), START, END).load_of("tm").ratio  # type: ignore[union-attr]

    leeds = ratio_of("leeds-2023", 11)
    assert (leeds.count, leeds.limit, leeds.status, leeds.guide) == (11, 10, "exceeded", "8-10")
    assert leeds.source == "001_8acf471507eacfb1.txt 4.1"
    assert ratio_of("leeds-2023", 8).status == "in range"
    assert ratio_of("leeds-2023", 3).status == "below"
    lambeth = ratio_of("lambeth-2021", 9)
    assert (lambeth.status, lambeth.source) == ("exceeded", "002_e96285eb1cf8e045.txt 3.2")
    assert ratio_of("lambeth-2021", 8).status == "in range"
    assert ratio_of("bristol-2020", 20) is None  # Bristol sets no ratio


def test_split_supervision_and_case_reviews() -> None:
    # Lambeth 3.6: Cara gives Sally's case supervision only, Theo the rest. Sally holds a CP
    # child (Lambeth 3.1, lambeth.case.cp: every 4 weeks), last reviewed 25 March: 22 April,
    # 20 May, 17 June: 3 reviews x 15 minutes (assumed) for Cara. Personal every 6 weeks
    # (lambeth.personal.qsw) from 25 March: 6 May, 17 June: 2 x 90 for Theo. A case holder owes
    # no worker-level case supervision (only_without_cases).
    people = {
        "theo": staff("theo", "team_manager"),
        "cara": staff("cara", "advanced_practitioner"),
        "sally": staff("sally", case_holder=True),
    }
    inputs = Inputs(
        people=people,
        supervisions=(*supervised("theo", "sally"), *supervised("cara", "sally", kinds=frozenset({"case"}))),
        today=TODAY,
        cases=(Case("c1", "sally", "cp", date(2025, 6, 2), last_review=date(2026, 3, 25)),),
        last_held={("sally", "personal"): date(2026, 3, 25), ("sally", "group"): date(2026, 3, 25)},
    )
    plan = plan_quarter(inputs, get_pack("lambeth-2021"), START, END)
    [review] = lines_of(plan, "cara")
    assert (review.kind, review.rule, review.sessions, review.minutes) == ("case_review", "lambeth.case.cp", 3, 45)
    assert [(line.kind, line.sessions) for line in lines_of(plan, "theo")] == [("personal", 2), ("group", 6)]
    assert plan.load_of("cara").ratio.count == 1  # type: ignore[union-attr]


def test_buckinghamshire_manager_shortens_a_childs_review() -> None:
    # Buckinghamshire, Frequency of Case Supervisions: at least every 12 weeks, or the manager's
    # shorter frequency: 4 weeks here. Last 25 March -> 22 April, 20 May, 17 June: 3 reviews.
    people = {"tm": staff("tm", "team_manager"), "sally": staff("sally", case_holder=True)}
    cases = (
        Case("c1", "sally", "cp", date(2025, 6, 2), last_review=date(2026, 3, 25), review_every_weeks=4),
        Case("c2", "sally", "cin", date(2025, 6, 2), last_review=date(2026, 3, 25)),  # 17 June: 1
    )
    inputs = Inputs(people=people, supervisions=supervised("tm", "sally"), today=TODAY, cases=cases)
    plan = plan_quarter(inputs, get_pack("buckinghamshire-2024"), START, END, Assumptions(case_review_minutes=20))
    [review] = lines_of(plan, "tm", kind="case_review")
    assert (review.sessions, review.minutes, review.interval) == (4, 80, "12 weeks, 4 weeks per child")


def test_what_if_changes_a_frequency_without_touching_the_pack() -> None:
    # Leeds monthly made fortnightly for this calculation: last 15 March -> 29 March, overdue,
    # so 1 April, then 15 April, 29 April, 13 May, 27 May, 10 June, 24 June: 7 sessions.
    people = {"theo": staff("theo", "team_manager"), "sally": staff("sally")}
    inputs = Inputs(
        people=people,
        supervisions=supervised("theo", "sally"),
        today=TODAY,
        last_held={("sally", "personal"): date(2026, 3, 15)},
    )
    pack = get_pack("leeds-2023")
    change = WhatIf(frequencies=(FrequencyChange("leeds.personal.monthly", Period(weeks=2)),))
    after = plan_quarter(inputs, pack, START, END, what_if=change)
    assert lines_of(after, "theo", "sally")[0].sessions == 7
    assert pack.supervision[0].every == Period(months=1)  # the shipped pack is unchanged
    assert lines_of(plan_quarter(inputs, pack, START, END), "theo", "sally")[0].sessions == 3
    # A staged rule becomes one frequency throughout: the ASYE of the first test, monthly from
    # her last session on 30 March: 30 April, 30 May, 30 June (3, not 7).
    people["asha"] = Staff("asha", "Asha", "nqsw_asye", date(2026, 3, 2), asye_start=date(2026, 3, 2))
    asye_inputs = Inputs(
        people=people,
        supervisions=supervised("theo", "asha"),
        today=TODAY,
        last_held={("asha", "personal"): date(2026, 3, 30)},
    )
    monthly = WhatIf(frequencies=(FrequencyChange("leeds.personal.asye", Period(months=1)),))
    [line] = lines_of(plan_quarter(asye_inputs, pack, START, END, what_if=monthly), "theo", "asha")
    assert (line.sessions, line.interval, line.minutes) == (3, "1 month", 270)
    with pytest.raises(ValueError, match="no supervision or case review rule"):
        plan_quarter(inputs, pack, START, END, what_if=WhatIf(frequencies=(FrequencyChange("nope", Period(weeks=1)),)))


def test_what_if_moves_a_supervisee_and_the_load_and_ratio_move_with_them() -> None:
    people = {
        "theo": staff("theo", "team_manager", weekly_hours=37.0),
        "omar": staff("omar", "team_manager", weekly_hours=18.5),
        "sally": staff("sally"),
        "sue": staff("sue"),
    }
    inputs = Inputs(
        people=people,
        supervisions=supervised("theo", "sally", "sue"),
        today=TODAY,
        last_held={("sally", "personal"): date(2026, 3, 15), ("sue", "personal"): date(2026, 3, 15)},
    )
    pack = get_pack("leeds-2023")
    before = plan_quarter(inputs, pack, START, END)
    after = plan_quarter(inputs, pack, START, END, what_if=WhatIf(moves=(Move("sally", "omar"),)))
    assert before.load_of("omar") is None
    assert (before.load_of("theo").demanded_minutes, after.load_of("theo").demanded_minutes) == (540, 270)  # type: ignore[union-attr]
    omar = after.load_of("omar")
    assert omar is not None and omar.demanded_minutes == 270 and omar.ratio.count == 1  # type: ignore[union-attr]
    # 18.5 hours x 20% x 13 weeks = 48.1 hours; 4.5 hours demanded.
    assert omar.load_percent == pytest.approx(100 * 4.5 / 48.1)
    assert after.total().demanded_minutes == before.total().demanded_minutes == 540
    assert inputs.supervisions == supervised("theo", "sally", "sue")  # nothing changed
    with pytest.raises(ValueError):
        plan_quarter(inputs, pack, START, END, what_if=WhatIf(moves=(Move("sally", "sally"),)))


def test_lines_outside_the_viewers_reach_are_merged_and_unnamed() -> None:
    people = {"theo": staff("theo", "team_manager"), **{p: staff(p) for p in ("sally", "x", "y")}}
    inputs = Inputs(
        people=people,
        supervisions=supervised("theo", "sally", "x", "y"),
        today=TODAY,
        last_held={(p, "personal"): date(2026, 3, 15) for p in ("sally", "x", "y")},
    )
    plan = outside_view(plan_quarter(inputs, get_pack("leeds-2023"), START, END), {"sally"})
    load = plan.load_of("theo")
    assert load is not None
    assert [(line.supervisee, line.people, line.sessions, line.minutes) for line in load.lines] == [
        ("sally", 1, 3, 270),
        (None, 2, 6, 540),
    ]
    assert load.ratio.count == 3 and load.demanded_minutes == 810  # type: ignore[union-attr]


def test_blackpool_minimum_and_guide_durations_and_team_totals() -> None:
    # Blackpool 3 and 6 (blackpool.personal.practitioners): bi-monthly, 1-2 hours: 120 minutes
    # guide, 60 minimum. Last 1 April -> 1 June: 1 session. Case supervision monthly (3, 5,
    # blackpool.case.practitioner), no duration: last 1 April -> 1 May, 1 June: 2 x 90 assumed.
    people = {
        "tm1": staff("tm1", "team_manager", weekly_hours=37.0, team="A"),
        "tm2": staff("tm2", "team_manager", weekly_hours=37.0, team="B"),
        "sw": staff("sw"),
        "sw2": staff("sw2"),
    }
    last = {(p, k): date(2026, 4, 1) for p in ("sw", "sw2") for k in ("personal", "case")}
    inputs = Inputs(
        people=people, supervisions=(*supervised("tm1", "sw"), *supervised("tm2", "sw2")), today=TODAY, last_held=last
    )
    plan = plan_quarter(inputs, get_pack("blackpool-2020"), START, END)
    load = plan.load_of("tm1")
    assert load is not None
    assert load.minutes_by_kind() == {"personal": 120, "case": 180}
    assert (load.demanded_minutes, load.minimum_minutes) == (300, 240)
    totals = dict(plan.totals_by_team())
    assert totals["A"].demanded_minutes == 300 and totals["A"].available_hours == pytest.approx(96.2)
    assert plan.total().demanded_minutes == 600


def test_the_package_is_pure_and_keeps_every_public_name() -> None:
    # Split into quarters, inputs, outputs and compute: no Django below the package, and every
    # name the callers import (oversight.capacity, the tests) still comes from the package.
    code = (
        "import sys, oversight.policy.capacity as capacity; "
        "assert 'django' not in sys.modules, sorted(m for m in sys.modules if m.startswith('django')); "
        "missing = [n for n in capacity.__all__ if not hasattr(capacity, n)]; assert not missing, missing; "
        "from oversight.policy.capacity import KIND_LABELS, Load, Plan, plan_quarter, outside_view, Inputs"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
