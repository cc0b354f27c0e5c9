"""Benchmark of ``oversight check`` on generated scenarios (``make bench``).

Generates (into bench/out/, gitignored) a large council, 3,000 staff / 20,000
children / 5 years, and twice that, under leeds-2023 with a fixed seed, then times
``oversight check FILE > /dev/null`` as a subprocess: best of 3 wall-clock runs and
the peak resident memory of the process. Prints a table and whether the targets
hold:

- the first size in at most 2 s and 1 GiB on a 2-core machine;
- the second at most 2.2x the first (the engine scales about linearly).

Options: ``--all-policies`` also runs the first size under every shipped policy;
``--profile`` prints the top of ``python -m cProfile -s cumtime`` for the first
file; ``--runs N`` changes best-of-N; ``--strict`` exits 1 when a target is missed.
Generated files are reused while the generator's source is unchanged.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import platform
import pstats
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
OUT = REPO / "bench" / "out"
BIN = Path(sys.executable).parent
OVERSIGHT = BIN / "oversight"
SEED = 2026
AS_OF = "2026-11-02"
YEARS = 5
SIZES = ((3000, 20000), (6000, 40000))
POLICY = "leeds-2023"
POLICIES = ("leeds-2023", "lambeth-2021", "bristol-2020", "blackpool-2020", "buckinghamshire-2024")
TARGET_SECONDS = 2.0
TARGET_MIB = 1024.0
TARGET_RATIO = 2.2


def generator_fingerprint() -> str:
    """Changes whenever the generator or the packs change, so stale files are remade."""
    digest = hashlib.sha256()
    policy_dir = REPO / "src" / "oversight" / "policy"
    for path in [*sorted((policy_dir / "generate").glob("*.py")), *sorted((policy_dir / "packs").glob("*.yaml"))]:
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def scenario_file(staff: int, children: int, policy: str) -> tuple[Path, dict]:
    """The generated scenario and its facts (sessions, size), made if missing or stale."""
    from oversight.policy.generate import write_scenario

    OUT.mkdir(parents=True, exist_ok=True)
    path = OUT / f"{policy}-{staff}-{children}-{YEARS}y-seed{SEED}.json"
    meta_path = path.with_suffix(".meta.json")
    fingerprint = generator_fingerprint()
    if path.exists() and meta_path.exists():
        meta = json.loads(meta_path.read_text())
        if meta.get("fingerprint") == fingerprint and meta.get("bytes") == path.stat().st_size:
            return path, meta
    print(f"generating {path.name} ...", end=" ", flush=True)
    started = time.perf_counter()
    with open(path, "w", encoding="utf-8") as out:
        write_scenario(out, staff=staff, children=children, years=YEARS, seed=SEED, policy=policy, as_of=AS_OF)
    seconds = time.perf_counter() - started
    data = json.loads(path.read_bytes())
    meta = {
        "fingerprint": fingerprint,
        "bytes": path.stat().st_size,
        "generate_seconds": round(seconds, 2),
        **{
            name: len(data.get(name) or [])
            for name in ("people", "relationships", "sessions", "children", "case_reviews", "hours", "absences")
        },
    }
    del data
    meta_path.write_text(json.dumps(meta))
    print(f"{seconds:.1f} s")
    return path, meta


# Runs the command with stdout to a file and reports its wall time, peak RSS and CPU
# time as JSON. It is a small process of its own because Linux starts a child's
# ru_maxrss from the RSS of the process it was forked from: measured straight from
# this script, which has just loaded a large JSON file, every check would report at
# least this script's size.
_LAUNCHER = """
import json, os, sys, time
out = os.open(sys.argv[1], os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
started = time.perf_counter()
pid = os.fork()
if pid == 0:
    os.dup2(out, 1)
    os.execv(sys.argv[2], sys.argv[2:])
_, status, usage = os.wait4(pid, 0)
wall = time.perf_counter() - started
print(json.dumps({"wall": wall, "maxrss_kib": usage.ru_maxrss, "cpu": usage.ru_utime + usage.ru_stime,
                  "code": os.waitstatus_to_exitcode(status)}))
"""


def run_check(path: Path, stdout_path: str) -> tuple[float, float, float]:
    """One `oversight check PATH > stdout_path` run: (wall seconds, peak MiB, CPU seconds, user + system)."""
    proc = subprocess.run(
        [sys.executable, "-c", _LAUNCHER, stdout_path, str(OVERSIGHT), "check", str(path)],
        capture_output=True,
        text=True,
    )
    if proc.returncode != 0:
        raise SystemExit(f"benchmark launcher failed: {proc.stderr.strip()}")
    result = json.loads(proc.stdout)
    if result["code"] != 0:
        raise SystemExit(f"oversight check {path.name} exited {result['code']}: {proc.stderr.strip()}")
    return result["wall"], result["maxrss_kib"] / 1024, result["cpu"]  # ru_maxrss is in KiB on Linux


def measure(path: Path, runs: int) -> dict:
    walls, peaks, cpus = [], [], []
    for _ in range(runs):
        wall, peak, cpu = run_check(path, os.devnull)
        walls.append(wall)
        peaks.append(peak)
        cpus.append(cpu)
    report = path.with_suffix(".report.json")
    run_check(path, str(report))
    obligations = len(json.loads(report.read_bytes())["obligations"])
    report.unlink()
    return {"wall": min(walls), "walls": walls, "cpu": min(cpus), "peak_mib": max(peaks), "obligations": obligations}


def profile(path: Path, top: int = 25) -> None:
    stats_file = OUT / "check.prof"
    subprocess.run(
        [sys.executable, "-m", "cProfile", "-o", str(stats_file), "-m", "oversight.cli", "check", str(path)],
        stdout=subprocess.DEVNULL,
        check=True,
    )
    print(f"\ncProfile of `oversight check {path.name}` (cumulative, top {top}):")
    pstats.Stats(str(stats_file), stream=sys.stdout).strip_dirs().sort_stats("cumulative").print_stats(top)


def mib(n_bytes: int) -> str:
    return f"{n_bytes / 2**20:.1f} MiB"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3, help="best of N timed runs (default 3)")
    parser.add_argument("--all-policies", action="store_true", help="also the first size under every policy")
    parser.add_argument("--profile", action="store_true", help="cProfile the first file's check")
    parser.add_argument("--strict", action="store_true", help="exit 1 when a target is missed")
    args = parser.parse_args(argv)

    print(
        f"oversight check benchmark: {platform.python_implementation()} {platform.python_version()}, "
        f"{os.cpu_count()} CPUs, seed {SEED}, as_of {AS_OF}, best of {args.runs}"
    )
    load = os.getloadavg()[0]
    if load > 0.5:
        print(f"warning: load average {load:.2f} before starting; other work on this machine will slow the runs")
    cases = [(staff, children, POLICY) for staff, children in SIZES]
    if args.all_policies:
        cases += [(SIZES[0][0], SIZES[0][1], policy) for policy in POLICIES if policy != POLICY]
    rows = []
    for staff, children, policy in cases:
        path, meta = scenario_file(staff, children, policy)
        result = measure(path, args.runs)
        rows.append({"staff": staff, "children": children, "policy": policy, "path": path, **meta, **result})
        print(
            f"  {policy} {staff}/{children}: {result['wall']:.2f} s wall, {result['cpu']:.2f} s cpu, "
            f"{result['peak_mib']:.0f} MiB "
            f"(runs {', '.join(f'{w:.2f}' for w in result['walls'])})",
            flush=True,
        )

    headers = (
        "policy",
        "staff",
        "children",
        "years",
        "sessions",
        "file",
        "wall s",
        "cpu s",
        "peak MiB",
        "obligations",
        "vs first",
    )
    first = rows[0]
    table = []
    for row in rows:
        ratio = (
            f"{row['wall'] / first['wall']:.2f}x (cpu {row['cpu'] / first['cpu']:.2f}x)"
            if row["policy"] == POLICY
            else "-"
        )
        table.append(
            (
                row["policy"],
                f"{row['staff']:,}",
                f"{row['children']:,}",
                str(YEARS),
                f"{row['sessions']:,}",
                mib(row["bytes"]),
                f"{row['wall']:.2f}",
                f"{row['cpu']:.2f}",
                f"{row['peak_mib']:.0f}",
                f"{row['obligations']:,}",
                ratio,
            )
        )
    widths = [max(len(h), *(len(r[i]) for r in table)) for i, h in enumerate(headers)]
    print()
    print("  ".join(h.rjust(w) for h, w in zip(headers, widths, strict=True)))
    print("  ".join("-" * w for w in widths))
    for r in table:
        print("  ".join(c.rjust(w) for c, w in zip(r, widths, strict=True)))

    second = rows[1]
    ratio = second["wall"] / first["wall"]
    checks = [
        (f"first size wall time {first['wall']:.2f} s <= {TARGET_SECONDS:.1f} s", first["wall"] <= TARGET_SECONDS),
        (
            f"first size peak memory {first['peak_mib']:.0f} MiB <= {TARGET_MIB:.0f} MiB",
            first["peak_mib"] <= TARGET_MIB,
        ),
        (f"second / first wall time {ratio:.2f}x <= {TARGET_RATIO}x", ratio <= TARGET_RATIO),
    ]
    print(f"\nload average now {os.getloadavg()[0]:.2f} (1 min)")
    for text, ok in checks:
        print(f"{'MET    ' if ok else 'NOT MET'}  {text}")
    if args.profile:
        profile(first["path"])
    return 1 if args.strict and not all(ok for _, ok in checks) else 0


if __name__ == "__main__":
    sys.path.insert(0, str(REPO / "src"))
    sys.exit(main())
