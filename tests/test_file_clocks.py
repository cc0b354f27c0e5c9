"""File and quality clocks (issue 8): the pack's ``file_clocks`` computed from a scenario's
``file_events``, with dates worked out by hand from the policy text (Leeds 4.11, 4.18, 4.19;
Bristol 5.10; Buckinghamshire Coaching for Performance). Pure engine: no Django."""

from __future__ import annotations

import copy
import json
from datetime import date, timedelta
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from oversight.policy import evaluate, parse_scenario, shipped_packs
from oversight.policy.pack import FILE_EVENT_KINDS, PackError, parse_pack
from oversight.policy.scenario import ScenarioError

LEEDS = "001_8acf471507eacfb1.txt"


def scenario(policy: str = "leeds-2023", as_of: str = "2026-03-02", **lists: Any) -> dict[str, Any]:
    """A team manager (tm1) supervising two social workers since 2020, plus ``lists``."""
    base: dict[str, Any] = {
        "policy": policy,
        "as_of": as_of,
        "people": [
            {"id": "tm1", "role": "team_manager", "started": "2014-09-01"},
            {"id": "sw1", "role": "social_worker", "started": "2019-03-04"},
            {"id": "sw2", "role": "social_worker", "started": "2020-03-04"},
        ],
        "relationships": [
            {"supervisor": "tm1", "supervisee": "sw1", "from": "2020-03-04"},
            {"supervisor": "tm1", "supervisee": "sw2", "from": "2020-03-04"},
        ],
    }
    base.update(lists)
    return base


def run(data: dict[str, Any]) -> dict[str, dict[str, Any]]:
    parsed, pack = parse_scenario(json.dumps(data))
    return {ob["id"]: ob for ob in evaluate(parsed, pack)["obligations"]}


def files(data: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {k: v for k, v in run(data).items() if v["kind"] == "file"}


def event(person: str, kind: str, day: str) -> dict[str, str]:
    return {"person": person, "kind": kind, "date": day}


# --- only when the scenario carries file_events ----------------------------------------------


@pytest.mark.parametrize("policy", sorted(shipped_packs()))
def test_without_file_events_nothing_is_owed_and_the_rest_is_unchanged(policy: str) -> None:
    data = scenario(policy)
    data["people"].append({"id": "p1", "role": "social_worker", "started": "2025-11-30"})
    without = run(data)
    assert not [k for k in without if k.startswith("file:")]
    assert not files({**data, "file_events": None})
    with_events = run({**data, "file_events": [event("tm1", "training", "2024-01-10")]})
    assert {k: v for k, v in with_events.items() if v["kind"] != "file"} == without
    clocks = shipped_packs()[policy].file_clocks
    assert bool(files({**data, "file_events": []})) == bool(clocks)


def test_each_kind_of_event_is_known_and_each_clock_keeps_its_id_and_citation() -> None:
    packs = shipped_packs()
    ids = {p.id: {r.id: (r.kind, r.source) for r in p.file_clocks} for p in packs.values()}
    assert ids["leeds-2023"] == {
        "leeds.self_care_plan": ("self_care_plan", "4.11"),
        "leeds.self_care_review": ("self_care_review", "4.2, 4.11, 4.3"),
        "leeds.training_refresh": ("training", "4.18"),
        "leeds.qa.observation": ("supervision_observed", "4.19"),
        "leeds.qa.audit": ("file_audit", "4.19"),
    }
    assert ids["bristol-2020"] == {"bristol.qa": ("file_audit", "5.10")}
    assert ids["buckinghamshire-2024"] == {"bucks.c4p": ("objectives_set", "Coaching for Performance")}
    assert ids["lambeth-2021"] == ids["blackpool-2020"] == {}
    for pack in packs.values():
        moved = {r.id for r in pack.file_clocks}
        assert not moved & {r.id for r in pack.other_rules}  # moved, not copied
        for rule in pack.file_clocks:
            assert rule in pack.all_rules() and rule.interpretation
    # what is not a clock on a person stays with its citation
    leeds_other = {r.id for r in packs["leeds-2023"].other_rules}
    assert {"leeds.qa.health_check", "leeds.supervision_file"} <= leeds_other
    assert "bucks.staff_survey" in {r.id for r in packs["buckinghamshire-2024"].other_rules}


# --- Leeds 4.18: supervision training refreshed every 5 years -------------------------------


def test_leeds_training_five_years_after_the_last() -> None:
    got = files(scenario(file_events=[event("tm1", "training", "2020-06-15")]))
    ob = got["file:training:tm1"]
    assert ob == {
        "id": "file:training:tm1",
        "kind": "file",
        "event_kind": "training",
        "person": "tm1",
        "who": "supervisors",
        "anchor": "2020-03-04",  # the day tm1 began to supervise
        "due": "2025-06-15",
        "done": "2020-06-15",
        "status": "overdue",
        "every": "5 years",
        "rule": "leeds.training_refresh",
        "source": f"{LEEDS} 4.18",
    }
    again = files(
        scenario(file_events=[event("tm1", "training", "2020-06-15"), event("tm1", "training", "2025-06-10")])
    )
    assert (again["file:training:tm1"]["due"], again["file:training:tm1"]["status"]) == ("2030-06-10", "upcoming")


def test_leeds_training_never_done_is_owed_from_the_day_they_began_to_supervise() -> None:
    data = scenario(
        as_of="2026-01-05",
        relationships=[{"supervisor": "tm1", "supervisee": "sw1", "from": "2026-01-05"}],
        file_events=[],
    )
    ob = files(data)["file:training:tm1"]
    assert (ob["due"], ob["done"], ob["status"]) == ("2026-01-05", None, "upcoming")  # on the day: on time
    ob = files({**data, "as_of": "2026-01-06"})["file:training:tm1"]
    assert ob["status"] == "overdue"
    # training taken before they began (the Aspiring Managers programme, 4.18) counts
    trained = files({**data, "as_of": "2026-01-06", "file_events": [event("tm1", "training", "2025-09-01")]})
    assert (trained["file:training:tm1"]["due"], trained["file:training:tm1"]["status"]) == ("2030-09-01", "upcoming")


def test_a_supervisor_is_someone_supervising_on_the_day_and_began_with_their_first_relationship() -> None:
    data = scenario(
        relationships=[
            {"supervisor": "tm1", "supervisee": "sw1", "from": "2017-02-01", "to": "2018-01-31"},
            {"supervisor": "tm1", "supervisee": "sw2", "from": "2022-05-01"},
        ],
        file_events=[],
    )
    assert files(data)["file:supervision_observed:tm1"]["anchor"] == "2017-02-01"
    ended = copy.deepcopy(data)
    ended["relationships"][1]["to"] = "2026-03-01"
    assert not [k for k in files(ended) if k.endswith(":tm1")]
    left = copy.deepcopy(data)
    left["people"][2]["left"] = "2026-02-27"  # their only current supervisee has gone
    assert not [k for k in files(left) if k.endswith(":tm1")]
    gone = copy.deepcopy(data)
    gone["people"][0]["left"] = "2026-03-01"
    assert not [k for k in files(gone) if ":tm1" in k]


# --- Leeds 4.19: observation and audit of supervision at least annually -----------------------


def test_leeds_observation_and_audit_annually_first_within_a_year_of_beginning() -> None:
    data = scenario(
        as_of="2026-03-02",
        relationships=[{"supervisor": "tm1", "supervisee": "sw1", "from": "2025-02-28"}],
        file_events=[event("tm1", "supervision_observed", "2025-03-01")],
    )
    got = files(data)
    observed, audit = got["file:supervision_observed:tm1"], got["file:file_audit:tm1"]
    assert (observed["due"], observed["status"], observed["rule"]) == ("2026-03-01", "overdue", "leeds.qa.observation")
    assert (audit["due"], audit["done"], audit["status"]) == ("2026-02-28", None, "overdue")
    assert audit["source"] == observed["source"] == f"{LEEDS} 4.19"
    on_the_day = files({**data, "as_of": "2026-03-01"})["file:supervision_observed:tm1"]
    assert on_the_day["status"] == "upcoming"
    assert "session_kind" not in observed  # about the supervisor, not a kind of their supervision


def test_events_after_as_of_count_for_nothing() -> None:
    data = scenario(file_events=[event("tm1", "file_audit", "2026-03-03")])
    ob = files(data)["file:file_audit:tm1"]
    assert (ob["done"], ob["due"], ob["status"]) == (None, "2021-03-04", "overdue")


# --- Leeds 4.11: a self-care plan at the start of the relationship, reviewed ------------------


def leeds_newcomer(as_of: str, *events: dict[str, str]) -> dict[str, Any]:
    return scenario(
        as_of=as_of,
        people=[
            {"id": "tm1", "role": "team_manager", "started": "2014-09-01"},
            {"id": "tm2", "role": "team_manager", "started": "2014-09-01"},
            {"id": "sw1", "role": "social_worker", "started": "2019-03-04"},
        ],
        relationships=[
            {"supervisor": "tm2", "supervisee": "sw1", "from": "2019-03-04", "to": "2026-01-30"},
            {"supervisor": "tm1", "supervisee": "sw1", "from": "2026-01-31"},
        ],
        file_events=list(events),
    )


def test_leeds_self_care_plan_within_a_month_of_the_current_relationship() -> None:
    # a new supervisor from 31 January: the plan is due a month on, clamped to 28 February
    ob = files(leeds_newcomer("2026-02-28"))["file:self_care_plan:sw1"]
    assert (ob["anchor"], ob["due"], ob["done"], ob["status"]) == ("2026-01-31", "2026-02-28", None, "pending")
    assert (ob["every"], ob["session_kind"], ob["source"]) == (None, "personal", f"{LEEDS} 4.11")
    assert files(leeds_newcomer("2026-03-01"))["file:self_care_plan:sw1"]["status"] == "overdue"
    on_time = files(leeds_newcomer("2026-03-20", event("sw1", "self_care_plan", "2026-02-28")))
    assert (on_time["file:self_care_plan:sw1"]["done"], on_time["file:self_care_plan:sw1"]["status"]) == (
        "2026-02-28",
        "met",
    )
    late = files(leeds_newcomer("2026-03-20", event("sw1", "self_care_plan", "2026-03-01")))
    assert late["file:self_care_plan:sw1"]["status"] == "late"
    # the plan made with the last supervisor does not meet it; reviewing it with the new one does
    old = files(leeds_newcomer("2026-03-20", event("sw1", "self_care_plan", "2025-06-01")))
    assert (old["file:self_care_plan:sw1"]["done"], old["file:self_care_plan:sw1"]["status"]) == (None, "overdue")
    reviewed = files(
        leeds_newcomer(
            "2026-03-20", event("sw1", "self_care_plan", "2025-06-01"), event("sw1", "self_care_review", "2026-02-10")
        )
    )
    assert reviewed["file:self_care_plan:sw1"]["status"] == "met"


def test_leeds_self_care_review_only_with_a_plan_twelve_months_from_the_last() -> None:
    assert "file:self_care_review:sw1" not in files(leeds_newcomer("2026-03-20"))
    plan_only = files(leeds_newcomer("2026-03-20", event("sw1", "self_care_plan", "2025-02-28")))
    ob = plan_only["file:self_care_review:sw1"]
    assert (ob["due"], ob["done"], ob["status"], ob["rule"]) == (
        "2026-02-28",
        "2025-02-28",
        "overdue",
        "leeds.self_care_review",
    )
    reviewed = files(
        leeds_newcomer(
            "2026-03-20", event("sw1", "self_care_plan", "2025-02-28"), event("sw1", "self_care_review", "2026-02-27")
        )
    )
    assert (reviewed["file:self_care_review:sw1"]["due"], reviewed["file:self_care_review:sw1"]["status"]) == (
        "2027-02-27",
        "upcoming",
    )
    # a review with no plan on file owes nothing more (the clock needs the plan)
    assert "file:self_care_review:sw1" not in files(
        leeds_newcomer("2026-03-20", event("sw1", "self_care_review", "2026-02-27"))
    )


# --- Bristol 5.10 and Buckinghamshire C4P ---------------------------------------------------


def test_bristol_quarterly_audit_of_each_supervisor() -> None:
    data = scenario(
        "bristol-2020",
        as_of="2026-03-02",
        relationships=[{"supervisor": "tm1", "supervisee": "sw1", "from": "2025-11-30"}],
        file_events=[],
    )
    ob = files(data)["file:file_audit:tm1"]
    assert (ob["due"], ob["status"], ob["every"]) == ("2026-02-28", "overdue", "3 months")  # 30 Nov + 3 months
    assert ob["source"] == "000_d53851039f9fa32d.txt 5.10"
    audited = files({**data, "file_events": [event("tm1", "file_audit", "2026-01-15")]})
    assert (audited["file:file_audit:tm1"]["due"], audited["file:file_audit:tm1"]["status"]) == (
        "2026-04-15",
        "upcoming",
    )
    assert set(files(data)) == {"file:file_audit:tm1"}  # Bristol sets no other clock


def test_buckinghamshire_objectives_set_quarterly_for_all_staff() -> None:
    data = scenario(
        "buckinghamshire-2024",
        as_of="2026-03-02",
        people=[
            {"id": "tm1", "role": "team_manager", "started": "2014-09-01"},
            {"id": "new", "role": "business_support", "started": "2025-11-30"},
            {"id": "stu", "role": "student_social_worker", "started": "2026-01-31"},
            {"id": "gone", "role": "social_worker", "started": "2015-01-05", "left": "2026-03-01"},
            {"id": "soon", "role": "social_worker", "started": "2026-04-01"},
        ],
        relationships=[],
        file_events=[event("tm1", "objectives_set", "2026-01-31"), event("tm1", "objectives_set", "2025-10-31")],
    )
    got = files(data)
    assert set(got) == {"file:objectives_set:tm1", "file:objectives_set:new", "file:objectives_set:stu"}
    assert (got["file:objectives_set:tm1"]["due"], got["file:objectives_set:tm1"]["status"]) == (
        "2026-04-30",
        "upcoming",
    )
    assert got["file:objectives_set:tm1"]["done"] == "2026-01-31"
    assert (got["file:objectives_set:new"]["due"], got["file:objectives_set:new"]["status"]) == (
        "2026-02-28",
        "overdue",
    )
    assert got["file:objectives_set:stu"]["due"] == "2026-04-30"
    assert got["file:objectives_set:new"]["session_kind"] == "personal"  # discussed in personal supervision
    assert got["file:objectives_set:new"]["who"] == "staff"


# --- the kinds a source records ----------------------------------------------------------------


def test_only_the_kinds_the_source_records_are_owed() -> None:
    data = scenario(file_events=[event("sw1", "self_care_plan", "2024-05-01")], file_event_kinds=["training"])
    assert set(files(data)) == {"file:training:tm1"}
    care = files({**data, "file_event_kinds": ["self_care_plan"]})
    assert set(care) == {"file:self_care_plan:sw1", "file:self_care_plan:sw2"}  # the review needs its own kind
    both = files({**data, "file_event_kinds": ["self_care_plan", "self_care_review"]})
    assert "file:self_care_review:sw1" in both and "file:self_care_review:sw2" not in both
    assert set(files({**data, "file_event_kinds": []})) == set()


# --- a pack of the council's own: roles, and rules that do not read -----------------------------


def pack_data(**clock: Any) -> dict[str, Any]:
    data = shipped_packs()["leeds-2023"].model_dump(mode="json", exclude_none=True)
    data["file_clocks"] = [{"id": "x.clock", "source": "9.9", **clock}]
    return data


def test_a_clock_may_name_roles() -> None:
    pack = parse_pack(
        pack_data(kind="training", who="staff", roles=["team_manager"], every={"years": 3}, first_due="one_period")
    )
    parsed, _ = parse_scenario(json.dumps(scenario(file_events=[])))
    obligations = [ob for ob in evaluate(parsed, pack)["obligations"] if ob["kind"] == "file"]
    assert [(ob["id"], ob["due"], ob["anchor"]) for ob in obligations] == [
        ("file:training:tm1", "2017-09-01", "2014-09-01")
    ]


@pytest.mark.parametrize(
    ("clock", "path", "words"),
    [
        (
            {"kind": "training", "who": "staff", "first_due": "one_period"},
            "file_clocks[0]",
            "first_due must be 'at_start'",
        ),
        (
            {"kind": "training", "who": "staff", "every": {"years": 1}, "first_due": "only_with"},
            "file_clocks[0]",
            "requires",
        ),
        (
            {
                "kind": "training",
                "who": "staff",
                "every": {"years": 1},
                "first_due": "one_period",
                "within": {"weeks": 2},
            },
            "file_clocks[0]",
            "within",
        ),
        (
            {
                "kind": "training",
                "who": "staff",
                "roles": ["astronaut"],
                "every": {"years": 1},
                "first_due": "one_period",
            },
            "file_clocks[0].roles",
            "unknown role 'astronaut'",
        ),
        (
            {"kind": "nap", "who": "staff", "every": {"years": 1}, "first_due": "one_period"},
            "file_clocks[0].kind",
            "Input should be",
        ),
        (
            {"kind": "training", "who": "everyone", "every": {"years": 1}, "first_due": "one_period"},
            "file_clocks[0].who",
            "Input should be",
        ),
    ],
)
def test_a_clock_that_does_not_read_is_refused_naming_the_field(clock: dict[str, Any], path: str, words: str) -> None:
    with pytest.raises(PackError) as caught:
        parse_pack(pack_data(**clock))
    assert any(p == path and words in m for p, m in caught.value.errors), caught.value.errors


def test_two_clocks_on_one_kind_are_refused() -> None:
    data = pack_data(kind="training", who="staff", every={"years": 1}, first_due="one_period")
    data["file_clocks"].append({**data["file_clocks"][0], "id": "x.other"})
    with pytest.raises(PackError, match="a kind of file event has two clocks"):
        parse_pack(data)


# --- validation of file_events -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("bad", "field", "words"),
    [
        ({"person": "zz", "kind": "training", "date": "2020-01-01"}, "file_events[1].person", "unknown person 'zz'"),
        ({"person": "tm1", "kind": "nap", "date": "2020-01-01"}, "file_events[1].kind", "unknown kind 'nap'"),
        ({"person": "tm1", "kind": "training", "date": "2020-02-30"}, "file_events[1].date", "YYYY-MM-DD"),
        ({"person": "tm1", "kind": "training"}, "file_events[1].date", "missing"),
        ({"kind": "training", "date": "2020-01-01"}, "file_events[1].person", "missing"),
    ],
)
def test_a_bad_file_event_is_refused_naming_the_field(bad: dict[str, Any], field: str, words: str) -> None:
    data = scenario(file_events=[event("tm1", "training", "2020-01-01"), bad])
    with pytest.raises(ScenarioError) as caught:
        parse_scenario(json.dumps(data))
    assert caught.value.field == field and words in caught.value.message


def test_an_unknown_recorded_kind_is_refused_naming_the_field() -> None:
    with pytest.raises(ScenarioError) as caught:
        parse_scenario(json.dumps(scenario(file_events=[], file_event_kinds=["training", "naps"])))
    assert caught.value.field == "file_event_kinds[1]" and "unknown kind 'naps'" in caught.value.message


# --- properties ----------------------------------------------------------------------------------

RECURRING = [r for p in shipped_packs().values() for r in p.file_clocks if r.every is not None]


@settings(max_examples=150, deadline=None)
@given(
    rule_index=st.integers(0, len(RECURRING) - 1),
    offsets=st.lists(st.integers(-2000, 400), max_size=6),
    as_of_offset=st.integers(0, 3000),
)
def test_a_recurring_clock_is_due_one_period_after_the_last_event_on_or_before_as_of(
    rule_index: int, offsets: list[int], as_of_offset: int
) -> None:
    rule = RECURRING[rule_index]
    pack = next(p for p in shipped_packs().values() if rule in p.file_clocks)
    as_of = date(2022, 1, 1) + timedelta(days=as_of_offset)
    person = "tm1" if rule.who == "supervisors" else "sw1"
    days = [as_of + timedelta(days=o) for o in offsets]
    events = [event(person, rule.kind, d.isoformat()) for d in days]
    if rule.requires:
        events.append(event(person, rule.requires, "2019-05-01"))
    data = scenario(pack.id, as_of=as_of.isoformat(), file_events=events)
    ob = files(data).get(f"file:{rule.kind}:{person}")
    assert ob is not None
    counted = [d for d in days if d <= as_of] + ([date(2019, 5, 1)] if rule.requires else [])
    due = date.fromisoformat(ob["due"])
    if counted:
        assert ob["done"] == max(counted).isoformat()
        assert due == rule.every.add_to(max(counted))
    else:
        assert ob["done"] is None
    assert ob["status"] == ("overdue" if as_of > due else "upcoming")
    # an event on as_of itself always puts the clock in date
    again = files({**data, "file_events": [*events, event(person, rule.kind, as_of.isoformat())]})
    assert again[ob["id"]]["status"] == "upcoming"


@settings(max_examples=60, deadline=None)
@given(policy=st.sampled_from(sorted(shipped_packs())), kinds=st.lists(st.sampled_from(FILE_EVENT_KINDS), max_size=8))
def test_file_events_never_change_any_other_obligation(policy: str, kinds: list[str]) -> None:
    data = scenario(policy)
    events = [event(("tm1", "sw1", "sw2")[i % 3], kind, f"2025-0{1 + i % 9}-1{i % 9}") for i, kind in enumerate(kinds)]
    without = run(data)
    with_events = run({**data, "file_events": events})
    assert {k: v for k, v in with_events.items() if not k.startswith("file:")} == without
    assert all(
        v["status"] in ("overdue", "upcoming", "met", "late", "pending")
        for k, v in with_events.items()
        if k.startswith("file:")
    )
