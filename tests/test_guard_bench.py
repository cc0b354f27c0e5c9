"""The child-data guard's goals on its labelled set (bench/guard/labelled.yaml, printed by `make
bench`): at least 200 sentences; recall at least 0.95 on case-system IDs and on the caseload's
names; every kind at least 0.9 recall and the whole at least 0.9 precision. A regression fails here."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def _bench():  # type: ignore[no-untyped-def]
    spec = importlib.util.spec_from_file_location("bench_guard", REPO / "bench" / "guard.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclasses look their module up
    spec.loader.exec_module(module)
    return module


def test_the_guard_meets_its_goals_on_the_labelled_set() -> None:
    result = _bench().measure()
    assert result.sentences >= 200
    tallies = result.by_kind
    assert tallies["CASE_ID"].recall >= 0.95, tallies["CASE_ID"]
    assert tallies["CHILD_NAME"].recall >= 0.95, tallies["CHILD_NAME"]
    for kind, tally in tallies.items():
        assert tally.tp + tally.fn >= 10, f"{kind}: too few labels to measure"
        assert tally.recall >= 0.9, (kind, tally)
    assert result.overall.precision >= 0.9, result.overall
