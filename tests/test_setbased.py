"""bench/setbased.py, PostgreSQL computing fixed-interval supervision and case reviews
set-based, gives the engine's obligations field for field.

Each pack gets an authority built from its own rules, one person per (role, employment) the
rules name, with the awkward cases: month ends and a leap day, two sessions on one day, a group
session whose supervisee is also an attendee, sessions before the relationship, a relationship
limited to some kinds beside one for all, an ended relationship, a leaver, a case holder under
a rule for staff without cases, a blank rationale of spaces, a manager-shortened review and one
not shorter than the rule's. ``bench/national.py`` (and tests/test_bench_smoke.py) compares the
two on generated authorities too. PostgreSQL only: the PostgreSQL leg of ``make test`` runs it.
"""

from __future__ import annotations

import sys
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from django.db import connection

from oversight.compliance.selectors import scenario_for
from oversight.policy import evaluate
from oversight.policy.pack import CHILD_STATUSES, get_pack, shipped_packs

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "bench"))

import setbased  # noqa: E402
from loaddata import load_scenario  # noqa: E402

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="set-based SQL is PostgreSQL's (the PostgreSQL leg runs it)"
    ),
]

AS_OF = date(2026, 3, 31)


def authority(policy: str) -> dict[str, Any]:
    """A scenario exercising every supervision rule of the pack and every child status."""
    pack = get_pack(policy)
    people: list[dict[str, Any]] = [{"id": "tm", "role": "team_manager", "started": "2010-01-31"}]
    relationships: list[dict[str, Any]] = []
    sessions: list[dict[str, Any]] = []
    kinds = sorted({rule.kind for rule in pack.supervision})
    seen = set()
    n = 0
    for rule in pack.supervision:
        for role in rule.roles:
            for employment in [*(rule.employment or []), None]:
                if (role, employment) in seen:
                    continue
                seen.add((role, employment))
                for variant in range(3):
                    n += 1
                    pid = f"x{n}"
                    started = ["2024-01-31", "2025-12-31", "2024-02-29"][variant]
                    person = {"id": pid, "role": role, "started": started}
                    if employment is not None:
                        person["employment"] = employment
                    if variant == 2 and n % 4 == 0:
                        person["left"] = "2026-03-01"  # a leaver: no obligations
                    people.append(person)
                    relationships.append({"supervisor": "tm", "supervisee": pid, "from": "2025-01-31"})
                    if variant == 1:  # a second supervisor for one kind only, and an ended one
                        relationships.append(
                            {"supervisor": "tm2", "supervisee": pid, "from": "2025-06-30", "kinds": [kinds[0]]}
                        )
                        relationships.append(
                            {"supervisor": "tm3", "supervisee": pid, "from": "2020-01-01", "to": "2025-01-01"}
                        )
                    for kind in kinds:
                        for k, day in enumerate(
                            [
                                "2024-12-31",
                                "2025-01-31",
                                "2025-03-31",
                                "2025-03-31",
                                "2025-08-29",
                                "2026-01-30",
                                "2026-02-28",
                                "2026-04-10",
                            ]
                        ):
                            if (n + k) % 3 == variant or day == "2025-03-31":
                                sessions.append(
                                    {
                                        "id": f"s{pid}{kind}{k}",
                                        "kind": kind,
                                        "supervisor": "tm",
                                        "supervisee": pid,
                                        "date": day,
                                        "status": "held" if k != 4 or variant else "cancelled",
                                        **(
                                            {"cancelled_on": "2025-08-28", "reason": "sickness"}
                                            if k == 4 and not variant
                                            else {}
                                        ),
                                    }
                                )
    people += [
        {"id": "tm2", "role": "team_manager", "started": "2012-05-31"},
        {"id": "tm3", "role": "team_manager", "started": "2012-05-31"},
    ]
    supervisees = [p["id"] for p in people if p["id"].startswith("x")]
    for k, day in enumerate(["2025-02-28", "2025-10-31", "2026-03-30"]):
        for kind in kinds:
            sessions.append(
                {
                    "id": f"g{k}{kind}",
                    "kind": kind,
                    "supervisor": "tm",
                    "date": day,
                    "status": "held",
                    "supervisee": supervisees[k],  # also among the attendees
                    "attendees": supervisees[k : k + 5],
                }
            )
    children = []
    reviews = []
    for k, status in enumerate(CHILD_STATUSES * 3):
        cid = f"c{k}"
        children.append(
            {
                "id": cid,
                "worker": supervisees[k % len(supervisees)],
                "status": status,
                "allocated": ["2025-01-31", "2025-11-30", "2024-02-29"][k % 3],
                **({"review_every_weeks": [1, 2, 52][k % 3]} if k % 2 == 0 else {}),
                **({"rationale": ["   ", "Seen weekly: risk of harm"][k % 2]} if k % 3 else {}),
            }
        )
        if k % 4:
            for j in range(k % 4):
                reviews.append(
                    {
                        "id": f"r{k}{j}",
                        "child": cid,
                        "by": "tm",
                        "date": (date(2025, 12, 31) + timedelta(days=29 * j)).isoformat(),
                    }
                )
    return {
        "policy": policy,
        "as_of": AS_OF.isoformat(),
        "people": people,
        "relationships": relationships,
        "sessions": sessions,
        "children": children,
        "case_reviews": reviews,
    }


@pytest.mark.parametrize("policy", sorted(shipped_packs()))
def test_set_based_rows_are_the_engine_obligations(policy: str) -> None:
    pack = get_pack(policy)
    organisation, _, _ = load_scenario(authority(policy), name=policy, slug=policy, fast=False)
    with connection.cursor() as cursor:
        supervision = setbased.supervision_rows(cursor, [pack], [organisation.pk], AS_OF)
        reviews = setbased.case_review_rows(cursor, [pack], [organisation.pk], AS_OF)
    mine = {ob["id"]: ob for ob in setbased.obligations(supervision, reviews)}
    report = evaluate(scenario_for(organisation, AS_OF), pack)["obligations"]
    theirs = {ob["id"]: ob for ob in report if setbased.covered(ob, {policy: pack}, policy)}
    assert theirs, "the scenario gives obligations of the kinds compared"
    assert any(ob["kind"] == "case_review" for ob in theirs.values()) == bool(pack.case_review)
    assert mine == theirs
