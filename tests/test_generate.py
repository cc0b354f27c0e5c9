"""``oversight generate``: realistic, valid and deterministic scenarios."""

import json
import subprocess
import sys
from collections import Counter
from functools import cache

import pytest

from oversight.policy import evaluate, parse_scenario, shipped_packs
from oversight.policy.generate import generate_scenario

from .conftest import OVERSIGHT

POLICIES = ("leeds-2023", "lambeth-2021", "bristol-2020", "blackpool-2020", "buckinghamshire-2024")
AS_OF = "2026-11-02"


@cache
def small(policy: str, seed: int = 1) -> str:
    return generate_scenario(staff=60, children=300, years=2, seed=seed, policy=policy, as_of=AS_OF)


def test_the_five_shipped_policies_are_the_ones_tested() -> None:
    assert set(POLICIES) == set(shipped_packs())


def test_the_generator_does_not_import_django() -> None:
    code = "import sys, oversight.policy.generate; assert 'django' not in sys.modules"
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr


def test_same_seed_same_bytes_other_seed_other_bytes() -> None:
    first = small("leeds-2023", seed=7)
    again = generate_scenario(staff=60, children=300, years=2, seed=7, policy="leeds-2023", as_of=AS_OF)
    other = generate_scenario(staff=60, children=300, years=2, seed=8, policy="leeds-2023", as_of=AS_OF)
    assert first == again
    assert first != other


def test_output_is_one_compact_json_object() -> None:
    text = small("leeds-2023")
    assert text.startswith('{"policy":"leeds-2023","as_of":"2026-11-02"')
    assert text.count("\n") == 1 and text.endswith("}\n")
    assert ": " not in text[:2000] and ", " not in text[:2000]
    assert set(json.loads(text)) == {
        "policy",
        "as_of",
        "people",
        "relationships",
        "agreements",
        "sessions",
        "children",
        "case_reviews",
        "hours",
        "absences",
    }


@pytest.mark.parametrize("policy", POLICIES)
def test_every_policy_gives_a_scenario_the_engine_accepts_and_evaluates(policy: str) -> None:
    scenario, pack = parse_scenario(small(policy))  # refuses dangling ids, duplicate ids, impossible dates
    assert pack.id == policy
    report = evaluate(scenario, pack)
    kinds = Counter(ob["kind"] for ob in report["obligations"])
    assert kinds["supervision"] >= 40
    assert kinds["agreement"] >= 20
    reviewed = {status for rule in pack.case_review for status in rule.statuses}
    assert kinds["case_review"] == sum(1 for child in scenario.children if child.status in reviewed)
    if pack.case_review:
        assert kinds["case_review"] > 250
    if pack.observations:
        assert kinds["observation"] > 0
    statuses = Counter(ob["status"] for ob in report["obligations"] if ob["kind"] == "supervision")
    assert statuses["upcoming"] > statuses["overdue"] > 0 or statuses["overdue"] == 0


@pytest.mark.parametrize("policy", POLICIES)
def test_the_workforce_is_realistic(policy: str) -> None:
    data = json.loads(small(policy))
    roles = set(shipped_packs()[policy].roles)
    people = data["people"]
    by_id = {p["id"]: p for p in people}
    assert {p["role"] for p in people} <= roles
    current = [p for p in people if not p.get("left")]
    assert 50 <= len(current) <= 66  # the establishment of 60, give or take
    assert any(p["role"] == "nqsw_asye" and p["asye_start"] and "asye_reviews" in p for p in people)
    assert any(p.get("employment") == "student" and p["role"] == "student_social_worker" for p in people)
    casual = {p["id"] for p in people if p.get("employment") == "casual"}
    assert casual and casual & {h["person"] for h in data["hours"]}
    assert any(p.get("employment") == "temporary" for p in people)
    assert sum(1 for p in people if p.get("left")) >= 10  # turnover over 2 years
    assert {"team_manager", "social_worker", "senior_social_worker"} <= {p["role"] for p in current}
    # a line-management tree: team managers over about 7-10 practitioners
    active = [r for r in data["relationships"] if not r.get("to")]
    load = Counter(r["supervisor"] for r in active if by_id[r["supervisor"]]["role"] == "team_manager")
    assert load and 5 <= sum(load.values()) / len(load) <= 11
    assert any(r.get("to") for r in data["relationships"])
    assert all(not r.get("to") or r["to"] >= r["from"] for r in data["relationships"])
    assert any(a["reviewed"] for a in data["agreements"])
    # children spread over case holders
    workers = Counter(c["worker"] for c in data["children"])
    assert len(workers) >= 15 and max(workers.values()) <= 40


@pytest.mark.parametrize("policy", POLICIES)
def test_sessions_cover_the_contract(policy: str) -> None:
    data = json.loads(small(policy))
    pack = shipped_packs()[policy]
    sessions = data["sessions"]
    assert len({s["id"] for s in sessions}) == len(sessions)
    status = Counter(s["status"] for s in sessions)
    cancelled_share = status["cancelled"] / (status["held"] + status["cancelled"])
    assert 0.02 <= cancelled_share <= 0.10
    assert status["planned"] > 0
    assert all(s["date"] > AS_OF for s in sessions if s["status"] == "planned")
    cancelled = [s for s in sessions if s["status"] == "cancelled"]
    assert {s["reason"] for s in cancelled} == {"sickness", "leave", "other"}
    assert any("return_to_work" in s for s in cancelled)
    held = [s for s in sessions if s["status"] == "held"]
    assert sum("record_shared" in s for s in held) / len(held) > 0.85
    assert all(s.get("record_shared", s["date"]) >= s["date"] <= AS_OF for s in held)
    kinds = {s["kind"] for s in sessions}
    required = {rule.kind for rule in pack.supervision}
    assert required - {"case"} <= kinds
    if "group" in required:
        assert all(s["attendees"] and "supervisee" not in s for s in sessions if s["kind"] == "group")
    if pack.observations:
        assert all(s["observer"] for s in sessions if s["kind"] == "observation")
    reviews = data["case_reviews"]
    assert reviews and sum(1 for r in reviews if "direction_recorded" in r) / len(reviews) > 0.8
    assert any(a["to"] is None or a["to"] > a["from"] for a in data["absences"])


def test_buckinghamshire_children_carry_manager_frequencies_and_rationales() -> None:
    children = json.loads(small("buckinghamshire-2024"))["children"]
    assert any(c.get("review_every_weeks") for c in children)
    assert 0.5 < sum(1 for c in children if c.get("rationale")) / len(children) < 1
    assert not any(c.get("rationale") for c in json.loads(small("leeds-2023"))["children"])


def test_sessions_scale_with_staff() -> None:
    def sessions(staff: int) -> int:
        text = generate_scenario(staff=staff, children=staff * 5, years=1, seed=3, policy="leeds-2023", as_of=AS_OF)
        return len(json.loads(text)["sessions"])

    few, many = sessions(40), sessions(160)
    assert 3.0 < many / few < 5.5
    assert 15 < few / 40 < 40  # roughly 20 sessions a year per post under Leeds


def test_tiny_and_empty_runs_are_valid() -> None:
    for staff, children in ((1, 0), (2, 5), (12, 0)):
        parse_scenario(
            generate_scenario(
                staff=staff, children=children, years=1, seed=1, policy="lambeth-2021", as_of="2024-02-29"
            )
        )


def test_generate_through_the_cli() -> None:
    proc = subprocess.run(
        [
            str(OVERSIGHT),
            "generate",
            "--staff",
            "50",
            "--children",
            "200",
            "--years",
            "1",
            "--seed",
            "3",
            "--policy",
            "leeds-2023",
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stderr
    assert proc.stderr == ""
    data = json.loads(proc.stdout)
    assert data["policy"] == "leeds-2023" and data["as_of"] == "2026-11-02"
    assert len(data["children"]) == 200
