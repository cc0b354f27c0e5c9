"""File and quality clocks through the real ``oversight`` command and the policy pages:
``check`` refuses bad ``file_events`` naming the field, ``policy show`` and ``policy compare``
(and the browser's pack and comparison pages) show the clocks with their citations."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from django.test import Client

OVERSIGHT = Path(sys.executable).parent / "oversight"

SCENARIO: dict[str, Any] = {
    "policy": "leeds-2023",
    "as_of": "2026-03-02",
    "people": [
        {"id": "tm1", "role": "team_manager", "started": "2014-09-01"},
        {"id": "sw1", "role": "social_worker", "started": "2019-03-04"},
    ],
    "relationships": [{"supervisor": "tm1", "supervisee": "sw1", "from": "2026-01-05"}],
    "file_events": [{"person": "tm1", "kind": "training", "date": "2020-06-15"}],
}


def oversight(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(OVERSIGHT), *args], capture_output=True, text=True, timeout=120)


def check(tmp_path: Path, data: Any) -> subprocess.CompletedProcess[str]:
    path = tmp_path / "scenario.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    return oversight("check", str(path))


def test_check_reports_file_clocks(tmp_path: Path) -> None:
    proc = check(tmp_path, SCENARIO)
    assert proc.returncode == 0, proc.stderr
    report = json.loads(proc.stdout)
    ids = [ob["id"] for ob in report["obligations"]]
    assert ids == sorted(ids)
    by_id = {ob["id"]: ob for ob in report["obligations"]}
    assert by_id["file:training:tm1"]["due"] == "2025-06-15"
    assert by_id["file:training:tm1"]["status"] == "overdue"
    assert by_id["file:self_care_plan:sw1"]["due"] == "2026-02-05"
    assert by_id["file:self_care_plan:sw1"]["status"] == "overdue"
    assert by_id["file:supervision_observed:tm1"]["due"] == "2027-01-05"
    without = check(tmp_path, {k: v for k, v in SCENARIO.items() if k != "file_events"})
    assert not [ob for ob in json.loads(without.stdout)["obligations"] if ob["kind"] == "file"]


@pytest.mark.parametrize(
    ("events", "line"),
    [
        (
            [{"person": "nobody", "kind": "training", "date": "2020-01-01"}],
            "file_events[0].person: unknown person 'nobody'",
        ),
        ([{"person": "tm1", "kind": "holiday", "date": "2020-01-01"}], "file_events[0].kind: unknown kind 'holiday'"),
        (
            [{"person": "tm1", "kind": "training", "date": "01/02/2020"}],
            "file_events[0].date: not a date in the form YYYY-MM-DD",
        ),
        ([{"person": "tm1", "kind": "training"}], "file_events[0].date: missing"),
        ("training", "file_events: expected `array | null`"),
    ],
)
def test_check_refuses_a_bad_file_event_naming_the_field(tmp_path: Path, events: Any, line: str) -> None:
    proc = check(tmp_path, {**SCENARIO, "file_events": events})
    assert proc.returncode == 2
    assert proc.stdout == ""
    assert len(proc.stderr.strip().splitlines()) == 1
    assert proc.stderr.startswith(line), proc.stderr
    assert "Traceback" not in proc.stderr


def test_policy_show_lists_the_clocks_with_their_citations() -> None:
    proc = oversight("policy", "show", "leeds-2023")
    assert proc.returncode == 0, proc.stderr
    lines = {line.split()[0]: line for line in proc.stdout.splitlines() if line.startswith("leeds.")}
    assert "every 5 years; never done: due on the day they began to supervise" in lines["leeds.training_refresh"]
    assert lines["leeds.training_refresh"].rstrip().endswith("001_8acf471507eacfb1.txt 4.18")
    assert "only for those with a self-care plan" in lines["leeds.self_care_review"]
    assert "once, within 1 month of the start of the supervisory relationship" in lines["leeds.self_care_plan"]
    assert lines["leeds.qa.audit"].rstrip().endswith("4.19")
    assert "leeds.self_care_review_period" in proc.stdout  # the gap is surfaced as a conflict


def test_policy_compare_sets_the_clocks_side_by_side() -> None:
    proc = oversight("policy", "compare", "leeds-2023", "bristol-2020", "buckinghamshire-2024", "lambeth-2021")
    assert proc.returncode == 0, proc.stderr
    rows = {line.split("  ")[0]: line for line in proc.stdout.splitlines() if line.startswith("file clock:")}
    assert set(rows) == {
        "file clock: training",
        "file clock: supervision_observed",
        "file clock: file_audit",
        "file clock: self_care_plan",
        "file clock: self_care_review",
        "file clock: objectives_set",
    }
    audit = rows["file clock: file_audit"]
    assert "every 12 months" in audit and "every 3 months" in audit and audit.rstrip().endswith("*")
    assert "every 3 months; never done: due 3 months after the day they started" in rows["file clock: objectives_set"]
    same = oversight("policy", "compare", "lambeth-2021", "blackpool-2020")
    assert "file clock:" not in same.stdout  # neither sets one


@pytest.mark.django_db
def test_the_pack_and_comparison_pages_show_the_clocks(client: Client) -> None:
    body = client.get("/policies/leeds-2023/").content.decode()
    assert "leeds.training_refresh" in body and "refresh their" in body
    assert "leeds.qa.observation" in body
    compare = client.get("/policies/compare/?packs=leeds-2023&packs=buckinghamshire-2024").content.decode()
    assert ">file clock: objectives_set</th>" in compare and ">file clock: training</th>" in compare
