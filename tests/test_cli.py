"""The real `oversight` command, run as a user runs it (the contract's headless face)."""

from __future__ import annotations

import copy
import json
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from oversight.policy import shipped_packs

OVERSIGHT = Path(sys.executable).parent / "oversight"
SHARED = Path(__file__).resolve().parents[2] / "shared"
CASES = SHARED / "conformance" / "cases"
PACK_DIR = Path(__file__).resolve().parents[1] / "src" / "oversight" / "policy" / "packs"


def oversight(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(OVERSIGHT), *args], input=stdin, capture_output=True, text=True, timeout=120)


def write(tmp_path: Path, data: Any, name: str = "scenario.json") -> Path:
    path = tmp_path / name
    path.write_text(data if isinstance(data, str) else json.dumps(data), encoding="utf-8")
    return path


# --- a good scenario: the one in the contract's README -----------------------------------

README_SCENARIO = {
    "policy": "leeds-2023",
    "as_of": "2026-03-02",
    "people": [
        {"id": "tm1", "role": "team_manager", "started": "2014-09-01"},
        {
            "id": "sw1",
            "role": "nqsw_asye",
            "started": "2026-01-05",
            "asye_start": "2026-01-05",
            "asye_reviews": ["2026-04-02"],
            "employment": "permanent",
            "left": None,
        },
        {"id": "sw2", "role": "social_worker", "started": "2019-03-04"},
        {"id": "cas1", "role": "family_support_worker", "started": "2025-06-02", "employment": "casual"},
    ],
    "relationships": [
        {
            "supervisor": "tm1",
            "supervisee": "sw1",
            "from": "2026-01-05",
            "to": None,
            "kinds": ["personal", "case", "group"],
        },
    ],
    "agreements": [{"supervisor": "tm1", "supervisee": "sw1", "signed": "2026-01-20", "reviewed": []}],
    "sessions": [
        {
            "id": "s1",
            "kind": "personal",
            "supervisor": "tm1",
            "supervisee": "sw1",
            "date": "2026-01-12",
            "status": "held",
            "record_shared": "2026-01-14",
            "record_agreed": "2026-01-16",
        },
        {
            "id": "s2",
            "kind": "personal",
            "supervisor": "tm1",
            "supervisee": "sw1",
            "date": "2026-01-19",
            "status": "cancelled",
            "cancelled_on": "2026-01-16",
            "reason": "sickness",
            "return_to_work": "2026-01-22",
        },
        {
            "id": "g1",
            "kind": "group",
            "supervisor": "tm1",
            "attendees": ["sw1", "sw2"],
            "date": "2026-01-21",
            "status": "held",
        },
        {
            "id": "o1",
            "kind": "observation",
            "supervisor": "tm1",
            "supervisee": "sw1",
            "observer": "tm1",
            "date": "2026-02-03",
            "status": "held",
        },
    ],
    "children": [
        {
            "id": "c1",
            "worker": "sw1",
            "status": "cp",
            "allocated": "2026-01-10",
            "review_every_weeks": None,
            "rationale": None,
        }
    ],
    "case_reviews": [
        {"id": "r1", "child": "c1", "date": "2026-02-01", "by": "tm1", "direction_recorded": "2026-02-02"}
    ],
    "hours": [{"person": "cas1", "date": "2026-01-05", "hours": 7.5}],
    "absences": [{"person": "tm1", "from": "2026-02-09", "to": "2026-03-06", "planned": False}],
}


def _good_scenarios() -> list[tuple[str, dict]]:
    out = [("readme", README_SCENARIO)]
    if CASES.is_dir():
        for path in sorted(CASES.glob("*.json")):
            data = json.loads(path.read_text())
            if "scenario" in data and "expect_error" not in data:
                out.append((path.stem, data["scenario"]))
    # every pack, with every list empty or absent
    out += [(f"empty-{pid}", {"policy": pid, "as_of": "2026-03-02"}) for pid in sorted(shipped_packs())]
    out.append(("null-lists", {"policy": "lambeth-2021", "as_of": "2026-03-02", "people": None, "sessions": None}))
    return out


REQUIRED = {"id", "kind", "due", "status", "rule", "source"}


@pytest.mark.parametrize(("name", "scen"), _good_scenarios(), ids=[n for n, _ in _good_scenarios()])
def test_check_good_scenario_prints_sorted_json(tmp_path: Path, name: str, scen: dict) -> None:
    proc = oversight("check", str(write(tmp_path, scen)))
    assert proc.returncode == 0, proc.stderr
    assert proc.stderr == ""
    report = json.loads(proc.stdout)
    assert report["policy"] == scen["policy"]
    assert report["as_of"] == scen["as_of"]
    ids = [ob["id"] for ob in report["obligations"]]
    assert ids == sorted(ids)
    assert len(ids) == len(set(ids))
    seed = shipped_packs()[scen["policy"]].seed
    for ob in report["obligations"]:
        assert REQUIRED <= set(ob), ob
        assert ob["source"].startswith(seed + " ")
        assert ob["due"] is None or re.fullmatch(r"\d{4}-\d{2}-\d{2}", ob["due"])


def test_check_readme_scenario_obligations() -> None:
    proc = oversight("check", "-", stdin=json.dumps(README_SCENARIO))
    assert proc.returncode == 0, proc.stderr
    by_id = {ob["id"]: ob for ob in json.loads(proc.stdout)["obligations"]}
    # ASYE week 2: 12 Jan + 1 week; rearrange after sickness: return Thu 22 Jan + 5 working days.
    assert by_id["supervision:personal:sw1"]["due"] == "2026-01-19"
    assert by_id["rearrange:s2"]["due"] == "2026-01-29"
    assert by_id["agreement:tm1:sw1"]["status"] == "late"
    assert by_id["absence_cover:tm1:sw1"]["status"] == "needs_cover"
    assert by_id["case_review:c1"]["due"] == "2026-05-01"  # 1 Feb + 3 months


# --- bad scenarios: exit 2, one line on stderr naming the field, nothing on stdout -------------

P = [
    {"id": "tm1", "role": "team_manager", "started": "2014-09-01"},
    {"id": "sw1", "role": "social_worker", "started": "2019-03-04"},
]
REL = [{"supervisor": "tm1", "supervisee": "sw1", "from": "2020-01-06"}]


def _s(**extra: Any) -> dict:
    return {"policy": "leeds-2023", "as_of": "2026-03-02", "people": copy.deepcopy(P), **extra}


def _people(*changes: dict) -> list[dict]:
    people = copy.deepcopy(P)
    for index, change in enumerate(changes):
        people[index].update(change)
    return people


BAD: list[tuple[str, Any, str]] = [
    ("bad-json", '{"policy": "leeds-2023", "as_of": ', "scenario"),
    ("bad-json-key", "{bad", "scenario"),
    ("not-an-object", "[]", "scenario"),
    ("not-an-object-string", '"leeds-2023"', "scenario"),
    ("missing-policy", {"as_of": "2026-03-02"}, "policy"),
    ("unknown-policy", {"policy": "york-2030", "as_of": "2026-03-02"}, "policy"),
    ("missing-as-of", {"policy": "leeds-2023"}, "as_of"),
    ("unknown-role", _s(people=_people({"role": "wizard"})), "people[0].role"),
    (
        "role-of-another-pack",
        {
            "policy": "bristol-2020",
            "as_of": "2026-03-02",
            "people": [{"id": "x", "role": "iro_cp_chair", "started": "2020-01-06"}],
        },
        "people[0].role",
    ),
    ("date-slashes", {"policy": "leeds-2023", "as_of": "02/03/2026"}, "as_of"),
    ("date-short", _s(people=_people({}, {"started": "2019-3-4"})), "people[1].started"),
    ("date-with-time", {"policy": "leeds-2023", "as_of": "2026-03-02T09:00:00"}, "as_of"),
    ("date-a-number", {"policy": "leeds-2023", "as_of": 20260302}, "as_of"),
    ("date-a-timestamp-string", {"policy": "leeds-2023", "as_of": "1767225600"}, "as_of"),
    ("date-zero-string", _s(people=_people({"started": "0"})), "people[0].started"),
    ("impossible-date", {"policy": "leeds-2023", "as_of": "2026-02-30"}, "as_of"),
    (
        "impossible-session-date",
        _s(
            relationships=REL,
            sessions=[
                {
                    "id": "s1",
                    "kind": "personal",
                    "supervisor": "tm1",
                    "supervisee": "sw1",
                    "date": "2026-02-29",
                    "status": "held",
                }
            ],
        ),
        "sessions[0].date",
    ),
    (
        "unknown-supervisor",
        _s(relationships=[{"supervisor": "boss", "supervisee": "sw1", "from": "2020-01-06"}]),
        "relationships[0].supervisor",
    ),
    (
        "unknown-supervisee",
        _s(relationships=[{"supervisor": "tm1", "supervisee": "sw9", "from": "2020-01-06"}]),
        "relationships[0].supervisee",
    ),
    (
        "unknown-agreement-supervisee",
        _s(relationships=REL, agreements=[{"supervisor": "tm1", "supervisee": "sw9", "signed": "2020-01-06"}]),
        "agreements[0].supervisee",
    ),
    (
        "unknown-session-supervisor",
        _s(
            relationships=REL,
            sessions=[
                {
                    "id": "s1",
                    "kind": "personal",
                    "supervisor": "tm9",
                    "supervisee": "sw1",
                    "date": "2026-02-02",
                    "status": "held",
                }
            ],
        ),
        "sessions[0].supervisor",
    ),
    (
        "unknown-session-supervisee",
        _s(
            relationships=REL,
            sessions=[
                {
                    "id": "s1",
                    "kind": "personal",
                    "supervisor": "tm1",
                    "supervisee": "sw9",
                    "date": "2026-02-02",
                    "status": "held",
                }
            ],
        ),
        "sessions[0].supervisee",
    ),
    (
        "unknown-attendee",
        _s(
            relationships=REL,
            sessions=[
                {
                    "id": "g1",
                    "kind": "group",
                    "supervisor": "tm1",
                    "attendees": ["sw1", "ghost"],
                    "date": "2026-02-02",
                    "status": "held",
                }
            ],
        ),
        "sessions[0].attendees[1]",
    ),
    (
        "unknown-observer",
        _s(
            relationships=REL,
            sessions=[
                {
                    "id": "o1",
                    "kind": "observation",
                    "supervisor": "tm1",
                    "supervisee": "sw1",
                    "observer": "iro9",
                    "date": "2026-02-02",
                    "status": "held",
                }
            ],
        ),
        "sessions[0].observer",
    ),
    (
        "unknown-worker",
        _s(children=[{"id": "c1", "worker": "sw9", "status": "cin", "allocated": "2026-01-05"}]),
        "children[0].worker",
    ),
    (
        "unknown-child",
        _s(
            children=[{"id": "c1", "worker": "sw1", "status": "cin", "allocated": "2026-01-05"}],
            case_reviews=[{"id": "r1", "child": "c9", "date": "2026-02-02", "by": "tm1"}],
        ),
        "case_reviews[0].child",
    ),
    (
        "unknown-by",
        _s(
            children=[{"id": "c1", "worker": "sw1", "status": "cin", "allocated": "2026-01-05"}],
            case_reviews=[{"id": "r1", "child": "c1", "date": "2026-02-02", "by": "tm9"}],
        ),
        "case_reviews[0].by",
    ),
    ("unknown-hours-person", _s(hours=[{"person": "cas9", "date": "2026-02-02", "hours": 7.5}]), "hours[0].person"),
    ("unknown-absence-person", _s(absences=[{"person": "tm9", "from": "2026-02-02"}]), "absences[0].person"),
    ("negative-hours", _s(hours=[{"person": "sw1", "date": "2026-02-02", "hours": -7.5}]), "hours[0].hours"),
    (
        "personal-session-without-supervisee",
        _s(
            relationships=REL,
            sessions=[{"id": "s1", "kind": "personal", "supervisor": "tm1", "date": "2026-02-02", "status": "held"}],
        ),
        "sessions[0].supervisee",
    ),
    (
        "group-session-without-anyone",
        _s(
            relationships=REL,
            sessions=[
                {
                    "id": "g1",
                    "kind": "group",
                    "supervisor": "tm1",
                    "attendees": [],
                    "date": "2026-02-02",
                    "status": "held",
                }
            ],
        ),
        "sessions[0]",
    ),
    (
        "relationship-to-before-from",
        _s(relationships=[{"supervisor": "tm1", "supervisee": "sw1", "from": "2020-01-06", "to": "2020-01-05"}]),
        "relationships[0].to",
    ),
    ("left-before-started", _s(people=_people({}, {"left": "2019-03-03"})), "people[1].left"),
    ("duplicate-person-id", _s(people=_people({}, {"id": "tm1"})), "people[1].id"),
    (
        "unknown-session-kind",
        _s(
            relationships=REL,
            sessions=[
                {
                    "id": "s1",
                    "kind": "coffee",
                    "supervisor": "tm1",
                    "supervisee": "sw1",
                    "date": "2026-02-02",
                    "status": "held",
                }
            ],
        ),
        "sessions[0].kind",
    ),
    (
        "unknown-child-status",
        _s(children=[{"id": "c1", "worker": "sw1", "status": "lost", "allocated": "2026-01-05"}]),
        "children[0].status",
    ),
]


@pytest.mark.parametrize(("name", "scen", "field"), BAD, ids=[b[0] for b in BAD])
def test_check_bad_scenario_names_the_field(tmp_path: Path, name: str, scen: Any, field: str) -> None:
    proc = oversight("check", str(write(tmp_path, scen)))
    assert proc.returncode == 2, (proc.stdout, proc.stderr)
    assert proc.stdout == ""
    assert "Traceback" not in proc.stderr
    lines = proc.stderr.splitlines()
    assert len(lines) == 1, proc.stderr
    assert lines[0].startswith(field), f"{lines[0]!r} does not name {field!r}"


def test_check_missing_file(tmp_path: Path) -> None:
    proc = oversight("check", str(tmp_path / "nowhere.json"))
    assert proc.returncode == 2
    assert proc.stdout == ""
    assert "Traceback" not in proc.stderr
    assert len(proc.stderr.splitlines()) == 1
    assert "nowhere.json" in proc.stderr


# --- check --format table --------------------------------------------------------------------

URGENCY = {
    "overdue": 0,
    "exceeded": 0,
    "short": 0,
    "needs_cover": 0,
    "pending": 1,
    "upcoming": 2,
    "late": 3,
    "deemed_agreed": 3,
    "met": 3,
    "ok": 3,
}


def _table_rows(text: str) -> tuple[list[str], list[list[str]]]:
    lines = text.splitlines()
    header_index = next(i for i, line in enumerate(lines) if line.startswith("status"))
    header = re.split(r"\s{2,}", lines[header_index].strip())
    assert set(lines[header_index + 1].replace(" ", "")) == {"-"}
    rows = [re.split(r"\s{2,}", line.strip()) for line in lines[header_index + 2 :] if line.strip()]
    return header, rows


def test_check_table_for_one_person(tmp_path: Path) -> None:
    path = write(tmp_path, README_SCENARIO)
    proc = oversight("check", "--format", "table", "--person", "sw1", str(path))
    assert proc.returncode == 0, proc.stderr
    assert "Policy leeds-2023" in proc.stdout.splitlines()[0]
    header, rows = _table_rows(proc.stdout)
    assert header == ["status", "due", "obligation", "rule", "source"]
    ids = [row[2] for row in rows]
    # sw1's obligations: as supervisee, worker of c1, person of the ASYE reviews; not tm1's ratio
    for wanted in (
        "supervision:personal:sw1",
        "agreement:tm1:sw1",
        "case_review:c1",
        "asye_review:sw1:3",
        "absence_cover:tm1:sw1",
    ):
        assert wanted in ids
    assert "ratio:tm1" not in ids
    # every row carries the seed section it comes from
    for row in rows:
        assert len(row) == 5
        assert row[4].startswith("001_8acf471507eacfb1.txt ")
    assert any(row[2] == "supervision:personal:sw1" and row[4] == "001_8acf471507eacfb1.txt 4.4, 4.6" for row in rows)
    # sorted by status (most urgent first) then due date
    ranks = [URGENCY[row[0]] for row in rows]
    assert ranks == sorted(ranks)
    seen_status: list[str] = []
    for row in rows:
        if not seen_status or seen_status[-1] != row[0]:
            assert row[0] not in seen_status, "a status appears in two blocks"
            seen_status.append(row[0])
    for status in seen_status:
        dues = [row[1] for row in rows if row[0] == status]
        assert dues == sorted(dues, key=lambda d: "9999" if d == "-" else d)


def test_check_table_for_one_person_includes_their_sessions_deadlines(tmp_path: Path) -> None:
    # s1 and s2 are sw1's sessions: the answer to the record of s1 is sw1's own deadline, and the
    # rearranging of sw1's cancelled s2 and the sharing of s1's record are owed to sw1. A view of
    # "only this person's obligations" should not drop them.
    path = write(tmp_path, README_SCENARIO)
    proc = oversight("check", "--format", "table", "--person", "sw1", str(path))
    assert proc.returncode == 0, proc.stderr
    _, rows = _table_rows(proc.stdout)
    ids = {row[2] for row in rows}
    assert {"record_shared:s1", "record_response:s1", "rearrange:s2"} <= ids


def test_check_table_without_person_lists_everything(tmp_path: Path) -> None:
    path = write(tmp_path, README_SCENARIO)
    as_json = json.loads(oversight("check", str(path)).stdout)
    proc = oversight("check", "--format", "table", str(path))
    assert proc.returncode == 0
    _, rows = _table_rows(proc.stdout)
    assert sorted(row[2] for row in rows) == [ob["id"] for ob in as_json["obligations"]]


def test_check_table_unknown_person(tmp_path: Path) -> None:
    proc = oversight("check", "--format", "table", "--person", "nobody", str(write(tmp_path, README_SCENARIO)))
    assert proc.returncode == 2
    assert proc.stdout == ""
    assert len(proc.stderr.splitlines()) == 1 and "--person" in proc.stderr


# --- policy list / show / lint / compare -----------------------------------------------------


def test_policy_list() -> None:
    proc = oversight("policy", "list")
    assert proc.returncode == 0, proc.stderr
    lines = [line for line in proc.stdout.splitlines() if line.strip()]
    assert lines[0].split()[:1] == ["id"]
    body = lines[1:]
    assert len(body) == 5
    packs = shipped_packs()
    assert {line.split()[0] for line in body} == set(packs)
    for line in body:
        pack = packs[line.split()[0]]
        assert pack.council in line and pack.document in line and pack.date in line


@pytest.mark.parametrize("pack_id", sorted(shipped_packs()))
def test_policy_show_lists_every_rule_with_its_section(pack_id: str) -> None:
    pack = shipped_packs()[pack_id]
    proc = oversight("policy", "show", pack_id)
    assert proc.returncode == 0, proc.stderr
    lines = proc.stdout.splitlines()
    for rule in pack.all_rules():
        matching = [line for line in lines if line.startswith(rule.id + " ")]
        assert matching, f"{rule.id} not listed"
        assert matching[0].rstrip().endswith(f"{pack.seed} {rule.source}"), matching[0]
    conflicts = lines[lines.index("Conflicts") + 1 :]
    for conflict in pack.conflicts:
        assert any(line.startswith(f"- {conflict.id} ") for line in conflicts), conflict.id


def test_policy_show_leeds_sections() -> None:
    out = oversight("policy", "show", "leeds-2023").stdout
    assert re.search(r"^leeds\.personal\.monthly\s.*001_8acf471507eacfb1\.txt 4\.4$", out, re.M)
    assert re.search(r"^leeds\.record\.personal\s.*001_8acf471507eacfb1\.txt 4\.13$", out, re.M)
    assert "leeds.first_agreement_deadline" in out.split("Conflicts", 1)[1]


def test_policy_show_unknown() -> None:
    proc = oversight("policy", "show", "york-2030")
    assert proc.returncode == 2
    assert proc.stdout == ""
    assert len(proc.stderr.splitlines()) == 1


@pytest.mark.parametrize("path", sorted(PACK_DIR.glob("*.yaml")), ids=lambda p: p.name)
def test_policy_lint_shipped_pack(path: Path) -> None:
    proc = oversight("policy", "lint", str(path))
    assert proc.returncode == 0, proc.stderr
    assert "ok" in proc.stdout


def _leeds() -> dict:
    return yaml.safe_load((PACK_DIR / "leeds-2023.yaml").read_text(encoding="utf-8"))


def _no_source(pack: dict) -> dict:
    del pack["supervision"][0]["source"]
    return pack


def _two_units(pack: dict) -> dict:
    pack["supervision"][0]["every"] = {"months": 1, "weeks": 4}
    return pack


def _unknown_role(pack: dict) -> dict:
    pack["supervision"][1]["roles"] = ["student_social_worker", "wizard"]
    return pack


def _bad_record_period(pack: dict) -> dict:
    pack["records"][0]["within"] = {"hours": 36}
    return pack


BROKEN = [
    ("source-removed", _no_source, "supervision[0].source"),
    ("period-with-two-units", _two_units, "supervision[0].every"),
    ("unknown-role", _unknown_role, "supervision[1].roles"),
    ("hours-not-whole-days", _bad_record_period, "records[0].within"),
]


@pytest.mark.parametrize(("name", "breaks", "field"), BROKEN, ids=[b[0] for b in BROKEN])
def test_policy_lint_broken_pack_names_the_field(tmp_path: Path, name: str, breaks: Any, field: str) -> None:
    path = tmp_path / "leeds-2023.yaml"
    path.write_text(yaml.safe_dump(breaks(_leeds()), sort_keys=False), encoding="utf-8")
    proc = oversight("policy", "lint", str(path))
    assert proc.returncode == 2, proc.stdout
    assert proc.stdout == ""
    assert "Traceback" not in proc.stderr
    assert field in proc.stderr


def test_policy_lint_yaml_syntax_error(tmp_path: Path) -> None:
    text = (PACK_DIR / "leeds-2023.yaml").read_text(encoding="utf-8").replace("supervision:\n", "supervision: [\n", 1)
    path = tmp_path / "broken.yaml"
    path.write_text(text, encoding="utf-8")
    proc = oversight("policy", "lint", str(path))
    assert proc.returncode == 2
    assert proc.stdout == ""
    assert "Traceback" not in proc.stderr
    assert "yaml" in proc.stderr.lower() and "line" in proc.stderr


def test_policy_lint_missing_file(tmp_path: Path) -> None:
    proc = oversight("policy", "lint", str(tmp_path / "none.yaml"))
    assert proc.returncode == 2
    assert "Traceback" not in proc.stderr


def test_policy_compare() -> None:
    proc = oversight("policy", "compare", "leeds-2023", "bristol-2020")
    assert proc.returncode == 0, proc.stderr
    lines = proc.stdout.splitlines()
    header = lines[0].split()
    assert header[:3] == ["rule", "leeds-2023", "bristol-2020"]
    assert set(lines[1].replace(" ", "")) == {"-"}
    ratio = next(line for line in lines if line.startswith("ratio limit"))
    assert re.split(r"\s{2,}", ratio.strip())[1:3] == ["10", "-"]
    agreement = next(line for line in lines if line.startswith("agreement due"))
    assert re.split(r"\s{2,}", agreement.strip())[1:3] == ["at start", "4 weeks"]


def test_policy_compare_unknown() -> None:
    proc = oversight("policy", "compare", "leeds-2023", "york-2030")
    assert proc.returncode == 2
    assert proc.stdout == ""


def test_help() -> None:
    proc = oversight("--help")
    assert proc.returncode == 0
    assert "check" in proc.stdout and "policy" in proc.stdout


def test_manage_reaches_djangos_own_check_command() -> None:
    import os

    proc = subprocess.run(
        [str(OVERSIGHT), "manage", "check"],
        capture_output=True,
        text=True,
        env={**os.environ, "OVERSIGHT_DEBUG": "1"},
    )
    assert proc.returncode == 0, proc.stderr
    assert "System check identified" in proc.stdout
