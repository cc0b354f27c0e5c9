"""Every rule the engine computes, in every pack, against dates worked out by hand.

Each case is a small scenario and the obligations it must produce, in the form of the
conformance cases (partial obligations; ``absent`` for one that must not be reported).
Expected dates come from the policy text (seed section in the rule's ``source``) and the
clocks of the contract (../shared/conformance/README.md); the arithmetic is in the
comment beside each. Weekdays: 2026-01-05, -12, -19, -26, 02-02, 02-09, 02-16, 03-02,
03-09, 03-16, 03-30 are Mondays; bank holidays used: Fri 3 / Mon 6 Apr 2026 (Easter),
Fri 25 / Mon 28 Dec 2026, Fri 1 Jan 2027, Mon 27 / Tue 28 Dec 2027.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from oversight.policy import evaluate, parse_scenario, shipped_packs

SEEDS = Path(__file__).resolve().parents[2] / "shared" / "seeds"


# --- building blocks -------------------------------------------------------------------


def person(pid: str, role: str, started: str = "2015-01-05", **extra: Any) -> dict:
    return {"id": pid, "role": role, "started": started, **extra}


def rel(supervisor: str, supervisee: str, start: str, to: str | None = None, **extra: Any) -> dict:
    return {"supervisor": supervisor, "supervisee": supervisee, "from": start, "to": to, **extra}


def held(sid: str, kind: str, supervisee: str | None, day: str, supervisor: str = "tm1", **extra: Any) -> dict:
    out = {"id": sid, "kind": kind, "supervisor": supervisor, "date": day, "status": "held", **extra}
    if supervisee is not None:
        out["supervisee"] = supervisee
    return out


def cancelled(
    sid: str,
    kind: str,
    supervisee: str,
    day: str,
    cancelled_on: str,
    reason: str,
    supervisor: str = "tm1",
    **extra: Any,
) -> dict:
    return {
        "id": sid,
        "kind": kind,
        "supervisor": supervisor,
        "supervisee": supervisee,
        "date": day,
        "status": "cancelled",
        "cancelled_on": cancelled_on,
        "reason": reason,
        **extra,
    }


def child(cid: str, worker: str, status: str, allocated: str, **extra: Any) -> dict:
    return {"id": cid, "worker": worker, "status": status, "allocated": allocated, **extra}


def review(rid: str, child_id: str, day: str, by: str = "tm1", **extra: Any) -> dict:
    return {"id": rid, "child": child_id, "date": day, "by": by, **extra}


TM1 = person("tm1", "team_manager", "2010-01-04")


def scenario(policy: str, as_of: str, people: list[dict], relationships: list[dict] = (), **lists: Any) -> dict:
    return {"policy": policy, "as_of": as_of, "people": [TM1, *people], "relationships": list(relationships), **lists}


def one_supervisee(
    policy: str, as_of: str, who: dict, start: str | None = None, supervisor: str = "tm1", **lists: Any
) -> dict:
    """tm1 (or another supervisor) supervises ``who`` from ``start`` (default: who started)."""
    return scenario(
        policy, as_of, [who, *lists.pop("others", [])], [rel(supervisor, who["id"], start or who["started"])], **lists
    )


@dataclass
class Case:
    rule: str
    label: str
    scenario: dict
    expect: list[dict] = field(default_factory=list)


def ob(ob_id: str, **fields: Any) -> dict:
    return {"id": ob_id, **fields}


def absent(ob_id: str) -> dict:
    return {"id": ob_id, "absent": True}


CASES: list[Case] = []


def case(rule: str, label: str, scen: dict, *expect: dict) -> None:
    CASES.append(Case(rule, label, scen, list(expect)))


# =====================================================================================
# Leeds (seed 001)
# =====================================================================================

# 4.4: social workers with 12+ months, senior SW, AP, IRO/CP chair, managers ... "Monthly".
# Monthly = same day next month, clamped: 31 Jan 2026 + 1 month = 28 Feb 2026.
case(
    "leeds.personal.monthly",
    "social_worker-clamped",
    one_supervisee(
        "leeds-2023",
        "2026-03-02",
        person("sw1", "social_worker", "2019-03-04"),
        sessions=[held("s1", "personal", "sw1", "2026-01-31")],
    ),
    ob("supervision:personal:sw1", due="2026-02-28", last="2026-01-31", status="overdue", interval="1 month"),
)
for _role in (
    "senior_social_worker",
    "advanced_practitioner",
    "family_support_worker",
    "team_manager",
    "service_manager",
    "head_of_service",
    "business_support",
    "non_qualified_social_work_staff",
    "iro_cp_chair",
    "early_help_worker",
    "registered_manager",
    "residential_practitioner",
):
    # 31 Mar 2026 + 1 month = 30 Apr 2026; as_of on the due date is on time.
    case(
        "leeds.personal.monthly",
        _role,
        one_supervisee(
            "leeds-2023",
            "2026-04-30",
            person("p1", _role, "2019-03-04"),
            supervisor="hos1",
            others=[person("hos1", "head_of_service")],
            sessions=[held("s1", "personal", "p1", "2026-03-31", supervisor="hos1")],
        ),
        ob("supervision:personal:p1", due="2026-04-30", status="upcoming"),
    )
# 4.4: "Casual Residential Practitioners: Monthly" (no hours rule in Leeds).
case(
    "leeds.personal.monthly",
    "casual_residential_practitioner",
    one_supervisee(
        "leeds-2023",
        "2026-05-01",
        person("cas1", "residential_practitioner", "2025-06-02", employment="casual"),
        sessions=[held("s1", "personal", "cas1", "2026-03-31")],
        hours=[{"person": "cas1", "date": "2026-04-01", "hours": 7.5}],
    ),
    ob("supervision:personal:cas1", due="2026-04-30", status="overdue"),
)
# `left` and a relationship's `to` are the last days still counted.
for _label, _left, _to, _owed in (
    ("left-on-as-of", "2026-03-02", None, True),
    ("left-day-before", "2026-03-01", None, False),
    ("to-on-as-of", None, "2026-03-02", True),
    ("to-day-before", None, "2026-03-01", False),
):
    case(
        "leeds.personal.monthly",
        _label,
        scenario(
            "leeds-2023",
            "2026-03-02",
            [person("sw1", "social_worker", "2019-03-04", left=_left)],
            [rel("tm1", "sw1", "2019-03-04", _to)],
            sessions=[held("s1", "personal", "sw1", "2026-02-02")],
        ),
        ob("supervision:personal:sw1", due="2026-03-02", status="upcoming")
        if _owed
        else absent("supervision:personal:sw1"),
    )
# No session yet: base = later of relationship from (2026-01-05) and started (2026-01-12).
case(
    "leeds.personal.monthly",
    "no-session-base-is-later-start",
    one_supervisee("leeds-2023", "2026-02-01", person("sw1", "social_worker", "2026-01-12"), start="2026-01-05"),
    ob("supervision:personal:sw1", due="2026-02-12", last=None, status="upcoming", history={"held": 0, "late": 0}),
)

# 4.4: students "Weekly then fortnightly at a point agreed" (no point recorded -> weekly).
case(
    "leeds.personal.student",
    "weekly",
    one_supervisee(
        "leeds-2023",
        "2026-03-09",
        person("st1", "student_social_worker", "2026-01-05"),
        sessions=[held("s1", "personal", "st1", "2026-03-02")],
    ),
    ob("supervision:personal:st1", due="2026-03-09", status="upcoming"),  # 2 Mar + 7
)

# 4.4 / 4.6 ASYE: weekly for the first 6 weeks; fortnightly up to the 6-month review; monthly after.
# asye_start Mon 2026-01-05: phase 1 = [05 Jan, 16 Feb); phase 2 = [16 Feb, 05 Jul); then monthly.
_LEEDS_ASYE = person("nq1", "nqsw_asye", "2026-01-05", asye_start="2026-01-05")
case(
    "leeds.personal.asye",
    "first-6-weeks-weekly",
    one_supervisee("leeds-2023", "2026-02-12", _LEEDS_ASYE, sessions=[held("s1", "personal", "nq1", "2026-02-09")]),
    ob("supervision:personal:nq1", due="2026-02-16", status="upcoming", interval="1 week"),  # 9 Feb + 7
)
case(
    "leeds.personal.asye",
    "week-7-fortnightly",
    one_supervisee("leeds-2023", "2026-02-20", _LEEDS_ASYE, sessions=[held("s1", "personal", "nq1", "2026-02-16")]),
    ob("supervision:personal:nq1", due="2026-03-02", interval="2 weeks"),  # 16 Feb is phase 2: + 14
)
case(
    "leeds.personal.asye",
    "last-fortnight-before-6-months",
    one_supervisee("leeds-2023", "2026-07-10", _LEEDS_ASYE, sessions=[held("s1", "personal", "nq1", "2026-07-04")]),
    ob("supervision:personal:nq1", due="2026-07-18"),  # 4 Jul < 5 Jul: + 14
)
case(
    "leeds.personal.asye",
    "monthly-after-6-months",
    one_supervisee("leeds-2023", "2026-07-10", _LEEDS_ASYE, sessions=[held("s1", "personal", "nq1", "2026-07-06")]),
    ob("supervision:personal:nq1", due="2026-08-06", interval="1 month"),  # 6 Jul + 1 month
)
# Phases count from asye_start, not started (started 2025-09-01; 9 Feb is in week 6 of the ASYE).
case(
    "leeds.personal.asye",
    "phases-from-asye-start",
    one_supervisee(
        "leeds-2023",
        "2026-02-12",
        person("nq1", "nqsw_asye", "2025-09-01", asye_start="2026-01-05"),
        start="2026-01-05",
        sessions=[held("s1", "personal", "nq1", "2026-02-09")],
    ),
    ob("supervision:personal:nq1", due="2026-02-16"),
)
# history: from 5 Jan: 12 Jan (due 12 Jan, on time), 19 Jan (due 19, on time), 28 Jan (due 26: late),
# 4 Feb (due 4 Feb, on time) -> held 4, late 1; next due 4 Feb + 7 = 11 Feb.
case(
    "leeds.personal.asye",
    "history",
    one_supervisee(
        "leeds-2023",
        "2026-02-10",
        _LEEDS_ASYE,
        sessions=[
            held("s1", "personal", "nq1", "2026-01-12"),
            held("s2", "personal", "nq1", "2026-01-19"),
            held("s3", "personal", "nq1", "2026-01-28"),
            held("s4", "personal", "nq1", "2026-02-04"),
        ],
    ),
    ob("supervision:personal:nq1", due="2026-02-11", last="2026-02-04", history={"held": 4, "late": 1}),
)

# 4.4 social work case supervision: "3 monthly at a minimum" for CIN, CP, CLA.
for _status in ("cin", "cp", "cla", "cla_matched", "sixteen_plus", "care_leaver"):
    # allocated 30 Nov 2025 + 3 months = 30 Feb -> 28 Feb 2026; as_of 1 Mar: overdue.
    case(
        "leeds.case.social_work",
        f"{_status}-from-allocation",
        one_supervisee(
            "leeds-2023",
            "2026-03-01",
            person("sw1", "social_worker", "2019-03-04"),
            children=[child("c1", "sw1", _status, "2025-11-30")],
        ),
        ob("case_review:c1", due="2026-02-28", last=None, status="overdue", interval="3 months"),
    )
# From the latest review on or before as_of (15 Jan + 3 months = 15 Apr); a later one is ignored.
case(
    "leeds.case.social_work",
    "from-latest-review",
    one_supervisee(
        "leeds-2023",
        "2026-03-01",
        person("sw1", "social_worker", "2019-03-04"),
        children=[child("c1", "sw1", "cp", "2025-10-01")],
        case_reviews=[
            review("r0", "c1", "2025-12-01"),
            review("r1", "c1", "2026-01-15"),
            review("r2", "c1", "2026-03-05"),
        ],
    ),
    ob("case_review:c1", due="2026-04-15", last="2026-01-15", status="upcoming"),
)
# 4.4 early help case supervision: also 3 monthly. 31 Jan + 3 months = 30 Apr.
case(
    "leeds.case.early_help",
    "early_help",
    one_supervisee(
        "leeds-2023",
        "2026-05-01",
        person("eh1", "early_help_worker", "2019-03-04"),
        children=[child("c1", "eh1", "early_help", "2026-01-31")],
    ),
    ob("case_review:c1", due="2026-04-30", status="overdue"),
)

# 4.3: agreement before the relationship starts (owed on its first day); updated annually.
case(
    "leeds.agreement",
    "signed-late",
    one_supervisee(
        "leeds-2023",
        "2026-03-02",
        person("sw1", "social_worker", "2026-01-05"),
        agreements=[{"supervisor": "tm1", "supervisee": "sw1", "signed": "2026-01-20", "reviewed": []}],
    ),
    ob("agreement:tm1:sw1", due="2026-01-05", done="2026-01-20", status="late"),
    ob("agreement_review:tm1:sw1", due="2027-01-20", last="2026-01-20", status="upcoming"),  # + 12 months
)
case(
    "leeds.agreement",
    "signed-on-the-first-day",
    one_supervisee(
        "leeds-2023",
        "2026-03-02",
        person("sw1", "social_worker", "2026-01-05"),
        agreements=[{"supervisor": "tm1", "supervisee": "sw1", "signed": "2026-01-05"}],
    ),
    ob("agreement:tm1:sw1", due="2026-01-05", status="met"),
)
case(
    "leeds.agreement",
    "pending-on-the-first-day",
    one_supervisee("leeds-2023", "2026-01-05", person("sw1", "social_worker", "2026-01-05")),
    ob("agreement:tm1:sw1", due="2026-01-05", done=None, status="pending"),
    absent("agreement_review:tm1:sw1"),
)
case(
    "leeds.agreement",
    "overdue-the-day-after",
    one_supervisee("leeds-2023", "2026-01-06", person("sw1", "social_worker", "2026-01-05")),
    ob("agreement:tm1:sw1", status="overdue"),
)
# review clock from the latest review: 31 Jan 2026 + 12 months = 31 Jan 2027.
case(
    "leeds.agreement",
    "review-from-latest-review",
    one_supervisee(
        "leeds-2023",
        "2026-03-02",
        person("sw1", "social_worker", "2019-03-04"),
        start="2025-02-03",
        agreements=[{"supervisor": "tm1", "supervisee": "sw1", "signed": "2025-02-03", "reviewed": ["2026-01-31"]}],
    ),
    ob("agreement_review:tm1:sw1", due="2027-01-31", last="2026-01-31", status="upcoming"),
)
# a change of supervisor starts a new relationship that owes a new agreement; the ended one owes nothing.
case(
    "leeds.agreement",
    "change-of-supervisor",
    scenario(
        "leeds-2023",
        "2026-03-02",
        [person("sw1", "social_worker", "2019-03-04"), person("tm2", "team_manager")],
        [rel("tm1", "sw1", "2019-03-04", "2026-01-31"), rel("tm2", "sw1", "2026-02-01")],
        agreements=[{"supervisor": "tm1", "supervisee": "sw1", "signed": "2019-03-04"}],
    ),
    ob("agreement:tm2:sw1", due="2026-02-01", status="overdue"),
    absent("agreement:tm1:sw1"),
    absent("agreement_review:tm1:sw1"),
)

# 4.13: record to the supervisee within 10 working days; answer in 5 working days; silence = accepted.
# Session Mon 12 Jan 2026 + 10 working days = Mon 26 Jan. Shared Wed 14 Jan + 5 = Wed 21 Jan.
_LEEDS_SW = person("sw1", "social_worker", "2019-03-04")
case(
    "leeds.record.personal",
    "shared-and-answered-in-time",
    one_supervisee(
        "leeds-2023",
        "2026-03-02",
        _LEEDS_SW,
        sessions=[held("s1", "personal", "sw1", "2026-01-12", record_shared="2026-01-14", record_agreed="2026-01-21")],
    ),
    ob("record_shared:s1", due="2026-01-26", done="2026-01-14", status="met"),
    ob("record_response:s1", due="2026-01-21", done="2026-01-21", status="met"),
)
case(
    "leeds.record.personal",
    "silence-is-agreement",
    one_supervisee(
        "leeds-2023",
        "2026-02-02",
        _LEEDS_SW,
        sessions=[held("s1", "personal", "sw1", "2026-01-12", record_shared="2026-01-14")],
    ),
    ob("record_response:s1", due="2026-01-21", status="deemed_agreed"),
)
case(
    "leeds.record.personal",
    "answer-after-the-time-is-late",
    one_supervisee(
        "leeds-2023",
        "2026-02-02",
        _LEEDS_SW,
        sessions=[held("s1", "personal", "sw1", "2026-01-12", record_shared="2026-01-14", record_agreed="2026-01-23")],
    ),
    ob("record_response:s1", due="2026-01-21", done="2026-01-23", status="late"),
)
case(
    "leeds.record.personal",
    "answer-still-pending-on-due-date",
    one_supervisee(
        "leeds-2023",
        "2026-01-21",
        _LEEDS_SW,
        sessions=[held("s1", "personal", "sw1", "2026-01-12", record_shared="2026-01-14")],
    ),
    ob("record_response:s1", status="pending"),
)
case(
    "leeds.record.personal",
    "not-shared-no-response-owed",
    one_supervisee("leeds-2023", "2026-01-27", _LEEDS_SW, sessions=[held("s1", "personal", "sw1", "2026-01-12")]),
    ob("record_shared:s1", due="2026-01-26", done=None, status="overdue"),
    absent("record_response:s1"),
)
# Thu 2 Apr 2026: Fri 3 and Mon 6 are Easter; Tue 7..Fri 10 (4), Mon 13..Fri 17 (9), Mon 20 (10).
case(
    "leeds.record.personal",
    "across-easter",
    one_supervisee("leeds-2023", "2026-04-20", _LEEDS_SW, sessions=[held("s1", "personal", "sw1", "2026-04-02")]),
    ob("record_shared:s1", due="2026-04-20", status="pending"),
)
# Case supervision is recorded on the child's record only: no record deadline for a case session.
case(
    "leeds.record.personal",
    "case-session-has-no-record-deadline",
    one_supervisee("leeds-2023", "2026-03-02", _LEEDS_SW, sessions=[held("s1", "case", "sw1", "2026-01-12")]),
    absent("record_shared:s1"),
    absent("record_signed:s1"),
)

# 4.9: rearranged within 5 working days of the original date; after sickness within 5 working
# days of the return to work.
# Original Mon 19 Jan: Tue 20, Wed 21, Thu 22, Fri 23, Mon 26 -> 26 Jan.
case(
    "leeds.rearrange",
    "from-original-date-met",
    one_supervisee(
        "leeds-2023",
        "2026-03-02",
        _LEEDS_SW,
        sessions=[
            cancelled("s2", "personal", "sw1", "2026-01-19", "2026-01-16", "other"),
            held("s3", "personal", "sw1", "2026-01-23"),
        ],
    ),
    ob("rearrange:s2", due="2026-01-26", done="2026-01-23", status="met"),
)
# Return Thu 22 Jan: Fri 23, Mon 26, Tue 27, Wed 28, Thu 29 -> 29 Jan.
case(
    "leeds.rearrange",
    "after-sickness-from-return",
    one_supervisee(
        "leeds-2023",
        "2026-03-02",
        _LEEDS_SW,
        sessions=[
            cancelled("s2", "personal", "sw1", "2026-01-19", "2026-01-16", "sickness", return_to_work="2026-01-22")
        ],
    ),
    ob("rearrange:s2", due="2026-01-29", done=None, status="overdue"),
)
# Leave is not named in 4.9: counted from the original date (26 Jan); held 28 Jan is late.
case(
    "leeds.rearrange",
    "leave-from-original-date",
    one_supervisee(
        "leeds-2023",
        "2026-03-02",
        _LEEDS_SW,
        sessions=[
            cancelled("s2", "personal", "sw1", "2026-01-19", "2026-01-16", "leave", return_to_work="2026-01-22"),
            held("s3", "personal", "sw1", "2026-01-28"),
        ],
    ),
    ob("rearrange:s2", due="2026-01-26", done="2026-01-28", status="late"),
)
# Original Wed 23 Dec 2026: Thu 24 (1), [Fri 25, Mon 28 hol] Tue 29 (2), Wed 30 (3), Thu 31 (4),
# [Fri 1 Jan hol] Mon 4 Jan 2027 (5).
case(
    "leeds.rearrange",
    "across-christmas",
    one_supervisee(
        "leeds-2023",
        "2027-01-04",
        _LEEDS_SW,
        sessions=[cancelled("s2", "personal", "sw1", "2026-12-23", "2026-12-22", "other")],
    ),
    ob("rearrange:s2", due="2027-01-04", status="pending"),
)


# 4.1: guide 1 supervisor to 8-10 supervisees; more than 10 is exceeded.
def _ratio(policy: str, active: int, ended: int = 0) -> dict:
    people = [person(f"w{i}", "social_worker", "2020-01-06") for i in range(active + ended)]
    rels = [rel("tm1", f"w{i}", "2020-01-06") for i in range(active)]
    rels += [rel("tm1", f"w{i}", "2020-01-06", "2026-01-31") for i in range(active, active + ended)]
    return scenario(policy, "2026-03-02", people, rels)


case("leeds.ratio", "eleven-exceeded", _ratio("leeds-2023", 11), ob("ratio:tm1", count=11, limit=10, status="exceeded"))
case(
    "leeds.ratio",
    "ten-ok-ended-not-counted",
    _ratio("leeds-2023", 10, ended=2),
    ob("ratio:tm1", count=10, limit=10, status="ok"),
)

# 4.6: ASYE reviews at 3, 6 and 9 months, final at 11 months.
# asye_start 30 Nov 2025: +3 = 28 Feb 2026 (clamped), +6 = 30 May, +9 = 30 Aug, +11 = 30 Oct.
case(
    "leeds.asye_reviews",
    "3-6-9-11",
    one_supervisee(
        "leeds-2023",
        "2026-09-01",
        person("nq1", "nqsw_asye", "2025-11-30", asye_start="2025-11-30", asye_reviews=["2026-02-27", "2026-06-02"]),
    ),
    ob("asye_review:nq1:3", due="2026-02-28", done="2026-02-27", status="met"),
    ob("asye_review:nq1:6", due="2026-05-30", done="2026-06-02", status="late"),
    ob("asye_review:nq1:9", due="2026-08-30", done=None, status="overdue"),
    ob("asye_review:nq1:11", due="2026-10-30", status="pending"),
)
case(
    "leeds.asye_reviews",
    "anchored-on-started-without-asye-start",
    one_supervisee("leeds-2023", "2026-02-01", person("nq1", "nqsw_asye", "2026-01-31")),
    ob("asye_review:nq1:3", due="2026-04-30", status="pending"),  # 31 Jan + 3 months = 30 Apr
)

# 4.9: supervisor absent more than 2 weeks (any absence): supervisee goes to the line manager.
# 9 Feb to 23 Feb inclusive = 15 days > 14.
case(
    "leeds.absence_cover",
    "planned-15-days",
    one_supervisee(
        "leeds-2023",
        "2026-02-20",
        _LEEDS_SW,
        absences=[{"person": "tm1", "from": "2026-02-09", "to": "2026-02-23", "planned": True}],
    ),
    ob("absence_cover:tm1:sw1", status="needs_cover", supervisor="tm1", supervisee="sw1"),
)
case(
    "leeds.absence_cover",
    "14-days-is-not-more-than-2-weeks",
    one_supervisee(
        "leeds-2023", "2026-02-20", _LEEDS_SW, absences=[{"person": "tm1", "from": "2026-02-09", "to": "2026-02-22"}]
    ),
    absent("absence_cover:tm1:sw1"),
)
case(
    "leeds.absence_cover",
    "open-ended-15th-day",
    one_supervisee(
        "leeds-2023", "2026-02-23", _LEEDS_SW, absences=[{"person": "tm1", "from": "2026-02-09", "to": None}]
    ),
    ob("absence_cover:tm1:sw1", status="needs_cover"),
)
case(
    "leeds.absence_cover",
    "open-ended-14th-day",
    one_supervisee("leeds-2023", "2026-02-22", _LEEDS_SW, absences=[{"person": "tm1", "from": "2026-02-09"}]),
    absent("absence_cover:tm1:sw1"),
)
case(
    "leeds.absence_cover",
    "over-before-as-of",
    one_supervisee(
        "leeds-2023", "2026-03-02", _LEEDS_SW, absences=[{"person": "tm1", "from": "2026-02-01", "to": "2026-02-28"}]
    ),
    absent("absence_cover:tm1:sw1"),
)


# =====================================================================================
# Bristol (seed 000)
# =====================================================================================

# 3.4: every four weeks. From 12 Jan: 2 Feb (due 9 Feb, ok), 2 Mar (due 2 Mar, ok),
# 6 Apr (due 30 Mar, late) -> held 3, late 1; next due 6 Apr + 28 = 4 May.
case(
    "bristol.personal.all",
    "four-weekly-history",
    one_supervisee(
        "bristol-2020",
        "2026-04-10",
        person("sw1", "social_worker", "2026-01-12"),
        sessions=[
            held("s1", "personal", "sw1", "2026-02-02"),
            held("s2", "personal", "sw1", "2026-03-02"),
            held("s3", "personal", "sw1", "2026-04-06"),
        ],
    ),
    ob(
        "supervision:personal:sw1",
        due="2026-05-04",
        last="2026-04-06",
        status="upcoming",
        history={"held": 3, "late": 1},
        interval="4 weeks",
    ),
)
for _role in ("nqsw_asye", "student_social_worker", "business_support", "personal_adviser"):
    # no other frequency in the policy: 30 Mar + 28 = 27 Apr
    case(
        "bristol.personal.all",
        _role,
        one_supervisee(
            "bristol-2020",
            "2026-04-28",
            person("p1", _role, "2025-09-01"),
            sessions=[held("s1", "personal", "p1", "2026-03-30")],
        ),
        ob("supervision:personal:p1", due="2026-04-27", status="overdue"),
    )

# 3.5: casual staff "monthly or after each 74 hours worked (whichever the least frequent)":
# due = later of base + 1 month and the day hours worked after the base reach 74.
_CAS = person("cas1", "family_support_worker", "2025-06-02", employment="casual")
_WEEKDAYS_FROM_6_JAN = [
    "2026-01-06",
    "2026-01-07",
    "2026-01-08",
    "2026-01-09",
    "2026-01-12",
    "2026-01-13",
    "2026-01-14",
    "2026-01-15",
    "2026-01-16",
    "2026-01-19",
]
_MONDAYS_FROM_12_JAN = [
    "2026-01-12",
    "2026-01-19",
    "2026-01-26",
    "2026-02-02",
    "2026-02-09",
    "2026-02-16",
    "2026-02-23",
    "2026-03-02",
    "2026-03-09",
    "2026-03-16",
]


def _hours(days: list[str], each: float = 7.5) -> list[dict]:
    return [{"person": "cas1", "date": d, "hours": each} for d in days]


# 10 x 7.5 = 75 >= 74 by 19 Jan; 5 Jan + 1 month = 5 Feb is later.
case(
    "bristol.personal.casual",
    "month-is-later",
    one_supervisee(
        "bristol-2020",
        "2026-03-20",
        _CAS,
        sessions=[held("s1", "personal", "cas1", "2026-01-05")],
        hours=_hours(_WEEKDAYS_FROM_6_JAN),
    ),
    ob("supervision:personal:cas1", due="2026-02-05", status="overdue"),
)
# one 7.5-hour shift a week: the 10th (75 h) on Mon 16 Mar, later than 5 Feb.
case(
    "bristol.personal.casual",
    "hours-are-later",
    one_supervisee(
        "bristol-2020",
        "2026-03-20",
        _CAS,
        sessions=[held("s1", "personal", "cas1", "2026-01-05")],
        hours=_hours(_MONDAYS_FROM_12_JAN),
    ),
    ob("supervision:personal:cas1", due="2026-03-16", status="overdue"),
)
# 9 shifts = 67.5 h; the 24 h worked on the base date itself is not "after" it: not yet due.
case(
    "bristol.personal.casual",
    "hours-not-reached",
    one_supervisee(
        "bristol-2020",
        "2026-03-20",
        _CAS,
        sessions=[held("s1", "personal", "cas1", "2026-01-05")],
        hours=[{"person": "cas1", "date": "2026-01-05", "hours": 24}, *_hours(_MONDAYS_FROM_12_JAN[:9])],
    ),
    ob("supervision:personal:cas1", due=None, status="upcoming"),
)
# as_of 10 Mar: by then 9 shifts (67.5 h) have been worked; the entry dated 16 Mar lies after
# as_of and has not been worked yet, so the 74 hours "have not" been reached: due is null.
case(
    "bristol.personal.casual",
    "hours-after-as-of-not-counted",
    one_supervisee(
        "bristol-2020",
        "2026-03-10",
        _CAS,
        sessions=[held("s1", "personal", "cas1", "2026-01-05")],
        hours=_hours(_MONDAYS_FROM_12_JAN),
    ),
    ob("supervision:personal:cas1", due=None, status="upcoming"),
)
# the casual rule beats the all-staff rule only for casual staff
case(
    "bristol.personal.casual",
    "permanent-staff-take-four-weeks",
    scenario(
        "bristol-2020",
        "2026-01-20",
        [_CAS, person("sw1", "family_support_worker", "2025-06-02")],
        [rel("tm1", "cas1", "2025-06-02"), rel("tm1", "sw1", "2025-06-02")],
        sessions=[held("s1", "personal", "cas1", "2026-01-05"), held("s2", "personal", "sw1", "2026-01-05")],
        hours=_hours(_WEEKDAYS_FROM_6_JAN[:5]),
    ),
    ob("supervision:personal:cas1", due=None, rule="bristol.personal.casual"),
    ob("supervision:personal:sw1", due="2026-02-02", rule="bristol.personal.all"),
)

# 6.1: group or peer reflective supervision every four weeks for practitioners working with
# children. Group 5 Mar + 28 = 2 Apr. Managers are not owed it.
case(
    "bristol.group.practitioners",
    "attendees-four-weekly",
    scenario(
        "bristol-2020",
        "2026-04-10",
        [
            person("sw1", "social_worker", "2019-02-04"),
            person("sw2", "family_support_worker", "2019-02-04"),
            person("tm2", "team_manager", "2019-02-04"),
            person("sm1", "service_manager"),
        ],
        [rel("tm1", "sw1", "2019-02-04"), rel("tm1", "sw2", "2019-02-04"), rel("sm1", "tm2", "2019-02-04")],
        sessions=[
            {
                "id": "g1",
                "kind": "group",
                "supervisor": "tm1",
                "attendees": ["sw1", "sw2"],
                "date": "2026-03-05",
                "status": "held",
            }
        ],
    ),
    ob("supervision:group:sw1", due="2026-04-02", last="2026-03-05", status="overdue"),
    ob("supervision:group:sw2", due="2026-04-02"),
    absent("supervision:group:tm2"),
)

# 3.1: agreement within the first four weeks of the relationship; reviewed annually.
# from 12 Jan + 28 = 9 Feb.
case(
    "bristol.agreement",
    "late",
    one_supervisee(
        "bristol-2020",
        "2026-04-10",
        person("sw1", "social_worker", "2026-01-12"),
        agreements=[{"supervisor": "tm1", "supervisee": "sw1", "signed": "2026-02-16"}],
    ),
    ob("agreement:tm1:sw1", due="2026-02-09", done="2026-02-16", status="late"),
    ob("agreement_review:tm1:sw1", due="2027-02-16"),
)
case(
    "bristol.agreement",
    "met-on-the-last-day",
    one_supervisee(
        "bristol-2020",
        "2026-04-10",
        person("sw1", "social_worker", "2026-01-12"),
        agreements=[{"supervisor": "tm1", "supervisee": "sw1", "signed": "2026-02-09"}],
    ),
    ob("agreement:tm1:sw1", due="2026-02-09", status="met"),
)
case(
    "bristol.agreement",
    "pending-within-four-weeks",
    one_supervisee("bristol-2020", "2026-02-09", person("sw1", "social_worker", "2026-01-12")),
    ob("agreement:tm1:sw1", due="2026-02-09", status="pending"),
)
case(
    "bristol.agreement",
    "overdue-after-four-weeks",
    one_supervisee("bristol-2020", "2026-02-10", person("sw1", "social_worker", "2026-01-12")),
    ob("agreement:tm1:sw1", status="overdue"),
)

# App. 1: the supervisee receives a copy within 48 hours (2 calendar days).
case(
    "bristol.record.personal",
    "met",
    one_supervisee(
        "bristol-2020",
        "2026-03-10",
        person("sw1", "social_worker", "2019-02-04"),
        sessions=[held("s1", "personal", "sw1", "2026-03-02", record_shared="2026-03-04")],
    ),
    ob("record_shared:s1", due="2026-03-04", status="met"),
    absent("record_response:s1"),
)
# Good Friday 3 Apr + 2 days = Sun 5 Apr (calendar days; holidays do not stop the clock).
case(
    "bristol.record.personal",
    "calendar-days",
    one_supervisee(
        "bristol-2020",
        "2026-04-10",
        person("sw1", "social_worker", "2019-02-04"),
        sessions=[held("s1", "personal", "sw1", "2026-04-03", record_shared="2026-04-06")],
    ),
    ob("record_shared:s1", due="2026-04-05", status="late"),
)
case(
    "bristol.record.personal",
    "group-session-has-no-record-deadline",
    one_supervisee(
        "bristol-2020",
        "2026-04-10",
        person("sw1", "social_worker", "2019-02-04"),
        sessions=[
            {
                "id": "g1",
                "kind": "group",
                "supervisor": "tm1",
                "attendees": ["sw1"],
                "date": "2026-03-05",
                "status": "held",
            }
        ],
    ),
    absent("record_shared:g1"),
)

# 5.2: case directions on the child's LCS/EHM record within 24 hours (the 48 hours of App. 3 is
# a conflict; the pack reads 24).
_BRISTOL_CHILD = dict(children=[child("c1", "sw1", "cin", "2026-02-01")])
case(
    "bristol.case_direction",
    "met-next-day",
    one_supervisee(
        "bristol-2020",
        "2026-04-10",
        person("sw1", "social_worker", "2019-02-04"),
        **_BRISTOL_CHILD,
        case_reviews=[review("r1", "c1", "2026-03-02", direction_recorded="2026-03-03")],
    ),
    ob("case_direction:r1", due="2026-03-03", done="2026-03-03", status="met"),
    absent("case_review:c1"),  # Bristol sets no per-child review interval
)
case(
    "bristol.case_direction",
    "friday-review-due-saturday",
    one_supervisee(
        "bristol-2020",
        "2026-04-10",
        person("sw1", "social_worker", "2019-02-04"),
        **_BRISTOL_CHILD,
        case_reviews=[review("r1", "c1", "2026-03-06", direction_recorded="2026-03-09")],
    ),
    ob("case_direction:r1", due="2026-03-07", status="late"),
)
case(
    "bristol.case_direction",
    "overdue",
    one_supervisee(
        "bristol-2020",
        "2026-03-08",
        person("sw1", "social_worker", "2019-02-04"),
        **_BRISTOL_CHILD,
        case_reviews=[review("r1", "c1", "2026-03-06")],
    ),
    ob("case_direction:r1", due="2026-03-07", done=None, status="overdue"),
)


# =====================================================================================
# Lambeth (seed 002)
# =====================================================================================

_LAM_NQ = person("nq1", "nqsw_asye", "2026-01-05", asye_start="2026-01-05")

# 3.1 table: ASYE case management every 4 weeks; case holders are reviewed per child instead.
case(
    "lambeth.case.asye",
    "no-cases-four-weekly",
    one_supervisee("lambeth-2021", "2026-03-02", _LAM_NQ, sessions=[held("s1", "case", "nq1", "2026-02-02")]),
    ob("supervision:case:nq1", due="2026-03-02", status="upcoming"),  # 2 Feb + 28
)
case(
    "lambeth.case.asye",
    "case-holder-per-child",
    one_supervisee(
        "lambeth-2021",
        "2026-03-02",
        _LAM_NQ,
        sessions=[held("s1", "case", "nq1", "2026-02-02")],
        children=[child("c1", "nq1", "cin", "2026-02-02")],
    ),
    absent("supervision:case:nq1"),
    ob("case_review:c1", rule="lambeth.case.cin"),
)
# ASYE professional supervision: weekly 6 weeks, every 2 weeks, monthly after the 6-month review.
case(
    "lambeth.personal.asye",
    "weekly",
    one_supervisee("lambeth-2021", "2026-01-30", _LAM_NQ, sessions=[held("s1", "personal", "nq1", "2026-01-26")]),
    ob("supervision:personal:nq1", due="2026-02-02"),  # 26 Jan + 7
)
case(
    "lambeth.personal.asye",
    "fortnightly",
    one_supervisee("lambeth-2021", "2026-03-04", _LAM_NQ, sessions=[held("s1", "personal", "nq1", "2026-03-02")]),
    ob("supervision:personal:nq1", due="2026-03-16"),  # 2 Mar + 14
)
case(
    "lambeth.personal.asye",
    "monthly",
    one_supervisee("lambeth-2021", "2026-07-10", _LAM_NQ, sessions=[held("s1", "personal", "nq1", "2026-07-06")]),
    ob("supervision:personal:nq1", due="2026-08-06"),  # 6 Jul (after 5 Jul) + 1 month
)
# Reflective team case discussion every 2 weeks (ASYE and qualified SW).
for _role in ("nqsw_asye", "social_worker", "senior_social_worker", "advanced_practitioner"):
    case(
        "lambeth.group.practitioner",
        _role,
        scenario(
            "lambeth-2021",
            "2026-03-10",
            [person("p1", _role, "2020-01-06", asye_start="2020-01-06")],
            [rel("tm1", "p1", "2020-01-06")],
            sessions=[
                {
                    "id": "g1",
                    "kind": "group",
                    "supervisor": "tm1",
                    "attendees": ["p1"],
                    "date": "2026-03-04",
                    "status": "held",
                }
            ],
        ),
        ob("supervision:group:p1", due="2026-03-18"),  # 4 Mar + 14
    )
# QSW case management, non-case-holding: no less than every 6 weeks. 19 Jan + 42 = 2 Mar.
case(
    "lambeth.case.qsw",
    "non-case-holding",
    one_supervisee(
        "lambeth-2021",
        "2026-03-02",
        person("sw1", "social_worker", "2019-03-04"),
        sessions=[held("s1", "case", "sw1", "2026-01-19")],
    ),
    ob("supervision:case:sw1", due="2026-03-02", status="upcoming", interval="6 weeks"),
)
case(
    "lambeth.case.qsw",
    "case-holding-is-per-child",
    one_supervisee(
        "lambeth-2021",
        "2026-03-02",
        person("sw1", "social_worker", "2019-03-04"),
        sessions=[held("s1", "case", "sw1", "2026-01-19")],
        children=[child("c1", "sw1", "cp", "2026-02-02")],
    ),
    absent("supervision:case:sw1"),
)
# QSW professional supervision every 6 weeks (FSWs take it too, per the pack).
for _role in ("social_worker", "senior_social_worker", "family_support_worker"):
    case(
        "lambeth.personal.qsw",
        _role,
        one_supervisee(
            "lambeth-2021",
            "2026-03-03",
            person("p1", _role, "2019-03-04"),
            sessions=[held("s1", "personal", "p1", "2026-01-19")],
        ),
        ob("supervision:personal:p1", due="2026-03-02", status="overdue"),
    )
# 3.6 split supervisors: a Frontline consultant social worker has case management from the Service
# Manager and professional supervision from the Professional Development Lead. Two relationships
# covering the same kind owe it once, from the latest session with either supervisor.
case(
    "lambeth.personal.qsw",
    "split-supervisors-owed-once",
    scenario(
        "lambeth-2021",
        "2026-03-02",
        [
            person("csw1", "consultant_social_worker", "2019-03-04"),
            person("sm1", "service_manager"),
            person("pdl1", "practice_development_lead"),
        ],
        [
            rel("sm1", "csw1", "2019-03-04", kinds=["case"]),
            rel("pdl1", "csw1", "2019-03-04", kinds=["personal"]),
            rel("tm1", "csw1", "2025-09-01", kinds=["personal"]),
        ],
        sessions=[
            held("s1", "personal", "csw1", "2026-01-05", supervisor="pdl1"),
            held("s2", "personal", "csw1", "2026-01-19", supervisor="tm1"),
            held("s3", "case", "csw1", "2026-01-19", supervisor="sm1"),
        ],
    ),
    ob("supervision:personal:csw1", due="2026-03-02", last="2026-01-19", supervisors=["pdl1", "tm1"]),
    ob("supervision:case:csw1", due="2026-03-02", supervisors=["sm1"], rule="lambeth.case.qsw"),
)
# Team managers / area leads / service managers / ADs: three kinds, every 6 weeks.
_LAM_MGRS = [person("sm1", "service_manager"), person("ad1", "assistant_director")]
case(
    "lambeth.case.manager",
    "team_manager",
    one_supervisee(
        "lambeth-2021",
        "2026-03-02",
        person("tm2", "team_manager", "2019-03-04"),
        supervisor="sm1",
        others=_LAM_MGRS,
        sessions=[held("s1", "case", "tm2", "2026-01-19", supervisor="sm1")],
    ),
    ob("supervision:case:tm2", due="2026-03-02"),
)
case(
    "lambeth.personal.manager",
    "service_manager",
    one_supervisee(
        "lambeth-2021",
        "2026-03-02",
        person("sm2", "service_manager", "2019-03-04"),
        supervisor="ad1",
        others=_LAM_MGRS,
        sessions=[held("s1", "personal", "sm2", "2026-01-19", supervisor="ad1")],
    ),
    ob("supervision:personal:sm2", due="2026-03-02"),
)
case(
    "lambeth.group.manager",
    "area_lead",
    one_supervisee(
        "lambeth-2021",
        "2026-03-02",
        person("al1", "area_lead", "2019-03-04"),
        supervisor="sm1",
        others=_LAM_MGRS,
        sessions=[
            {
                "id": "g1",
                "kind": "group",
                "supervisor": "sm1",
                "attendees": ["al1"],
                "date": "2026-01-19",
                "status": "held",
            }
        ],
    ),
    ob("supervision:group:al1", due="2026-03-02"),
)
# Administrative and business support: professional supervision every 6 weeks, nothing else.
case(
    "lambeth.personal.business_support",
    "six-weekly",
    one_supervisee(
        "lambeth-2021",
        "2026-03-02",
        person("bs1", "business_support", "2019-03-04"),
        sessions=[held("s1", "personal", "bs1", "2026-01-19")],
    ),
    ob("supervision:personal:bs1", due="2026-03-02"),
    absent("supervision:case:bs1"),
    absent("supervision:group:bs1"),
    absent("observation:bs1"),
)

# 3.1 minimum case management by child status. Allocated Mon 19 Jan 2026:
# CIN 6 weeks -> 2 Mar; CP 4 weeks -> 16 Feb; CLA / matched / 16+ / care leavers 8 weeks -> 16 Mar.
for _rule, _status, _due in (
    ("lambeth.case.cin", "cin", "2026-03-02"),
    ("lambeth.case.cp", "cp", "2026-02-16"),
    ("lambeth.case.cla", "cla", "2026-03-16"),
    ("lambeth.case.cla_matched", "cla_matched", "2026-03-16"),
    ("lambeth.case.sixteen_plus", "sixteen_plus", "2026-03-16"),
    ("lambeth.case.care_leaver", "care_leaver", "2026-03-16"),
):
    case(
        _rule,
        _status,
        one_supervisee(
            "lambeth-2021",
            "2026-03-02",
            person("sw1", "social_worker", "2019-03-04"),
            children=[child("c1", "sw1", _status, "2026-01-19")],
        ),
        ob("case_review:c1", due=_due, status="overdue" if _due < "2026-03-02" else "upcoming"),
    )
# CP from the latest review: 2 Feb + 28 = 2 Mar.
case(
    "lambeth.case.cp",
    "from-latest-review",
    one_supervisee(
        "lambeth-2021",
        "2026-03-02",
        person("sw1", "social_worker", "2019-03-04"),
        children=[child("c1", "sw1", "cp", "2026-01-05"), child("c2", "sw1", "early_help", "2026-01-05")],
        case_reviews=[review("r1", "c1", "2026-02-02")],
    ),
    ob("case_review:c1", due="2026-03-02", last="2026-02-02", status="upcoming"),
    absent("case_review:c2"),  # Lambeth sets no interval for early help
)

# 3 / App. A: agreement at the start of the relationship, reviewed twice a year (6 months).
case(
    "lambeth.agreement",
    "met-and-six-monthly-review",
    one_supervisee(
        "lambeth-2021",
        "2026-03-01",
        person("sw1", "social_worker", "2025-08-31"),
        agreements=[{"supervisor": "tm1", "supervisee": "sw1", "signed": "2025-08-31"}],
    ),
    ob("agreement:tm1:sw1", due="2025-08-31", status="met"),
    ob("agreement_review:tm1:sw1", due="2026-02-28", status="overdue"),  # 31 Aug + 6 months, clamped
)

# 4: professional supervision minutes within 2 working days; Thu 2 Apr 2026 -> (Easter) Tue 7, Wed 8.
case(
    "lambeth.record.professional",
    "across-easter",
    one_supervisee(
        "lambeth-2021",
        "2026-04-10",
        person("sw1", "social_worker", "2019-03-04"),
        sessions=[held("s1", "personal", "sw1", "2026-04-02", record_shared="2026-04-08")],
    ),
    ob("record_shared:s1", due="2026-04-08", status="met"),
    absent("record_response:s1"),
)
# 4: case management and team case discussions on Mosaic within 2 working days.
# Wed 23 Dec 2026: Thu 24 (1), [Fri 25, Mon 28 hol] Tue 29 (2).
case(
    "lambeth.record.case",
    "case-and-group-across-christmas",
    one_supervisee(
        "lambeth-2021",
        "2026-12-31",
        person("sw1", "social_worker", "2019-03-04"),
        sessions=[
            held("s1", "case", "sw1", "2026-12-23", record_shared="2026-12-30"),
            {
                "id": "g1",
                "kind": "group",
                "supervisor": "tm1",
                "attendees": ["sw1"],
                "date": "2026-12-23",
                "status": "held",
                "record_shared": "2026-12-29",
            },
        ],
    ),
    ob("record_shared:s1", due="2026-12-29", status="late"),
    ob("record_shared:g1", due="2026-12-29", status="met"),
)
# 4: decisions on Mosaic within 2 working days. Fri 24 Dec 2027: [Mon 27, Tue 28 substitutes]
# Wed 29 (1), Thu 30 (2).
case(
    "lambeth.case_direction",
    "across-christmas-2027",
    one_supervisee(
        "lambeth-2021",
        "2027-12-31",
        person("sw1", "social_worker", "2019-03-04"),
        children=[child("c1", "sw1", "cp", "2027-12-01")],
        case_reviews=[review("r1", "c1", "2027-12-24", direction_recorded="2027-12-30")],
    ),
    ob("case_direction:r1", due="2027-12-30", status="met"),
)
# 3.2: recommended maximum 6-8; more than 8 is exceeded.
case("lambeth.ratio", "nine-exceeded", _ratio("lambeth-2021", 9), ob("ratio:tm1", count=9, limit=8, status="exceeded"))
case("lambeth.ratio", "eight-ok", _ratio("lambeth-2021", 8), ob("ratio:tm1", count=8, status="ok"))


# 2.2.2: 1 in 3 professional supervision sessions dedicated to observation. Pack reading: of the
# personal and observation sessions in the last 12 months, a third (rounded down) are observations.
def _lambeth_obs(personal_days: list[str], observation_days: list[str]) -> dict:
    sessions = [held(f"p{i}", "personal", "sw1", d) for i, d in enumerate(personal_days)]
    sessions += [held(f"o{i}", "observation", "sw1", d, observer="tm1") for i, d in enumerate(observation_days)]
    return one_supervisee("lambeth-2021", "2026-03-02", person("sw1", "social_worker", "2019-03-04"), sessions=sessions)


_SIX_PERSONAL = ["2025-05-04", "2025-06-15", "2025-07-27", "2025-09-07", "2025-10-19", "2025-11-30"]
case(
    "lambeth.observation",
    "one-in-five-ok",
    _lambeth_obs(_SIX_PERSONAL[:4], ["2026-01-12"]),
    ob("observation:sw1", count=1, required=1, status="ok"),  # (4 + 1) // 3 = 1
)
case(
    "lambeth.observation",
    "one-in-seven-short",
    _lambeth_obs(_SIX_PERSONAL, ["2026-01-12"]),
    ob("observation:sw1", count=1, required=2, status="short"),  # (6 + 1) // 3 = 2
)
# sessions more than 12 months before as_of do not count: only 2 personal + 1 obs in window -> 1
case(
    "lambeth.observation",
    "twelve-month-window",
    _lambeth_obs(["2024-11-01", "2024-12-01", "2025-01-05", "2025-12-01", "2026-02-01"], ["2025-01-10", "2026-01-12"]),
    ob("observation:sw1", count=1, required=1, status="ok"),
)
# observation obligations belong to supervisees only: an advanced practitioner who supervises
# but is supervised by no one is owed none.
case(
    "lambeth.observation",
    "supervisees-only",
    scenario(
        "lambeth-2021",
        "2026-03-02",
        [person("ap1", "advanced_practitioner"), person("sw1", "social_worker", "2019-03-04")],
        [rel("ap1", "sw1", "2019-03-04")],
    ),
    ob("observation:sw1", count=0, required=0, status="ok"),
    absent("observation:ap1"),
)
# 3.3: reviews at 3, 6, 9 and 11 months. 31 Jan 2026 + 3 = 30 Apr, +6 = 31 Jul, +9 = 31 Oct, +11 = 31 Dec.
case(
    "lambeth.asye_reviews",
    "month-ends",
    one_supervisee("lambeth-2021", "2026-02-01", person("nq1", "nqsw_asye", "2026-01-31", asye_start="2026-01-31")),
    ob("asye_review:nq1:3", due="2026-04-30", status="pending"),
    ob("asye_review:nq1:6", due="2026-07-31"),
    ob("asye_review:nq1:9", due="2026-10-31"),
    ob("asye_review:nq1:11", due="2026-12-31"),
)


# =====================================================================================
# Buckinghamshire (seed 003)
# =====================================================================================

# Frequency table: students on placement weekly.
case(
    "bucks.personal.student",
    "weekly",
    one_supervisee(
        "buckinghamshire-2024",
        "2026-03-10",
        person("st1", "student_social_worker", "2026-01-05"),
        sessions=[held("s1", "personal", "st1", "2026-03-02")],
    ),
    ob("supervision:personal:st1", due="2026-03-09", status="overdue"),
)
# ASYE: first 6 weeks weekly; week 7 onwards fortnightly; month 7 onwards monthly.
# asye_start Mon 5 Jan 2026: week 7 starts 16 Feb; month 7 starts 5 Jul.
_BUCKS_NQ = person("nq1", "nqsw_asye", "2026-01-05", asye_start="2026-01-05")
case(
    "bucks.personal.asye",
    "week-6",
    one_supervisee(
        "buckinghamshire-2024", "2026-02-14", _BUCKS_NQ, sessions=[held("s1", "personal", "nq1", "2026-02-13")]
    ),
    ob("supervision:personal:nq1", due="2026-02-20"),  # 13 Feb + 7
)
case(
    "bucks.personal.asye",
    "week-7",
    one_supervisee(
        "buckinghamshire-2024", "2026-02-20", _BUCKS_NQ, sessions=[held("s1", "personal", "nq1", "2026-02-16")]
    ),
    ob("supervision:personal:nq1", due="2026-03-02"),  # 16 Feb + 14
)
case(
    "bucks.personal.asye",
    "month-7",
    one_supervisee(
        "buckinghamshire-2024", "2026-07-10", _BUCKS_NQ, sessions=[held("s1", "personal", "nq1", "2026-07-05")]
    ),
    ob("supervision:personal:nq1", due="2026-08-05"),  # 5 Jul + 1 month
)
# "At least once a calendar month": by the end of the calendar month after the last session.
for _role, _last, _due in (
    ("social_worker", "2026-01-15", "2026-02-28"),
    ("family_support_worker", "2026-12-01", "2027-01-31"),
    ("alternatively_qualified_practitioner", "2028-01-31", "2028-02-29"),
    ("business_support", "2026-03-31", "2026-04-30"),
):
    case(
        "bucks.personal.practitioner",
        _role,
        one_supervisee(
            "buckinghamshire-2024",
            _due,
            person("p1", _role, "2019-03-04"),
            sessions=[held("s1", "personal", "p1", _last)],
        ),
        ob("supervision:personal:p1", due=_due, status="upcoming", interval="1 calendar month"),
    )
for _role in ("assistant_team_manager", "team_manager", "service_manager", "head_of_service"):
    # "Once per calendar month": last session 2 Mar -> last day of April = 30 Apr.
    case(
        "bucks.personal.manager",
        _role,
        one_supervisee(
            "buckinghamshire-2024",
            "2026-05-01",
            person("m1", _role, "2019-03-04"),
            supervisor="sd1",
            others=[person("sd1", "service_director")],
            sessions=[held("s1", "personal", "m1", "2026-03-02", supervisor="sd1")],
        ),
        ob("supervision:personal:m1", due="2026-04-30", status="overdue"),
    )
# Case supervision at least every 12 weeks; the manager's shorter frequency with a rationale.
# allocated Mon 5 Jan 2026 + 84 days = Mon 30 Mar.
_BUCKS_SW = person("sw1", "social_worker", "2019-03-04")
case(
    "bucks.case.all",
    "twelve-weeks",
    one_supervisee(
        "buckinghamshire-2024",
        "2026-03-02",
        _BUCKS_SW,
        children=[child("c1", "sw1", "cp", "2026-01-05", rationale="stable, reviewed at core group")],
    ),
    ob("case_review:c1", due="2026-03-30", flags=[], interval="12 weeks", status="upcoming"),
)
case(
    "bucks.case.all",
    "manager-shortens",
    one_supervisee(
        "buckinghamshire-2024",
        "2026-03-02",
        _BUCKS_SW,
        children=[child("c1", "sw1", "cin", "2026-01-05", review_every_weeks=4, rationale="high risk")],
    ),
    ob("case_review:c1", due="2026-02-02", flags=[], status="overdue"),  # 5 Jan + 28
)
case(
    "bucks.case.all",
    "ceiling-holds",
    one_supervisee(
        "buckinghamshire-2024",
        "2026-03-02",
        _BUCKS_SW,
        children=[child("c1", "sw1", "cla", "2026-01-05", review_every_weeks=16, rationale="settled")],
    ),
    ob("case_review:c1", due="2026-03-30"),
)
case(
    "bucks.case.all",
    "no-rationale-flagged",
    one_supervisee(
        "buckinghamshire-2024", "2026-03-02", _BUCKS_SW, children=[child("c1", "sw1", "early_help", "2026-01-05")]
    ),
    ob("case_review:c1", due="2026-03-30", flags=["no_rationale"]),
)
# "Within the first 4 weeks": from 5 Jan + 28 = 2 Feb; reviewed at least once a year.
case(
    "bucks.agreement",
    "four-weeks",
    one_supervisee(
        "buckinghamshire-2024",
        "2026-03-02",
        person("sw1", "social_worker", "2026-01-05"),
        agreements=[{"supervisor": "tm1", "supervisee": "sw1", "signed": "2026-02-02"}],
    ),
    ob("agreement:tm1:sw1", due="2026-02-02", status="met"),
    ob("agreement_review:tm1:sw1", due="2027-02-02"),
)
case(
    "bucks.agreement",
    "annual-review",
    one_supervisee(
        "buckinghamshire-2024",
        "2026-03-02",
        person("sw1", "social_worker", "2024-02-29"),
        agreements=[{"supervisor": "tm1", "supervisee": "sw1", "signed": "2024-03-01", "reviewed": ["2025-02-28"]}],
    ),
    ob("agreement_review:tm1:sw1", due="2026-02-28", status="overdue"),
)
# Recording: personal notes emailed within 5 working days; 5 working days to respond; silence is
# not agreement. Mon 2 Mar + 5 = Mon 9 Mar; shared 9 Mar + 5 = Mon 16 Mar.
case(
    "bucks.record.personal",
    "silence-is-overdue",
    one_supervisee(
        "buckinghamshire-2024",
        "2026-03-17",
        _BUCKS_SW,
        sessions=[held("s1", "personal", "sw1", "2026-03-02", record_shared="2026-03-09")],
    ),
    ob("record_shared:s1", due="2026-03-09", status="met"),
    ob("record_response:s1", due="2026-03-16", status="overdue"),
)
case(
    "bucks.record.personal",
    "answered-on-the-last-day",
    one_supervisee(
        "buckinghamshire-2024",
        "2026-03-17",
        _BUCKS_SW,
        sessions=[held("s1", "personal", "sw1", "2026-03-02", record_shared="2026-03-09", record_agreed="2026-03-16")],
    ),
    ob("record_response:s1", due="2026-03-16", status="met"),
)
# Case supervisions on the child's LCS file within 5 working days.
# Mon 30 Mar: Tue 31 (1), Wed 1 (2), Thu 2 (3), [Fri 3, Mon 6 Easter] Tue 7 (4), Wed 8 (5).
case(
    "bucks.case_direction",
    "across-easter",
    one_supervisee(
        "buckinghamshire-2024",
        "2026-04-10",
        _BUCKS_SW,
        children=[child("c1", "sw1", "cp", "2026-03-02", rationale="x")],
        case_reviews=[review("r1", "c1", "2026-03-30", direction_recorded="2026-04-08")],
    ),
    ob("case_direction:r1", due="2026-04-08", status="met"),
)
# Cancellation: re-booked within 5 working days of the cancellation; after sickness/leave within
# 5 days of return. Cancelled Fri 13 Mar: Mon 16 .. Fri 20 -> 20 Mar.
case(
    "bucks.rearrange",
    "from-cancellation",
    one_supervisee(
        "buckinghamshire-2024",
        "2026-03-31",
        _BUCKS_SW,
        sessions=[
            cancelled("s1", "personal", "sw1", "2026-03-16", "2026-03-13", "other"),
            held("s2", "personal", "sw1", "2026-03-20"),
        ],
    ),
    ob("rearrange:s1", due="2026-03-20", done="2026-03-20", status="met"),
)
# Return Wed 1 Apr: Thu 2 (1), [Easter] Tue 7 (2), Wed 8 (3), Thu 9 (4), Fri 10 (5).
case(
    "bucks.rearrange",
    "after-sickness",
    one_supervisee(
        "buckinghamshire-2024",
        "2026-04-30",
        _BUCKS_SW,
        sessions=[
            cancelled("s1", "personal", "sw1", "2026-03-16", "2026-03-13", "sickness", return_to_work="2026-04-01"),
            held("s2", "personal", "sw1", "2026-04-13"),
        ],
    ),
    ob("rearrange:s1", due="2026-04-10", done="2026-04-13", status="late"),
)
# Return Mon 21 Dec 2026: Tue 22, Wed 23, Thu 24, [Fri 25, Mon 28] Tue 29, Wed 30.
case(
    "bucks.rearrange",
    "after-leave",
    one_supervisee(
        "buckinghamshire-2024",
        "2026-12-30",
        _BUCKS_SW,
        sessions=[cancelled("s1", "case", "sw1", "2026-12-07", "2026-12-04", "leave", return_to_work="2026-12-21")],
    ),
    ob("rearrange:s1", due="2026-12-30", status="pending"),
)
# Supervisor absent more than 2 weeks unplanned: only unplanned absence counts.
case(
    "bucks.absence_cover",
    "unplanned-15-days",
    one_supervisee(
        "buckinghamshire-2024",
        "2026-02-20",
        _BUCKS_SW,
        absences=[{"person": "tm1", "from": "2026-02-09", "to": "2026-02-23", "planned": False}],
    ),
    ob("absence_cover:tm1:sw1", status="needs_cover"),
)
case(
    "bucks.absence_cover",
    "planned-leave-does-not-count",
    one_supervisee(
        "buckinghamshire-2024",
        "2026-02-20",
        _BUCKS_SW,
        absences=[{"person": "tm1", "from": "2026-02-02", "to": "2026-03-06", "planned": True}],
    ),
    absent("absence_cover:tm1:sw1"),
)


# =====================================================================================
# Blackpool (seed 004)
# =====================================================================================

_BP_SW = person("sw1", "social_worker", "2019-03-04")
# 3: reflective supervision regarding children and families every month. 31 Jan + 1 month = 28 Feb.
for _role in ("social_worker", "family_support_worker", "student_social_worker"):
    case(
        "blackpool.case.practitioner",
        _role,
        one_supervisee(
            "blackpool-2020",
            "2026-03-02",
            person("p1", _role, "2019-03-04"),
            sessions=[held("s1", "case", "p1", "2026-01-31")],
        ),
        ob("supervision:case:p1", due="2026-02-28", status="overdue"),
    )
# 3: ASYE weekly for 6 weeks, then fortnightly until the 6-month review.
_BP_NQ = person("nq1", "nqsw_asye", "2026-01-05", asye_start="2026-01-05")
case(
    "blackpool.case.asye",
    "fortnightly",
    one_supervisee("blackpool-2020", "2026-03-04", _BP_NQ, sessions=[held("s1", "case", "nq1", "2026-03-02")]),
    ob("supervision:case:nq1", due="2026-03-16"),
)
case(
    "blackpool.case.asye",
    "weekly",
    one_supervisee("blackpool-2020", "2026-01-14", _BP_NQ, sessions=[held("s1", "case", "nq1", "2026-01-12")]),
    ob("supervision:case:nq1", due="2026-01-19"),
)
case(
    "blackpool.case.asye",
    "monthly-after-6-months",
    one_supervisee("blackpool-2020", "2026-07-10", _BP_NQ, sessions=[held("s1", "case", "nq1", "2026-07-06")]),
    ob("supervision:case:nq1", due="2026-08-06"),
)
# 4: all staff monthly (managers, IROs, CP chairs).
for _role in ("team_manager", "iro", "cp_chair"):
    case(
        "blackpool.case.manager",
        _role,
        one_supervisee(
            "blackpool-2020",
            "2026-03-02",
            person("m1", _role, "2019-03-04"),
            supervisor="sm1",
            others=[person("sm1", "service_manager")],
            sessions=[held("s1", "case", "m1", "2026-01-31", supervisor="sm1")],
        ),
        ob("supervision:case:m1", due="2026-02-28"),
    )
# 3, 6: personal reflective supervision bi-monthly (every two months). 31 Dec + 2 months = 28 Feb.
for _role in ("social_worker", "nqsw_asye", "team_manager"):
    case(
        "blackpool.personal.practitioners",
        _role,
        one_supervisee(
            "blackpool-2020",
            "2026-03-02",
            person("p1", _role, "2019-03-04", asye_start="2019-03-04"),
            supervisor="sm1",
            others=[person("sm1", "service_manager")],
            sessions=[held("s1", "personal", "p1", "2025-12-31", supervisor="sm1")],
        ),
        ob("supervision:personal:p1", due="2026-02-28", status="overdue", interval="2 months"),
    )
# 4: business support monthly, no case supervision.
case(
    "blackpool.personal.business_support",
    "monthly",
    one_supervisee(
        "blackpool-2020",
        "2026-04-30",
        person("bs1", "business_support", "2019-03-04"),
        sessions=[held("s1", "personal", "bs1", "2026-03-31")],
    ),
    ob("supervision:personal:bs1", due="2026-04-30", status="upcoming"),
    absent("supervision:case:bs1"),
)
# 4, App. 2: agreement when the relationship starts; reviewed every 3 months.
# signed 30 Nov 2025 + 3 months = 28 Feb 2026 (clamped).
case(
    "blackpool.agreement",
    "three-monthly-review",
    one_supervisee(
        "blackpool-2020",
        "2026-03-01",
        person("sw1", "social_worker", "2025-11-30"),
        agreements=[{"supervisor": "tm1", "supervisee": "sw1", "signed": "2025-11-30"}],
    ),
    ob("agreement:tm1:sw1", due="2025-11-30", status="met"),
    ob("agreement_review:tm1:sw1", due="2026-02-28", status="overdue"),
)
# 6: personal record signed by both within 10 working days (record_signed, done = record_agreed).
# Mon 16 Mar: Tue 17 .. Fri 20 (4), Mon 23 .. Fri 27 (9), Mon 30 (10).
case(
    "blackpool.record.personal",
    "signed-on-the-last-day",
    one_supervisee(
        "blackpool-2020",
        "2026-04-10",
        _BP_SW,
        sessions=[held("s1", "personal", "sw1", "2026-03-16", record_shared="2026-03-17", record_agreed="2026-03-30")],
    ),
    ob("record_signed:s1", due="2026-03-30", done="2026-03-30", status="met"),
    absent("record_shared:s1"),
    absent("record_response:s1"),
)
# Wed 25 Mar: 26, 27, 30, 31, 1, 2 (6), [Easter] 7, 8, 9, 10 (10).
case(
    "blackpool.record.personal",
    "across-easter",
    one_supervisee("blackpool-2020", "2026-04-10", _BP_SW, sessions=[held("s1", "personal", "sw1", "2026-03-25")]),
    ob("record_signed:s1", due="2026-04-10", status="pending"),
)
# 7: observation record signed by both within 10 working days.
case(
    "blackpool.record.observation",
    "late",
    one_supervisee(
        "blackpool-2020",
        "2026-04-10",
        _BP_SW,
        sessions=[held("o1", "observation", "sw1", "2026-03-16", observer="tm1", record_agreed="2026-03-31")],
    ),
    ob("record_signed:o1", due="2026-03-30", status="late"),
)


# 3, 7: 8 observations a year, at least 2 by the supervising team manager.
def _bp_obs(by_tm: int, by_others: int) -> dict:
    days = [
        "2025-04-06",
        "2025-05-11",
        "2025-06-15",
        "2025-07-20",
        "2025-08-24",
        "2025-09-28",
        "2025-11-02",
        "2025-12-07",
        "2026-01-11",
        "2026-02-15",
    ]
    observers = ["tm1"] * by_tm + ["ssw1"] * by_others
    sessions = [held(f"o{i}", "observation", "sw1", days[i], observer=who) for i, who in enumerate(observers)]
    sessions.append(held("old", "observation", "sw1", "2025-02-15", observer="tm1"))  # outside the 12 months
    return one_supervisee(
        "blackpool-2020", "2026-03-02", _BP_SW, others=[person("ssw1", "senior_social_worker")], sessions=sessions
    )


case(
    "blackpool.observation",
    "eight-two-by-supervisor-ok",
    _bp_obs(2, 6),
    ob("observation:sw1", count=8, by_supervisor=2, required=8, status="ok"),
)
case(
    "blackpool.observation",
    "eight-one-by-supervisor-short",
    _bp_obs(1, 7),
    ob("observation:sw1", count=8, by_supervisor=1, status="short"),
)
case(
    "blackpool.observation",
    "seven-short",
    _bp_obs(3, 4),
    ob("observation:sw1", count=7, by_supervisor=3, status="short"),
)
case(
    "blackpool.observation",
    "not-for-business-support",
    one_supervisee("blackpool-2020", "2026-03-02", person("bs1", "business_support", "2019-03-04")),
    absent("observation:bs1"),
)


# --- running the cases -------------------------------------------------------------------


def run(scen: dict) -> dict[str, dict]:
    parsed, pack = parse_scenario(json.dumps(scen))
    report = evaluate(parsed, pack)
    ids = [o["id"] for o in report["obligations"]]
    assert ids == sorted(ids)
    return {o["id"]: o for o in report["obligations"]}


@pytest.mark.parametrize("c", CASES, ids=[f"{c.rule}:{c.label}" for c in CASES])
def test_rule(c: Case) -> None:
    got = run(c.scenario)
    problems = []
    for want in c.expect:
        found = got.get(want["id"])
        if want.get("absent"):
            if found is not None:
                problems.append(f"{want['id']}: reported, wanted absent")
            continue
        if found is None:
            problems.append(f"{want['id']}: missing (have {sorted(got)})")
            continue
        want = {"rule": c.rule, **want}
        for key, value in want.items():
            if found.get(key) != value:
                problems.append(f"{want['id']}.{key}: got {found.get(key)!r}, wanted {value!r}")
    assert not problems, "\n".join(problems)


# --- coverage and citations ----------------------------------------------------------------


def _computed_rules() -> list[tuple[str, str]]:
    out = []
    for pack in shipped_packs().values():
        rules = [*pack.supervision, *pack.case_review, pack.agreement, *pack.records, *pack.observations]
        rules += [
            r
            for r in (pack.case_direction, pack.rearrange, pack.ratio, pack.asye_reviews, pack.absence_cover)
            if r is not None
        ]
        out += [(pack.id, r.id) for r in rules]
    return out


@pytest.mark.parametrize(("pack_id", "rule_id"), _computed_rules(), ids=[r for _, r in _computed_rules()])
def test_every_computed_rule_has_a_case(pack_id: str, rule_id: str) -> None:
    assert any(c.rule == rule_id and c.scenario["policy"] == pack_id for c in CASES)


_LEAD = r"^[\s#*\-•>|]*"


def _section_pattern(token: str) -> re.Pattern[str]:
    appendix = re.fullmatch(r"App\.?\s*([A-Z0-9]+)", token)
    if appendix:
        return re.compile(_LEAD + r"(?:\*\*)?Appendix\s+" + appendix.group(1) + r"\b", re.M | re.I)
    if re.fullmatch(r"[\d.]+", token):  # a numbered section heads a line: "4.4 Frequency", "- 3.4 ...", "# 3. ..."
        return re.compile(_LEAD + re.escape(token) + r"[.:)]?(?=[\s*]|$)", re.M)
    return re.compile(_LEAD + re.escape(token), re.M | re.I)  # a titled section: "Recording of supervision"


def _first_section(source: str) -> str:
    return re.split(r"[,;]|(?<=\d)-(?=\d)", source)[0].strip()


def _all_rules() -> list[tuple[str, Any]]:
    return [(pack.id, rule) for pack in shipped_packs().values() for rule in pack.all_rules()]


@pytest.mark.skipif(not SEEDS.is_dir(), reason="../shared/seeds is not beside this checkout")
@pytest.mark.parametrize(("pack_id", "rule"), _all_rules(), ids=[r.id for _, r in _all_rules()])
def test_rule_source_names_a_section_of_the_seed(pack_id: str, rule: Any) -> None:
    pack = shipped_packs()[pack_id]
    assert rule.source.strip()
    text = (SEEDS / pack.seed).read_text(encoding="utf-8")
    token = _first_section(rule.source)
    assert _section_pattern(token).search(text), f"{rule.id}: section {token!r} not found in {pack.seed}"
    assert pack.cite(rule) == f"{pack.seed} {rule.source}"


def _all_conflicts() -> list[tuple[str, Any]]:
    return [(pack.id, c) for pack in shipped_packs().values() for c in pack.conflicts]


@pytest.mark.skipif(not SEEDS.is_dir(), reason="../shared/seeds is not beside this checkout")
@pytest.mark.parametrize(("pack_id", "conflict"), _all_conflicts(), ids=[f"{p}:{c.id}" for p, c in _all_conflicts()])
def test_conflict_sources_name_sections_of_the_seed(pack_id: str, conflict: Any) -> None:
    pack = shipped_packs()[pack_id]
    text = (SEEDS / pack.seed).read_text(encoding="utf-8")
    for source in conflict.sources:
        assert _section_pattern(_first_section(source)).search(text), f"{conflict.id}: {source!r}"


_SUPERVISION_RULES = [(pack.id, rule) for pack in shipped_packs().values() for rule in pack.supervision]


@pytest.mark.parametrize(("pack_id", "rule"), _SUPERVISION_RULES, ids=[r.id for _, r in _SUPERVISION_RULES])
def test_supervision_rule_roles_are_known(pack_id: str, rule: Any) -> None:
    pack = shipped_packs()[pack_id]
    known = set(pack.roles)
    assert rule.roles and set(rule.roles) <= known, set(rule.roles) - known


_OBSERVATION_RULES = [(pack.id, rule) for pack in shipped_packs().values() for rule in pack.observations]


@pytest.mark.parametrize(("pack_id", "rule"), _OBSERVATION_RULES, ids=[r.id for _, r in _OBSERVATION_RULES])
def test_observation_rule_roles_are_known(pack_id: str, rule: Any) -> None:
    assert set(rule.roles) <= set(shipped_packs()[pack_id].roles)


@pytest.mark.parametrize("pack_id", sorted(shipped_packs()))
def test_every_common_role_is_accepted(pack_id: str) -> None:
    # README: "Roles every pack accepts"
    common = {
        "student_social_worker",
        "nqsw_asye",
        "social_worker",
        "senior_social_worker",
        "advanced_practitioner",
        "family_support_worker",
        "team_manager",
        "service_manager",
        "head_of_service",
        "business_support",
    }
    assert common <= set(shipped_packs()[pack_id].roles)
