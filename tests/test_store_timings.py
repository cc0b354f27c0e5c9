"""The engine's opt-in held-session timings (``evaluate(..., timings=True)``), on generated
scenarios of every shipped pack: the contract's report is unchanged, and the timings are
the sessions each supervision obligation's ``history`` counts."""

from __future__ import annotations

import io
import json
from collections import Counter

import pytest

from oversight.policy import evaluate
from oversight.policy.generate import write_scenario
from oversight.policy.scenario import check_policy_and_references, scenario_from_python

POLICIES = ["leeds-2023", "lambeth-2021", "bristol-2020", "blackpool-2020", "buckinghamshire-2024"]


@pytest.mark.parametrize("policy", POLICIES)
def test_timings_add_up_to_history_and_change_nothing_else(policy: str) -> None:
    out = io.StringIO()
    write_scenario(out, staff=60, children=200, years=2, seed=7, policy=policy, as_of="2026-11-02")
    scenario = scenario_from_python(json.loads(out.getvalue()))
    pack = check_policy_and_references(scenario)
    plain = evaluate(scenario, pack)
    timed = evaluate(scenario, pack, timings=True)
    assert "timings" not in plain
    assert timed["obligations"] == plain["obligations"]
    held = Counter((t["person"], t["session_kind"]) for t in timed["timings"])
    late = Counter((t["person"], t["session_kind"]) for t in timed["timings"] if not t["on_time"])
    supervision = [ob for ob in plain["obligations"] if ob["kind"] == "supervision"]
    assert supervision
    for ob in supervision:
        key = (ob["person"], ob["session_kind"])
        assert (held[key], late[key]) == (ob["history"]["held"], ob["history"]["late"]), ob["id"]
    assert sum(held.values()) == sum(ob["history"]["held"] for ob in supervision)
    # each session once per person, late ones against a due date before they were held
    assert len({(t["person"], t["session"]) for t in timed["timings"]}) == len(timed["timings"])
    assert all(t["on_time"] or t["due"] < t["held"] for t in timed["timings"])
