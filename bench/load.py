"""Load: locust (headless, loopback) against gunicorn and PostgreSQL with a 3,000-staff council.

1. Set-up: a fresh PostgreSQL database (``oversight_load``), migrated; the 3,000-staff /
   20,000-children / 5-year leeds-2023 scenario (``oversight generate``, seed 2026, cached in
   bench/out/ as bench/run.py makes it) bulk-loaded (bench/loaddata.py); sign-ins made for
   ``--users``/2 supervisors and one supervisee of each (passwords hashed with the bench
   settings' fast hasher); for each pair its 20 latest records set back to draft (the
   supervisor shares them) and the next 20 to shared today (the supervisee agrees them);
   the obligation store refreshed in full.
2. gunicorn (``--workers``, default 3) on 127.0.0.1 with bench/settings_bench.py: production
   settings except plain HTTP on loopback (no HTTPS redirect, cookies not Secure), the
   second factor NOT demanded (OVERSIGHT_REQUIRE_2FA off) and a fast password hasher.
3. locust headless (bench/locustfile.py): ``--users`` (default 50) signed-in users with 2-8 s
   think time for ``--minutes`` (default 10; ``--seconds`` for a quick run) reading My
   supervision, supervision files, sessions and records, and signing off records (share /
   agree) through the record page's form.
4. Prints p95 (and p50, p99, max) of reads and of sign-off POSTs, and the error count
   (failed requests of any kind). Targets: read p95 <= 250 ms, sign-off p95 <= 500 ms, 0 errors.

Usage: ``.venv/bin/python bench/load.py [--minutes 10] [--users 50] [--workers 3] [--strict]``.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
BENCH = REPO / "bench"
sys.path.insert(0, str(REPO / "src"))
sys.path.insert(0, str(BENCH))

from pgutil import admin_dsn, drop_database, fresh_database, pg_available  # noqa: E402

BIN = Path(sys.executable).parent
DATABASE = "oversight_load"
POLICY = "leeds-2023"
PER_PAIR = int(
    os.environ.get("OVERSIGHT_LOAD_PER_PAIR", "20")
)  # records each supervisor shares, and each supervisee agrees
TARGET_READ_MS = 250.0
TARGET_SIGN_OFF_MS = 500.0


def bench_env(url: str, data_dir: Path) -> dict[str, str]:
    return {
        **os.environ,
        "DATABASE_URL": url,
        "DJANGO_SETTINGS_MODULE": "settings_bench",
        "PYTHONPATH": os.pathsep.join([str(BENCH), str(REPO / "src"), os.environ.get("PYTHONPATH", "")]),
        "OVERSIGHT_DATA_DIR": str(data_dir),
    }


# --- set-up, in a process with the bench settings -------------------------------------------


def prepare(scenario: Path, plan_path: Path, pairs: int) -> None:
    import django

    django.setup()
    from datetime import timedelta

    from django.contrib.auth import get_user_model
    from django.db.models import Count, Q
    from django.utils import timezone
    from loaddata import load_scenario

    from oversight.compliance.store import refresh_organisation
    from oversight.people.models import Person
    from oversight.records.models import Record
    from oversight.sessions.models import Session
    from oversight.supervision.models import Relationship

    started = time.perf_counter()
    data = json.loads(scenario.read_bytes())
    organisation, _, _ = load_scenario(data, name="Load Test City Council", slug="load", policy=POLICY)
    del data
    print(f"  loaded in {time.perf_counter() - started:.0f} s", flush=True)
    today = timezone.localdate()
    # The loaded history has records shared and never answered, long ago. Under a pack where
    # silence is agreement the daily job (apply_deemed_agreements) would have made them agreed;
    # done here in bulk (history, like the rest of the load: no audit rows), so the first page
    # loads of the test do not all do it at once.
    deemed = deem_history_agreed(organisation, today)
    print(f"  {deemed:,} old shared records deemed agreed", flush=True)
    # A live database has its planner statistics kept by autovacuum; a bulk load has none until
    # then, and without them PostgreSQL guesses 150 sessions where there are 300,000.
    from django.db import connection

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    active = Relationship.objects.filter(organisation=organisation, start__lte=today).filter(
        Q(end__isnull=True) | Q(end__gte=today), supervisee__left__isnull=True, supervisor__left__isnull=True
    )
    counts = {
        (row["session__supervisor_id"], row["session__supervisee_id"]): row["n"]
        for row in Record.objects.filter(session__organisation=organisation, session__status="held")
        .values("session__supervisor_id", "session__supervisee_id")
        .annotate(n=Count("pk"))
    }
    candidates = [
        pair
        for pair in active.order_by("supervisor_id", "supervisee_id").values_list("supervisor_id", "supervisee_id")
        if counts.get(pair, 0) >= 2 * PER_PAIR
    ]
    chosen: list[tuple[int, int]] = []
    used: set[int] = set()
    for supervisor_id, supervisee_id in candidates:
        if supervisor_id in used or supervisee_id in used:
            continue
        chosen.append((supervisor_id, supervisee_id))
        used |= {supervisor_id, supervisee_id}
        if len(chosen) == pairs:
            break
    User = get_user_model()
    accounts: list[dict[str, Any]] = []
    for n, (supervisor_id, supervisee_id) in enumerate(chosen):
        records = list(
            Record.objects.filter(
                session__supervisor_id=supervisor_id, session__supervisee_id=supervisee_id, session__status="held"
            )
            .order_by("-session__date", "-pk")
            .values_list("pk", flat=True)[: 2 * PER_PAIR]
        )
        drafts, shared = records[:PER_PAIR], records[PER_PAIR:]
        Record.objects.filter(pk__in=drafts).update(status="draft", shared_on=None, agreed_on=None)
        Record.objects.filter(pk__in=shared).update(status="shared", shared_on=today, agreed_on=None)
        sessions = list(
            Session.objects.filter(supervisee_id=supervisee_id, date__gte=today - timedelta(days=400)).values_list(
                "pk", flat=True
            )[:30]
        )
        readable = (
            list(
                Record.objects.filter(session__supervisee_id=supervisee_id, session__supervisor_id=supervisor_id)
                .exclude(pk__in=records)
                .order_by("-session__date")
                .values_list("pk", flat=True)[:20]
            )
            or records
        )
        team = list(active.filter(supervisor_id=supervisor_id).values_list("supervisee_id", flat=True)[:20])
        for kind, person_id, sign_off, files in (
            ("supervisor", supervisor_id, drafts, team or [supervisee_id]),
            ("supervisee", supervisee_id, shared, [supervisee_id]),
        ):
            username = f"bench-{kind}-{n}"
            password = f"bench-{n}-{kind}-password"
            user = User.objects.create_user(username=username, password=password)
            Person.objects.filter(pk=person_id).update(user=user)
            accounts.append(
                {
                    "username": username,
                    "password": password,
                    "kind": kind,
                    "person": person_id,
                    "files": files,
                    "sessions": sessions,
                    "records": readable,
                    "sign_off": sign_off,
                }
            )
    started = time.perf_counter()
    refresh_organisation(organisation, today)
    print(
        f"  {len(accounts)} sign-ins for {len(chosen)} supervisor/supervisee pairs; obligation store refreshed "
        f"in {time.perf_counter() - started:.0f} s",
        flush=True,
    )
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")  # the obligation store's rows, now written
    plan_path.write_text(json.dumps(accounts))


def deem_history_agreed(organisation: Any, today: Any) -> int:
    from oversight.records.models import Record

    pack = organisation.pack
    changed = []
    for record in Record.objects.filter(status="shared", session__organisation=organisation).select_related("session"):
        rule = next((r for r in pack.records if record.session.kind in r.kinds and r.respond_within), None)
        if rule is None or not rule.silence_is_agreement or rule.respond_within is None or record.shared_on is None:
            continue
        deadline = rule.respond_within.add_to(record.shared_on)
        if today > deadline:
            record.status, record.agreed_on, record.deemed_agreed = "agreed", deadline, True
            changed.append(record)
    Record.objects.bulk_update(changed, ["status", "agreed_on", "deemed_agreed"], batch_size=2000)
    return len(changed)


# --- running ---------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_http(url: str, timeout: float = 60.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=5) as response:
                if response.status == 200:
                    return True
        except Exception:
            time.sleep(0.3)
    return False


def percentile(values: list[float], p: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    index = max(0, min(len(ordered) - 1, int(round(p / 100 * len(ordered) + 0.5)) - 1))
    return ordered[index]


def summarise(samples_path: Path) -> tuple[list[list[str]], dict[str, dict[str, float]], int]:
    rows: dict[str, list[float]] = {}
    groups: dict[str, list[float]] = {}
    errors = 0
    failed_by_name: dict[str, int] = {}
    if samples_path.exists():
        for line in samples_path.read_text().splitlines():
            sample = json.loads(line)
            rows.setdefault(sample["name"], []).append(sample["ms"])
            groups.setdefault(sample["group"], []).append(sample["ms"])
            if not sample["ok"]:
                errors += 1
                failed_by_name[sample["name"]] = failed_by_name.get(sample["name"], 0) + 1
    table = []
    for name in sorted(rows):
        values = rows[name]
        table.append(
            [
                name,
                f"{len(values):,}",
                str(failed_by_name.get(name, 0)),
                f"{percentile(values, 50):.0f}",
                f"{percentile(values, 95):.0f}",
                f"{percentile(values, 99):.0f}",
                f"{max(values):.0f}",
            ]
        )
    stats = {
        group: {"n": len(v), "p50": percentile(v, 50), "p95": percentile(v, 95), "p99": percentile(v, 99)}
        for group, v in groups.items()
    }
    return table, stats, errors


def print_table(headers: list[str], rows: list[list[str]]) -> None:
    widths = [max(len(h), *(len(r[i]) for r in rows)) if rows else len(h) for i, h in enumerate(headers)]
    print("  ".join(h.rjust(w) for h, w in zip(headers, widths, strict=True)))
    print("  ".join("-" * w for w in widths))
    for r in rows:
        print("  ".join(c.rjust(w) for c, w in zip(r, widths, strict=True)))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--minutes", type=float, default=10.0)
    parser.add_argument("--seconds", type=float, help="run time in seconds (overrides --minutes)")
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--workers", type=int, default=3, help="gunicorn workers")
    parser.add_argument("--staff", type=int, default=3000)
    parser.add_argument("--children", type=int, default=20000)
    parser.add_argument("--think", default="2,8", help="think time between a user's actions, seconds (min,max)")
    parser.add_argument("--database", default=DATABASE)
    parser.add_argument("--keep", action="store_true", help="do not drop the database at the end")
    parser.add_argument("--strict", action="store_true", help="exit 1 when a target is missed")
    parser.add_argument("--prepare", nargs=2, metavar=("SCENARIO", "PLAN"), help=argparse.SUPPRESS)
    parser.add_argument("--pairs", type=int, default=25, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.prepare:
        prepare(Path(args.prepare[0]), Path(args.prepare[1]), args.pairs)
        return 0
    if not pg_available():
        print(f"load benchmark SKIPPED: no PostgreSQL server answers at {admin_dsn()}")
        return 0
    run_seconds = args.seconds if args.seconds is not None else args.minutes * 60
    from run import scenario_file

    print(
        f"load: {args.users} users, think time {args.think} s, {run_seconds:.0f} s, gunicorn {args.workers} workers, "
        f"PostgreSQL; {args.staff:,} staff / {args.children:,} children ({POLICY}); "
        "bench settings: plain HTTP on loopback, second factor OFF, fast password hasher"
    )
    scenario, meta = scenario_file(args.staff, args.children, POLICY)
    gunicorn = None
    with tempfile.TemporaryDirectory(prefix="oversight-load-") as tmp:
        data_dir = Path(tmp)
        (data_dir / "staticfiles").mkdir()  # STATIC_ROOT, empty: static files come from the apps
        plan = data_dir / "plan.json"
        samples = data_dir / "samples.jsonl"
        try:
            url = fresh_database(args.database)
            env = bench_env(url, data_dir)
            started = time.perf_counter()
            subprocess.run(
                [
                    sys.executable,
                    __file__,
                    "--prepare",
                    str(scenario),
                    str(plan),
                    "--pairs",
                    str(max(1, args.users // 2)),
                ],
                env=env,
                check=True,
            )
            print(f"set-up took {time.perf_counter() - started:.0f} s", flush=True)
            port = free_port()
            host = f"http://127.0.0.1:{port}"
            gunicorn = subprocess.Popen(
                [
                    str(BIN / "gunicorn"),
                    "oversight.wsgi:application",
                    "--workers",
                    str(args.workers),
                    "--bind",
                    f"127.0.0.1:{port}",
                    "--log-level",
                    "warning",
                    "--timeout",
                    "120",
                ],
                env=env,
                stderr=open(data_dir / "gunicorn.log", "wb"),  # noqa: SIM115
            )
            if not wait_http(host + "/sign-in/"):
                raise SystemExit("gunicorn did not answer on /sign-in/")
            for _ in range(args.workers * 3):  # every worker imports and loads the packs once
                wait_http(host + "/sign-in/")
            locust_env = {
                **env,
                "OVERSIGHT_LOAD_PLAN": str(plan),
                "OVERSIGHT_LOAD_SAMPLES": str(samples),
                "OVERSIGHT_LOAD_THINK": args.think,
            }
            spawn_rate = max(1, args.users // 10)
            proc = subprocess.run(
                [
                    str(BIN / "locust"),
                    "-f",
                    str(BENCH / "locustfile.py"),
                    "--headless",
                    "--users",
                    str(args.users),
                    "--spawn-rate",
                    str(spawn_rate),
                    "--run-time",
                    f"{int(run_seconds)}s",
                    "--host",
                    host,
                    "--only-summary",
                    "--loglevel",
                    "WARNING",
                    "--stop-timeout",
                    "30",
                ],
                env=locust_env,
                capture_output=True,
                text=True,
            )
            if proc.returncode not in (0, 1):  # 1: some requests failed, counted below
                print(proc.stdout[-3000:], proc.stderr[-3000:])
                raise SystemExit(f"locust exited {proc.returncode}")
            failures = [
                line
                for line in proc.stdout.splitlines() + proc.stderr.splitlines()
                if "Error" in line or "gave" in line
            ]
        finally:
            if gunicorn is not None:
                gunicorn.send_signal(signal.SIGTERM)
                try:
                    gunicorn.wait(timeout=30)
                except subprocess.TimeoutExpired:
                    gunicorn.kill()
            if not args.keep:
                drop_database(args.database)
        table, stats, errors = summarise(samples)
        server_log = (
            (data_dir / "gunicorn.log").read_text(errors="replace") if (data_dir / "gunicorn.log").exists() else ""
        )
        if server_log.strip():
            kept = REPO / "bench" / "out" / "load-gunicorn.log"
            kept.parent.mkdir(parents=True, exist_ok=True)
            kept.write_text(server_log)
    print()
    print_table(["request", "count", "failed", "p50 ms", "p95 ms", "p99 ms", "max ms"], table)
    read = stats.get("read", {"n": 0, "p95": float("nan"), "p50": float("nan")})
    sign = stats.get("sign-off", {"n": 0, "p95": float("nan"), "p50": float("nan")})
    print(
        f"\nreads: {read['n']:,}, p50 {read['p50']:.0f} ms, p95 {read['p95']:.0f} ms; "
        f"sign-offs: {sign['n']:,}, p50 {sign['p50']:.0f} ms, p95 {sign['p95']:.0f} ms; errors: {errors}"
    )
    if errors:
        for line in failures[:10]:
            print(f"  {line.strip()[:200]}")
    if server_log.strip():
        tracebacks = [line for line in server_log.splitlines() if line and not line.startswith((" ", "Traceback"))]
        print(f"server log (bench/out/load-gunicorn.log), last lines: {tracebacks[-5:]}")
    checks = [
        (f"read p95 {read['p95']:.0f} ms <= {TARGET_READ_MS:.0f} ms", read["p95"] <= TARGET_READ_MS),
        (f"sign-off p95 {sign['p95']:.0f} ms <= {TARGET_SIGN_OFF_MS:.0f} ms", sign["p95"] <= TARGET_SIGN_OFF_MS),
        (f"{errors} errors", errors == 0),
    ]
    print(f"load average now {os.getloadavg()[0]:.2f} (1 min) on {os.cpu_count()} CPUs, locust on the same machine")
    for text, ok in checks:
        print(f"{'MET    ' if ok else 'NOT MET'}  {text}")
    return 1 if args.strict and not all(ok for _, ok in checks) else 0


if __name__ == "__main__":
    sys.exit(main())
