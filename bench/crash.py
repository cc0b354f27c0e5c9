"""Crash: concurrent writers killed mid-write; nothing acknowledged is lost, the audit chain holds.

SQLite (``--rounds``, default 20): a fresh database file (WAL, synchronous FULL: the settings'
``init_command``) with one organisation and ``--writers`` (default 8) supervisor/supervisee
pairs. Each round starts the writers, one process each, which loop through the real service
functions on sessions booked beforehand: ``session_hold`` (opens the record), ``record_share``,
``record_agree`` and every third lap ``agreement_create`` and ``agreement_sign`` by both
parties. A writer appends "<what> <id>" to its log only after the service function has
returned (its transaction committed). After 1-3 s (random) every writer is killed with
SIGKILL, one by one at random moments. Then: every acknowledged write must be in the
database in at least the acknowledged state, ``verify_chain`` must hold, and
``PRAGMA integrity_check`` must say ok. The database carries over to the next round.

PostgreSQL (``--pg-rounds``, default 10): the same writers against a database
``oversight_crash`` on a throwaway cluster (``pg_createcluster 15 oversight_crash`` on a free
port, dropped at the end), while the server is stopped with ``pg_ctlcluster 15
oversight_crash stop -m immediate`` (a crash: no checkpoint, recovery from the WAL at the next
start), the writers then killed, the server started again and the same checks run. Its own
cluster, so the crashes disturb no one else's database. This needs root and Debian's
postgresql-common; without them (or with ``--shared-cluster``) it uses the shared cluster
``15 main``, and there it waits for, then skips (saying why), other clients connected to the
server unless ``--force``. The cluster is always started again (or dropped) before this
script exits.

Usage: ``.venv/bin/python bench/crash.py [--rounds 20] [--pg-rounds 10] [--writers 8]``.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "src"))
sys.path.insert(0, str(REPO / "bench"))

from pgutil import PG_DSN, admin_dsn, fresh_database, migrate, pg_available  # noqa: E402

SHARED_CLUSTER = ("15", "main")
OWN_CLUSTER = ("15", "oversight_crash")  # made for the PostgreSQL rounds and dropped after
CLUSTER = SHARED_CLUSTER
SERVER = PG_DSN
PG_DATABASE = "oversight_crash"
SESSIONS_PER_PAIR = 3000
KINDS = ("held", "shared", "agreed", "agreement", "signature")


def _django(url: str) -> None:
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "oversight.settings")
    os.environ.setdefault("OVERSIGHT_DEBUG", "1")
    import django

    django.setup()


# --- the writer (a process of its own) -------------------------------------------------------


def writer(url: str, pair: int, log_path: str) -> int:
    _django(url)
    from django.utils import timezone

    from oversight.people.models import Person
    from oversight.records.models import Record
    from oversight.records.services import record_agree, record_share
    from oversight.sessions.models import Session
    from oversight.sessions.services import session_hold
    from oversight.supervision.models import Relationship
    from oversight.supervision.services import agreement_create, agreement_sign

    supervisor = Person.objects.get(staff_id=f"CRASH-SUP-{pair}")
    supervisee = Person.objects.get(staff_id=f"CRASH-SVE-{pair}")
    relationship = Relationship.objects.get(supervisor=supervisor, supervisee=supervisee)
    today = timezone.localdate()
    log = os.open(log_path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644)

    def ack(what: str, pk: int) -> None:  # only ever after the commit returned
        os.write(log, f"{what} {pk}\n".encode())

    lap = 0
    while True:
        lap += 1
        session = Session.objects.filter(supervisor=supervisor, status="planned").order_by("pk").first()
        if session is None:
            return 0
        session_hold(session=session, by=supervisor, today=today)
        ack("held", session.pk)
        record = Record.objects.get(session=session)
        record_share(record=record, by=supervisor, on=today)
        ack("shared", record.pk)
        record_agree(record=record, by=supervisee, on=today)
        ack("agreed", record.pk)
        if lap % 3 == 0:
            agreement = agreement_create(relationship=relationship, by=supervisor, content={})
            ack("agreement", agreement.pk)
            for person in (supervisor, supervisee):
                signature = agreement_sign(agreement=agreement, by=person, at=timezone.now())
                ack("signature", signature.pk)


# --- the world and the checks (in this process) ----------------------------------------------


def make_world(writers: int) -> None:
    """One organisation, ``writers`` supervisor/supervisee pairs with a relationship and
    ``SESSIONS_PER_PAIR`` planned sessions each (the writers hold them in turn)."""
    from datetime import date, timedelta

    from django.utils import timezone

    from oversight.organisations.models import Organisation
    from oversight.people.models import Person
    from oversight.sessions.models import Session
    from oversight.supervision.models import Relationship

    today = timezone.localdate()
    organisation = Organisation.objects.create(name="Crash Test Council", slug="crash", policy_pack="leeds-2023")
    for pair in range(writers):
        supervisor = Person.objects.create(
            organisation=organisation,
            staff_id=f"CRASH-SUP-{pair}",
            name=f"Supervisor {pair}",
            role="team_manager",
            started=date(2020, 1, 1),
        )
        supervisee = Person.objects.create(
            organisation=organisation,
            staff_id=f"CRASH-SVE-{pair}",
            name=f"Worker {pair}",
            role="social_worker",
            started=date(2020, 1, 1),
            line_manager=supervisor,
        )
        Relationship.objects.create(
            organisation=organisation, supervisor=supervisor, supervisee=supervisee, start=date(2020, 1, 1)
        )
        Session.objects.bulk_create(
            Session(
                organisation=organisation,
                kind="personal",
                supervisor=supervisor,
                supervisee=supervisee,
                date=today - timedelta(days=n % 1500),
            )
            for n in range(SESSIONS_PER_PAIR)
        )


def read_acks(log_dir: Path) -> dict[str, set[int]]:
    acks: dict[str, set[int]] = {kind: set() for kind in KINDS}
    for path in log_dir.glob("writer-*.log"):
        for line in path.read_text().splitlines():
            parts = line.split()
            if len(parts) == 2 and parts[0] in acks and parts[1].isdigit():  # a torn last line is ignored
                acks[parts[0]].add(int(parts[1]))
    return acks


def lost_writes(acks: dict[str, set[int]]) -> dict[str, list[int]]:
    """Acknowledged writes missing from the database (or not in the acknowledged state)."""
    from oversight.records.models import Record
    from oversight.sessions.models import Session
    from oversight.supervision.models import Agreement, AgreementSignature

    def missing(ids: set[int], present: Any) -> list[int]:
        found: set[int] = set()
        ordered = sorted(ids)
        for start in range(0, len(ordered), 500):
            found |= set(present(ordered[start : start + 500]))
        return sorted(ids - found)

    return {
        "held": missing(
            acks["held"],
            lambda ids: Session.objects.filter(pk__in=ids, status="held", record__isnull=False).values_list(
                "pk", flat=True
            ),
        ),
        "shared": missing(
            acks["shared"],
            lambda ids: Record.objects.filter(pk__in=ids, shared_on__isnull=False).values_list("pk", flat=True),
        ),
        "agreed": missing(
            acks["agreed"],
            lambda ids: Record.objects.filter(pk__in=ids, status="agreed", agreed_on__isnull=False).values_list(
                "pk", flat=True
            ),
        ),
        "agreement": missing(
            acks["agreement"], lambda ids: Agreement.objects.filter(pk__in=ids).values_list("pk", flat=True)
        ),
        "signature": missing(
            acks["signature"], lambda ids: AgreementSignature.objects.filter(pk__in=ids).values_list("pk", flat=True)
        ),
    }


def check(acks: dict[str, set[int]], sqlite: bool) -> dict[str, Any]:
    """Run in a process of its own against the database (see ``run_check``)."""
    from django.db import connection

    from oversight.audit.models import AuditEvent
    from oversight.audit.services import verify_chain
    from oversight.sessions.models import Session

    lost = lost_writes(acks)
    # Sessions held whose writer was killed between the commit and its log line: the kills
    # do land mid-write (they are not lost writes: they were never acknowledged).
    unacked = Session.objects.filter(status="held").count() - len(acks["held"])
    chain = verify_chain()
    integrity = "n/a"
    if sqlite:
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA integrity_check")
            integrity = ", ".join(row[0] for row in cursor.fetchall())
            cursor.execute("PRAGMA journal_mode")
            journal = cursor.fetchone()[0]
            cursor.execute("PRAGMA synchronous")
            synchronous = {0: "OFF", 1: "NORMAL", 2: "FULL", 3: "EXTRA"}.get(cursor.fetchone()[0], "?")
        integrity = f"{integrity} ({journal}, synchronous {synchronous})"
    result = {
        "acked": sum(len(v) for v in acks.values()),
        "lost": sum(len(v) for v in lost.values()),
        "lost_detail": {k: v[:5] for k, v in lost.items() if v},
        "unacked": unacked,
        "chain": "intact" if chain.intact else f"BROKEN at {chain.broken}",
        "chain_ok": bool(chain.intact),
        "events": AuditEvent.objects.count(),
        "integrity": integrity,
        "integrity_ok": (not sqlite) or integrity.startswith("ok "),
    }
    connection.close()  # hold nothing open while the next round's writers run
    return result


def run_check(url: str, log_dir: Path, sqlite: bool) -> dict[str, Any]:
    proc = subprocess.run(
        [sys.executable, __file__, "--check", "--url", url, "--log", str(log_dir)] + (["--sqlite"] if sqlite else []),
        capture_output=True,
        text=True,
    )
    if proc.returncode != 0:
        raise RuntimeError(f"the check failed: {proc.stderr[-3000:]}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


def run_setup(url: str, writers: int) -> None:
    proc = subprocess.run(
        [sys.executable, __file__, "--setup", "--url", url, "--writers", str(writers)], capture_output=True, text=True
    )
    if proc.returncode != 0:
        raise RuntimeError(f"the set-up failed: {proc.stderr[-3000:]}")


# --- rounds ----------------------------------------------------------------------------------


def start_writers(url: str, writers: int, log_dir: Path, round_no: int) -> list[subprocess.Popen[bytes]]:
    procs = []
    for pair in range(writers):
        err = open(log_dir / f"writer-{pair}-round-{round_no}.err", "wb")  # noqa: SIM115
        procs.append(
            subprocess.Popen(
                [
                    sys.executable,
                    __file__,
                    "--writer",
                    str(pair),
                    "--url",
                    url,
                    "--log",
                    str(log_dir / f"writer-{pair}.log"),
                ],
                stdout=subprocess.DEVNULL,
                stderr=err,
            )
        )
        err.close()
    return procs


def wait_started(log_dir: Path, writers: int, before: int, timeout: float = 30.0) -> None:
    """Until every writer has acknowledged something this round (Django takes a moment to start)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        done = sum(len(read_acks(log_dir)[k]) for k in KINDS)
        if done >= before + writers:
            return
        time.sleep(0.1)


def kill_all(procs: list[subprocess.Popen[bytes]], rng: random.Random) -> None:
    """SIGKILL each writer at a random moment over about half a second."""
    order = list(procs)
    rng.shuffle(order)
    for proc in order:
        time.sleep(rng.uniform(0, 0.1))
        try:
            os.kill(proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
    for proc in procs:
        proc.wait()


def writer_errors(log_dir: Path, round_no: int) -> Counter[str]:
    """The last line of each writer's stderr this round where it died of an exception."""
    errors: Counter[str] = Counter()
    for path in log_dir.glob(f"writer-*-round-{round_no}.err"):
        lines = [line for line in path.read_text(errors="replace").splitlines() if line.strip()]
        if lines and "Error" in lines[-1]:
            errors[lines[-1][:100]] += 1
    return errors


def sqlite_rounds(rounds: int, writers: int, rng: random.Random, tmp: Path) -> list[dict[str, Any]]:
    path = tmp / "crash.sqlite3"
    url = f"sqlite:///{path}"
    migrate(url)
    run_setup(url, writers)
    results = []
    for round_no in range(1, rounds + 1):
        before = sum(len(v) for v in read_acks(tmp).values())
        procs = start_writers(url, writers, tmp, round_no)
        wait_started(tmp, writers, before)
        time.sleep(rng.uniform(1.0, 3.0))
        kill_all(procs, rng)
        result = run_check(url, tmp, sqlite=True)
        result.update(round=round_no, new=result["acked"] - before, errors=writer_errors(tmp, round_no))
        results.append(result)
        print_row("SQLite", result)
    return results


def pg_ctl(action: str, *extra: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["pg_ctlcluster", *CLUSTER, action, *extra], capture_output=True, text=True)


def wait_pg(timeout: float = 60.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if pg_available(timeout=2, server=SERVER):
            return True
        time.sleep(0.5)
    return False


def other_clients() -> list[str]:
    import psycopg

    with psycopg.connect(admin_dsn(SERVER)) as conn:
        rows = conn.execute(
            "SELECT coalesce(datname, '?'), count(*) FROM pg_stat_activity WHERE backend_type = 'client backend' "
            "AND pid <> pg_backend_pid() AND coalesce(datname, '') <> %s GROUP BY 1",
            [PG_DATABASE],
        ).fetchall()
    return [f"{name} ({count})" for name, count in rows]


def pg_unavailable_reason(force: bool) -> str | None:
    if shutil.which("pg_ctlcluster") is None:
        return "pg_ctlcluster is not installed (not a Debian PostgreSQL cluster)"
    if os.geteuid() != 0:
        return f"stopping the cluster needs root (or the postgres user); this runs as uid {os.geteuid()}"
    status = pg_ctl("status")
    if status.returncode not in (0, 3):
        return f"cluster {' '.join(CLUSTER)} not found: {status.stderr.strip() or status.stdout.strip()}"
    if not pg_available(server=SERVER):
        return f"no PostgreSQL server answers at {admin_dsn(SERVER)}"
    if not force:
        deadline = time.monotonic() + 60
        others = other_clients()
        while others and time.monotonic() < deadline:
            time.sleep(3)
            others = other_clients()
        if others:
            return f"other clients are connected ({', '.join(others)}); stopping the server would break them (--force)"
    return None


def pg_rounds(rounds: int, writers: int, rng: random.Random, tmp: Path, force: bool) -> list[dict[str, Any]]:
    url = fresh_database(PG_DATABASE, SERVER)
    run_setup(url, writers)
    results = []
    try:
        for round_no in range(1, rounds + 1):
            if not force and other_clients():
                reason = pg_unavailable_reason(force)
                if reason:
                    print(f"PostgreSQL rounds stopped after {round_no - 1}: {reason}")
                    break
            before = sum(len(v) for v in read_acks(tmp).values())
            procs = start_writers(url, writers, tmp, 100 + round_no)
            wait_started(tmp, writers, before)
            time.sleep(rng.uniform(1.0, 3.0))
            stopped = pg_ctl("stop", "-m", "immediate")
            if stopped.returncode != 0:
                kill_all(procs, rng)
                raise RuntimeError(f"pg_ctlcluster stop failed: {stopped.stderr.strip()}")
            time.sleep(rng.uniform(0.2, 1.0))  # the writers meet a dead server
            kill_all(procs, rng)
            started = pg_ctl("start")
            if started.returncode != 0 or not wait_pg():
                raise RuntimeError(f"PostgreSQL did not come back: {started.stderr.strip()}")
            result = run_check(url, tmp, sqlite=False)
            result.update(round=round_no, new=result["acked"] - before, errors=writer_errors(tmp, 100 + round_no))
            results.append(result)
            print_row("PostgreSQL", result)
    finally:
        ensure_pg_running()
    return results


def make_own_cluster() -> str | None:
    """A throwaway cluster (``15 oversight_crash``) on a free port, so the crashes disturb no
    one else's database; returns why not where it cannot be made."""
    global CLUSTER, SERVER
    if shutil.which("pg_createcluster") is None:
        return "pg_createcluster is not installed (not a Debian PostgreSQL)"
    if os.geteuid() != 0:
        return f"making a cluster needs root; this runs as uid {os.geteuid()}"
    subprocess.run(["pg_dropcluster", *OWN_CLUSTER, "--stop"], capture_output=True, text=True)
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    made = subprocess.run(
        ["pg_createcluster", *OWN_CLUSTER, "-p", str(port), "--start", "--", "--auth-local=trust", "--auth-host=trust"],
        capture_output=True,
        text=True,
    )
    if made.returncode != 0:
        return f"pg_createcluster failed: {made.stderr.strip()[-300:]}"
    CLUSTER, SERVER = OWN_CLUSTER, f"postgresql://postgres@localhost:{port}/"
    if not wait_pg():
        return f"the new cluster did not answer on port {port}"
    return None


def drop_own_cluster() -> None:
    if CLUSTER == OWN_CLUSTER:
        subprocess.run(["pg_dropcluster", *OWN_CLUSTER, "--stop"], capture_output=True, text=True)


def ensure_pg_running() -> None:
    if shutil.which("pg_ctlcluster") is None:
        return
    if not pg_available(timeout=2, server=SERVER):
        pg_ctl("start")
        if not wait_pg():
            print("WARNING: PostgreSQL did not start again: run `pg_ctlcluster 15 main start`")


HEADERS = (
    "database",
    "round",
    "acked (new)",
    "lost",
    "held, unacked",
    "audit events",
    "chain",
    "integrity_check",
    "writer errors",
)


def print_header() -> None:
    print(
        f"{HEADERS[0]:>10}  {HEADERS[1]:>5}  {HEADERS[2]:>12}  {HEADERS[3]:>4}  {HEADERS[4]:>13}  {HEADERS[5]:>12}  "
        f"{HEADERS[6]:>7}  {HEADERS[7]:<28}  {HEADERS[8]}"
    )


def print_row(database: str, r: dict[str, Any]) -> None:
    errors = "; ".join(f"{n} x {text}" for text, n in r["errors"].most_common(2)) or "-"
    print(
        f"{database:>10}  {r['round']:>5}  {r['acked']:>6,} ({r['new']:>4,})  {r['lost']:>4}  {r['unacked']:>13}  "
        f"{r['events']:>12,}  "
        f"{r['chain']:>7}  {r['integrity']:<28}  {errors}",
        flush=True,
    )
    if r["lost"]:
        print(f"            LOST: {r['lost_detail']}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=20, help="SQLite rounds")
    parser.add_argument("--pg-rounds", type=int, default=10, help="PostgreSQL rounds (0 to skip)")
    parser.add_argument("--writers", type=int, default=8)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--force", action="store_true", help="stop PostgreSQL even while others are connected")
    parser.add_argument(
        "--shared-cluster",
        action="store_true",
        help="crash the shared cluster 15 main (OVERSIGHT_BENCH_PG) instead of a throwaway one",
    )
    parser.add_argument("--strict", action="store_true", help="exit 1 on any lost write or failed check")
    parser.add_argument("--writer", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--url", help=argparse.SUPPRESS)
    parser.add_argument("--log", help=argparse.SUPPRESS)
    parser.add_argument("--setup", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--check", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--sqlite", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.writer is not None:
        return writer(args.url, args.writer, args.log)
    if args.setup:
        _django(args.url)
        make_world(args.writers)
        return 0
    if args.check:
        _django(args.url)
        print(json.dumps(check(read_acks(Path(args.log)), args.sqlite)))
        return 0

    rng = random.Random(args.seed)
    print(
        f"crash test: {args.writers} writers killed with SIGKILL, {args.rounds} rounds on SQLite, "
        f"{args.pg_rounds} with PostgreSQL stopped in immediate mode"
    )
    results: list[dict[str, Any]] = []
    skipped = None
    with tempfile.TemporaryDirectory(prefix="oversight-crash-") as tmp:
        print_header()
        if args.rounds:
            results += sqlite_rounds(args.rounds, args.writers, rng, _sub(tmp, "sqlite"))
        if args.pg_rounds:
            skipped = None if args.shared_cluster else make_own_cluster()
            if skipped is not None:
                print(f"no throwaway cluster ({skipped}); using the shared cluster {' '.join(SHARED_CLUSTER)}")
            skipped = pg_unavailable_reason(args.force)
            if skipped is None:
                try:
                    pg = pg_rounds(args.pg_rounds, args.writers, rng, _sub(tmp, "pg"), args.force)
                    results += [dict(r, database="PostgreSQL") for r in pg]
                finally:
                    ensure_pg_running()
                    try:
                        from pgutil import drop_database

                        drop_database(PG_DATABASE, SERVER)
                    except Exception as exc:  # noqa: BLE001
                        print(f"could not drop {PG_DATABASE}: {exc}")
                    drop_own_cluster()
            else:
                drop_own_cluster()
                print(f"PostgreSQL rounds SKIPPED: {skipped}")
    lost = sum(r["lost"] for r in results)
    broken = sum(not r["chain_ok"] for r in results)
    corrupt = sum(not r["integrity_ok"] for r in results)
    sqlite_n = sum(1 for r in results if r.get("database") != "PostgreSQL")
    pg_n = len(results) - sqlite_n
    acked = max((r["acked"] for r in results if r.get("database") != "PostgreSQL"), default=0)
    pg_acked = max((r["acked"] for r in results if r.get("database") == "PostgreSQL"), default=0)
    print(
        f"\n{sqlite_n} SQLite rounds ({acked:,} acknowledged writes), {pg_n} PostgreSQL rounds "
        f"({pg_acked:,} acknowledged writes): {lost} lost, {broken} broken chains, {corrupt} failed integrity checks"
    )
    ok = lost == 0 and broken == 0 and corrupt == 0 and sqlite_n == args.rounds
    print(
        f"{'MET    ' if ok else 'NOT MET'}  0 lost writes, audit chain intact and integrity_check ok after every round"
    )
    return 1 if args.strict and not ok else 0


def _sub(tmp: str, name: str) -> Path:
    path = Path(tmp) / name
    path.mkdir(exist_ok=True)
    return path


if __name__ == "__main__":
    sys.exit(main())
