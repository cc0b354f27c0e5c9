"""The Scale benchmarks (bench/national.py, bench/load.py, bench/crash.py) run end to end at a
tiny size, so they cannot rot. Not timings: `make bench` measures; this only checks that each
script runs and that its own correctness checks hold (the engine and the DuckDB reference
agree, the one-query read path equals scenario_for, no acknowledged write is lost, no request
fails). The crash test runs on SQLite only here: stopping the PostgreSQL server is for
`make bench-crash`, never for the suite."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "bench"))

from pgutil import PG_DSN, pg_available  # noqa: E402

needs_postgres = pytest.mark.skipif(
    not pg_available(), reason=f"no PostgreSQL server answers at {PG_DSN} (set OVERSIGHT_BENCH_PG to point at one)"
)


def run(*args: str, timeout: int = 120, **env: str) -> str:
    proc = subprocess.run(
        [sys.executable, *args], cwd=REPO, capture_output=True, text=True, timeout=timeout, env={**os.environ, **env}
    )
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    return proc.stdout


@needs_postgres
def test_national_engine_and_duckdb_agree_at_a_tiny_size() -> None:
    out = run(
        "bench/national.py",
        "--orgs",
        "5",
        "--staff",
        "25",
        "--children",
        "80",
        "--years",
        "1",
        "--sample",
        "200",
        "--database",
        "oversight_national_smoke",
        "--verify-read-path",
    )
    assert "authority" in out and "DuckDB reference" in out
    assert "PostgreSQL set-based compared with the engine on all" in out
    assert out.count(": 0 mismatches") == 2, out  # PostgreSQL set-based (every row) and DuckDB (a sample)
    assert "read path equals scenario_for (same engine report) for all 5 organisations" in out, out


def test_crash_loses_no_acknowledged_write_on_sqlite() -> None:
    out = run("bench/crash.py", "--rounds", "1", "--pg-rounds", "0", "--writers", "2")
    assert "ok (wal, synchronous FULL)" in out, out
    assert "0 lost, 0 broken chains, 0 failed integrity checks" in out, out
    assert "MET      0 lost writes" in out, out


@needs_postgres
def test_load_signs_in_reads_and_signs_off_without_errors() -> None:
    out = run(
        "bench/load.py",
        "--seconds",
        "6",
        "--users",
        "2",
        "--staff",
        "40",
        "--children",
        "150",
        "--think",
        "0.2,0.5",
        "--database",
        "oversight_load_smoke",
        OVERSIGHT_LOAD_PER_PAIR="3",
        OVERSIGHT_LOAD_SIGN_OFF_FIRST="1",
    )
    assert "sign-off: share" in out and "sign-off: agree" in out and "read: /home/" in out, out
    assert "errors: 0" in out, out
