"""Benchmark of two per-request jobs that were once timed inside tests (``make bench``):

- ``oversight sar``: a subject access bundle (JSON, HTML and PDF) for a demo social worker
  with a year of supervision, on the Leeds demo in a fresh SQLite database; target under 5 s.
- survey suppression: deciding which of a results page's figures can be published for 3,000
  anonymous responses over 300 teams (oversight.surveys.suppression); target under 10 s.

Each best of ``--runs`` (default 3). ``--strict`` exits 1 when a target is missed. The tests
check what these produce; how fast they are is measured here, on a quiet machine.
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import tempfile
import time
from datetime import date
from io import StringIO
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "src"))

TARGET_SAR_S = 5.0
TARGET_SUPPRESSION_S = 10.0
TODAY = date(2026, 11, 20)


def sar_seconds(runs: int) -> float:
    from django.core.management import call_command

    from oversight.demo import load_demo

    call_command("migrate", verbosity=0)
    load_demo(today=TODAY, only=("leeds-2023",))
    best = float("inf")
    with tempfile.TemporaryDirectory() as out:
        for _ in range(runs):
            began = time.perf_counter()
            call_command("sar", "LEEDS-1003", "--out", out, "--received", TODAY.isoformat(), stdout=StringIO())
            best = min(best, time.perf_counter() - began)
        assert (Path(out) / "subject-access-LEEDS-1003.pdf").stat().st_size > 10_000
    return best


def suppression_seconds(runs: int) -> float:
    from collections import defaultdict

    from oversight.surveys.suppression import Candidate, decide

    # The results page's figures, as tests/test_surveys_suppression.py builds them: everyone,
    # each of 30 services, each of 4 role bands, each of 300 teams; broadest first.
    rng = random.Random(1)
    groups: dict[tuple[str, object], set[int]] = defaultdict(set)
    for i in range(3000):
        team = rng.randrange(300)
        band = rng.choices(range(4), weights=(6, 2, 1, 1))[0]
        for key in (("overall", ""), ("service", team % 30), ("team", team), ("band", band)):
            groups[key].add(i)
    order = {"overall": 0, "service": 1, "band": 2, "team": 3}
    keys = sorted(groups, key=lambda k: (order[k[0]], -len(groups[k]), str(k[1])))
    candidates = [Candidate(key, frozenset(groups[key])) for key in keys]
    best = float("inf")
    for _ in range(runs):
        began = time.perf_counter()
        decide(candidates)
        best = min(best, time.perf_counter() - began)
    return best


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--strict", action="store_true")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        os.environ["DATABASE_URL"] = f"sqlite:///{tmp}/records-bench.sqlite3"
        os.environ["DJANGO_SETTINGS_MODULE"] = "oversight.settings_test"
        import django

        django.setup()
        print(f"load average {os.getloadavg()[0]:.2f} (1 min) before starting")
        sar = sar_seconds(args.runs)
        suppression = suppression_seconds(args.runs)
    results = [
        (f"oversight sar on a demo social worker: {sar:.2f} s (target < {TARGET_SAR_S:.0f} s)", sar < TARGET_SAR_S),
        (
            f"survey suppression, 3,000 responses: {suppression:.2f} s (target < {TARGET_SUPPRESSION_S:.0f} s)",
            suppression < TARGET_SUPPRESSION_S,
        ),
    ]
    for text, ok in results:
        print(f"{'MET    ' if ok else 'NOT MET'}  {text}")
    return 1 if args.strict and not all(ok for _, ok in results) else 0


if __name__ == "__main__":
    sys.exit(main())
