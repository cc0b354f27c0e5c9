"""Benchmark of the obligation store and the authority dashboard on a database (``make bench``).

Loads the generator's council (3,000 staff / 20,000 children / 5 years, leeds-2023,
the file bench/run.py makes in bench/out/) into a fresh Django database with
``bulk_create``, on SQLite (bench/out/bench.sqlite3) and on PostgreSQL (database
``oversight_bench`` on localhost:5432, user postgres, dropped and made again), then times:

- ``refresh_organisation``: the full recomputation (best and median of 3, ``--full-runs``);
- recording a session: a session scheduled and held through the services in one
  transaction for a random supervisee; the hook's refresh after commit (resolving who is
  affected, then ``refresh_people``), p50/p95 over 50, and its query count (max);
- the authority dashboard (``dashboards:authority``) as a senior manager with the Django
  test client, p50/p95 over 30 GETs after one warm-up, and its query count; or
  "dashboards not installed".

Each database runs in a child process (settings read ``DATABASE_URL`` at import). Prints a
table and whether the targets hold (refresh after a session p95 < 50 ms; dashboard p95 <
250 ms). Options: ``--db sqlite|postgres|both``, ``--runs N`` (sessions), ``--gets N``
(dashboard), ``--staff``/``--children`` (a smaller council for a quick look),
``--reuse`` (keep the database a previous run loaded), ``--strict`` (exit 1 when a target
is missed). The databases are ANALYZEd after loading, as a live one would be.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import secrets
import statistics
import subprocess
import sys
import time
from collections import defaultdict
from datetime import UTC, date, datetime, timedelta
from datetime import time as clock_time
from decimal import Decimal
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
OUT = REPO / "bench" / "out"
SQLITE_FILE = OUT / "bench.sqlite3"
PG_NAME = "oversight_bench"
PG_URL = f"postgres://postgres@localhost:5432/{PG_NAME}"
TARGET_SESSION_MS = 50.0
TARGET_DASHBOARD_MS = 250.0
SEED = 2026


def p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(0.95 * (len(ordered) - 1))))]


# --- the child: one database --------------------------------------------------------


def _fresh_database(db: str) -> None:
    if db == "sqlite":
        for suffix in ("", "-wal", "-shm", "-journal"):
            Path(f"{SQLITE_FILE}{suffix}").unlink(missing_ok=True)
        return
    import psycopg

    with psycopg.connect("postgresql://postgres@localhost:5432/postgres", autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {PG_NAME} WITH (FORCE)")
        conn.execute(f"CREATE DATABASE {PG_NAME}")


def _day(value: str | None) -> date | None:
    return date.fromisoformat(value) if value else None


def load(data: dict[str, Any]) -> dict[str, Any]:
    """The generated scenario as rows, with bulk_create; returns the organisation and counts."""
    from django.contrib.auth import get_user_model
    from django.db import transaction

    from oversight.cases.models import CaseReview, Child
    from oversight.organisations.models import Organisation
    from oversight.people.models import Absence, AsyeReview, HoursWorked, Person, Service, Team
    from oversight.records.models import Record
    from oversight.sessions.models import Session
    from oversight.supervision.models import Agreement, AgreementReview, AgreementSignature, Relationship

    started = time.perf_counter()
    batch = 5000
    with transaction.atomic():
        org = Organisation.objects.create(name="Bench Council", slug="bench", policy_pack=data["policy"])
        service = Service.objects.create(organisation=org, name="Children's social work")
        team = Team.objects.create(organisation=org, service=service, name="Bench team")
        people = [
            Person(
                organisation=org,
                staff_id=p["id"],
                name=f"Staff {p['id']}",
                role=p["role"],
                employment=p.get("employment") or "permanent",
                team=team,
                started=_day(p["started"]),
                left=_day(p.get("left")),
                asye_start=_day(p.get("asye_start")),
            )
            for p in data["people"]
        ]
        Person.objects.bulk_create(people, batch_size=batch)
        pk = {p.staff_id: p.pk for p in Person.objects.filter(organisation=org).only("pk", "staff_id")}
        AsyeReview.objects.bulk_create(
            [
                AsyeReview(person_id=pk[p["id"]], date=_day(d))
                for p in data["people"]
                for d in p.get("asye_reviews") or []
            ],
            batch_size=batch,
        )
        relationships = [
            Relationship(
                organisation=org,
                supervisor_id=pk[r["supervisor"]],
                supervisee_id=pk[r["supervisee"]],
                start=_day(r["from"]),
                end=_day(r.get("to")),
                kinds=r.get("kinds") or [],
            )
            for r in data["relationships"]
        ]
        Relationship.objects.bulk_create(relationships, batch_size=batch)
        by_pair: dict[tuple[int, int], list[Relationship]] = defaultdict(list)
        for rel in Relationship.objects.filter(organisation=org).order_by("start"):
            by_pair[(rel.supervisor_id, rel.supervisee_id)].append(rel)
        agreements, signed, reviewed = [], [], []
        for a in data.get("agreements") or []:
            pair = (pk[a["supervisor"]], pk[a["supervisee"]])
            rels = by_pair.get(pair)
            if not rels:
                continue
            agreements.append(Agreement(relationship=rels[-1], template_id="bench", content={}))
            signed.append(_day(a.get("signed")))
            reviewed.append([_day(d) for d in a.get("reviewed") or []])
        Agreement.objects.bulk_create(agreements, batch_size=batch)
        signatures, reviews = [], []
        for agreement, day, days in zip(agreements, signed, reviewed, strict=True):
            if day is not None:
                at = datetime.combine(day, clock_time(12), tzinfo=UTC)
                rel = agreement.relationship
                signatures.append(
                    AgreementSignature(
                        agreement=agreement, party="supervisor", person_id=rel.supervisor_id, signed_at=at
                    )
                )
                signatures.append(
                    AgreementSignature(
                        agreement=agreement, party="supervisee", person_id=rel.supervisee_id, signed_at=at
                    )
                )
            reviews += [
                AgreementReview(agreement=agreement, date=d, by_id=agreement.relationship.supervisor_id) for d in days
            ]
        AgreementSignature.objects.bulk_create(signatures, batch_size=batch)
        AgreementReview.objects.bulk_create(reviews, batch_size=batch)

        sessions, records, attendees = [], [], []
        for s in data["sessions"]:
            status = s.get("status") or "held"
            session = Session(
                organisation=org,
                kind=s["kind"],
                supervisor_id=pk[s["supervisor"]],
                supervisee_id=pk[s["supervisee"]] if s.get("supervisee") else None,
                observer_id=pk[s["observer"]] if s.get("observer") else None,
                date=_day(s["date"]),
                status=status,
            )
            if status == "cancelled":
                session.cancelled_on = _day(s.get("cancelled_on")) or session.date
                session.cancel_reason = s.get("reason") or "other"
                session.return_to_work = _day(s.get("return_to_work"))
            sessions.append(session)
            records.append(s)
        Session.objects.bulk_create(sessions, batch_size=batch)
        record_rows = []
        for session, s in zip(sessions, records, strict=True):
            for who in s.get("attendees") or []:
                attendees.append(Session.attendees.through(session_id=session.pk, person_id=pk[who]))
            if session.status == "held":
                shared, agreed = _day(s.get("record_shared")), _day(s.get("record_agreed"))
                status = "agreed" if agreed else "shared" if shared else "draft"
                record_rows.append(
                    Record(session=session, template_id="bench", status=status, shared_on=shared, agreed_on=agreed)
                )
        Session.attendees.through.objects.bulk_create(attendees, batch_size=batch)
        Record.objects.bulk_create(record_rows, batch_size=batch)

        children = [
            Child(
                organisation=org,
                case_id=c["id"],
                status=c["status"],
                worker_id=pk[c["worker"]],
                allocated=_day(c["allocated"]),
                review_every_weeks=c.get("review_every_weeks"),
                rationale=c.get("rationale") or "",
            )
            for c in data["children"]
        ]
        Child.objects.bulk_create(children, batch_size=batch)
        child_pk = {c.case_id: c.pk for c in children}
        CaseReview.objects.bulk_create(
            [
                CaseReview(
                    child_id=child_pk[r["child"]],
                    date=_day(r["date"]),
                    by_id=pk[r["by"]],
                    direction="Bench direction",
                    direction_recorded=_day(r.get("direction_recorded")),
                )
                for r in data.get("case_reviews") or []
            ],
            batch_size=batch,
        )
        hours: dict[tuple[int, date], float] = defaultdict(float)
        for h in data.get("hours") or []:
            hours[(pk[h["person"]], _day(h["date"]))] += h["hours"]
        HoursWorked.objects.bulk_create(
            [HoursWorked(person_id=p, date=d, hours=Decimal(str(min(24.0, v)))) for (p, d), v in hours.items()],
            batch_size=batch,
        )
        Absence.objects.bulk_create(
            [
                Absence(
                    person_id=pk[a["person"]],
                    start=_day(a["from"]),
                    end=_day(a.get("to")),
                    planned=a.get("planned", False),
                )
                for a in data.get("absences") or []
            ],
            batch_size=batch,
        )
        # the senior manager who reads the authority dashboard
        manager = (
            Person.objects.filter(organisation=org, role="service_manager", left__isnull=True).order_by("pk").first()
        )
        assert manager is not None, "the generated council has no service manager"
        user = get_user_model().objects.create_user(username="bench.senior", password=secrets.token_hex(16))
        manager.user = user
        manager.save(update_fields=["user"])
    from oversight.access.services import capability_grant

    capability_grant(person=manager, capability="senior_manager", by=None, reason="Benchmark")
    counts = {name: len(data.get(name) or []) for name in ("people", "sessions", "children", "case_reviews")}
    return {"org": org, "manager": manager, "seconds": time.perf_counter() - started, "counts": counts}


def _loaded() -> bool:
    """Whether the database already holds the bench council (``--reuse``)."""
    from django.db import connection

    try:
        from oversight.organisations.models import Organisation

        return "organisations_organisation" in connection.introspection.table_names() and (
            Organisation.objects.filter(slug="bench").exists()
        )
    except Exception:  # no database yet
        return False


def child(db: str, scenario: Path, runs: int, gets: int, full_runs: int, reuse: bool = False) -> dict[str, Any]:
    import django

    os.environ["DJANGO_SETTINGS_MODULE"] = "oversight.settings_test"  # throwaway key, no 2FA for the client
    django.setup()
    from django.core.management import call_command
    from django.db import connection, transaction
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from oversight.compliance import hooks, store
    from oversight.compliance.models import Obligation, SupervisionHeld
    from oversight.organisations.models import Organisation
    from oversight.people.models import Person
    from oversight.policy import evaluate
    from oversight.policy.scenario import check_policy_and_references, scenario_from_python
    from oversight.sessions.services import session_hold, session_schedule
    from oversight.supervision.models import Relationship

    result: dict[str, Any] = {"db": db}
    data = json.loads(scenario.read_bytes())
    if reuse and _loaded():
        org = Organisation.objects.get(slug="bench")
        manager = Person.objects.get(organisation=org, user__username="bench.senior")
        loaded = {"org": org, "manager": manager, "seconds": float("nan"), "counts": {}}
    else:
        _fresh_database(db)
        call_command("migrate", verbosity=0)
        loaded = load(data)
    org = loaded["org"]
    with connection.cursor() as cursor:  # statistics for the planner, as a live database has
        cursor.execute("ANALYZE")
    result["load_s"] = loaded["seconds"]
    result["counts"] = loaded["counts"]
    today = timezone.localdate()

    # the full refresh, checked against the engine on the generated file
    seconds = []
    for _ in range(full_runs):
        started = time.perf_counter()
        count = store.refresh_organisation(org, today)
        seconds.append(time.perf_counter() - started)
    result["full_best_s"], result["full_median_s"] = min(seconds), statistics.median(seconds)
    result["obligations"], result["held_rows"] = count, SupervisionHeld.objects.filter(organisation=org).count()
    on_file = scenario_from_python({**data, "as_of": today.isoformat()})
    from_file = evaluate(on_file, check_policy_and_references(on_file))["obligations"]
    result["engine_matches"] = (
        None
        if loaded["counts"] == {}
        else count == len(from_file)
        and sorted(o.status for o in Obligation.objects.filter(organisation=org))
        == sorted(ob["status"] for ob in from_file)
    )

    # recording a session: the hook's refresh after commit, and refresh_people alone
    flushes: list[float] = []
    refreshes: list[float] = []
    queries: list[int] = []
    real_refresh, real_call = store.refresh_people, hooks._Pending.__call__

    def timed_refresh(*args: Any, **kwargs: Any) -> int:
        started = time.perf_counter()
        try:
            return real_refresh(*args, **kwargs)
        finally:
            refreshes.append(time.perf_counter() - started)

    def timed_call(self: Any) -> None:
        with CaptureQueriesContext(connection) as captured:
            started = time.perf_counter()
            real_call(self)
            flushes.append(time.perf_counter() - started)
        queries.append(len(captured.captured_queries))

    rng = random.Random(SEED)
    active = list(
        Relationship.objects.filter(organisation=org, start__lte=today, end__isnull=True, supervisee__left__isnull=True)
        .select_related("supervisor", "supervisee")
        .order_by("pk")
    )
    rows_for_person = []
    # as in a running server: the pack's clocks and bank holidays are loaded once, before
    store.refresh_people(org, [active[0].supervisee_id], today)
    store.refresh_people = timed_refresh  # type: ignore[assignment]
    hooks._Pending.__call__ = timed_call  # type: ignore[method-assign]
    try:
        for rel in rng.sample(active, runs):
            day = today - timedelta(days=rng.randrange(1, 6))  # in the past: no calendar invitations
            with transaction.atomic():
                session = session_schedule(
                    organisation=org,
                    by=rel.supervisor,
                    kind="personal",
                    supervisor=rel.supervisor,
                    supervisee=rel.supervisee,
                    date=day,
                )
                session_hold(session=session, by=rel.supervisor, today=today)
            rows_for_person.append(Obligation.objects.filter(owner=rel.supervisee).count())
    finally:
        store.refresh_people = real_refresh  # type: ignore[assignment]
        hooks._Pending.__call__ = real_call  # type: ignore[method-assign]
    result["session_flush_ms"] = [s * 1000 for s in flushes]
    result["session_refresh_ms"] = [s * 1000 for s in refreshes]
    result["session_queries_max"] = max(queries) if queries else None
    result["session_queries_min"] = min(queries) if queries else None
    result["rows_per_person"] = statistics.median(rows_for_person) if rows_for_person else None
    result["sessions_recorded"] = len(flushes)

    # the authority dashboard, if another part has built it
    result["dashboard"] = dashboard(loaded["manager"], gets)
    return result


def dashboard(manager: Any, gets: int) -> dict[str, Any]:
    from django.apps import apps
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.urls import NoReverseMatch, reverse

    if not apps.is_installed("oversight.dashboards"):
        return {"installed": False}
    try:
        url = reverse("dashboards:authority")
    except NoReverseMatch:
        return {"installed": False}
    client = Client()
    client.force_login(manager.user)
    first = client.get(url)  # warm-up: the store is current, caches filled
    if first.status_code != 200:
        return {"installed": True, "status": first.status_code, "location": first.get("Location", "")}
    seconds = []
    with CaptureQueriesContext(connection) as captured:
        client.get(url)
    for _ in range(gets):
        started = time.perf_counter()
        response = client.get(url)
        seconds.append(time.perf_counter() - started)
        assert response.status_code == 200, response.status_code
    return {
        "installed": True,
        "status": 200,
        "ms": [s * 1000 for s in seconds],
        "queries": len(captured.captured_queries),
        "bytes": len(first.content),
    }


# --- the parent: both databases, the table ---------------------------------------------


def run_child(db: str, scenario: Path, runs: int, gets: int, full_runs: int, reuse: bool) -> dict[str, Any]:
    env = dict(os.environ)
    env["DATABASE_URL"] = f"sqlite:///{SQLITE_FILE}" if db == "sqlite" else PG_URL
    env.setdefault("PYTHONPATH", str(REPO / "src"))
    out = OUT / f"store-{db}.json"
    command = [
        sys.executable,
        __file__,
        "--child",
        db,
        "--scenario",
        str(scenario),
        "--runs",
        str(runs),
        "--gets",
        str(gets),
        "--full-runs",
        str(full_runs),
        *(["--reuse"] if reuse else []),
        "--out",
        str(out),
    ]
    completed = subprocess.run(command, env=env, cwd=REPO, check=False)
    if completed.returncode != 0:
        return {"db": db, "error": f"exit {completed.returncode}"}
    return json.loads(out.read_text())


def print_table(results: list[dict[str, Any]]) -> bool:
    ok = True
    width = 48
    header = f"{'':{width}}" + "".join(f"{r['db']:>16}" for r in results)
    print(header)
    print("-" * len(header))

    def row(label: str, cells: list[str]) -> None:
        print(f"{label:{width}}" + "".join(f"{c:>16}" for c in cells))

    def cell(r: dict[str, Any], fn: Any) -> str:
        if "error" in r:
            return r["error"]
        try:
            return fn(r)
        except (KeyError, TypeError, ValueError, statistics.StatisticsError):
            return "-"

    row("load (bulk_create), s", [cell(r, lambda r: f"{r['load_s']:.1f}") for r in results])
    row("obligations / held-session rows", [cell(r, lambda r: f"{r['obligations']}/{r['held_rows']}") for r in results])
    row(
        "store matches the engine on the file",
        [cell(r, lambda r: {True: "yes", False: "NO", None: "n/a (reused)"}[r["engine_matches"]]) for r in results],
    )
    row(
        "refresh_organisation, s (best / median)",
        [cell(r, lambda r: f"{r['full_best_s']:.2f}/{r['full_median_s']:.2f}") for r in results],
    )
    row(
        "record a session: refresh after commit, ms p50",
        [cell(r, lambda r: f"{statistics.median(r['session_flush_ms']):.1f}") for r in results],
    )
    row("  p95 (target < 50 ms)", [cell(r, lambda r: f"{p95(r['session_flush_ms']):.1f}") for r in results])
    row(
        "  of which refresh_people, ms p95", [cell(r, lambda r: f"{p95(r['session_refresh_ms']):.1f}") for r in results]
    )
    row(
        "  queries per refresh (min-max)",
        [cell(r, lambda r: f"{r['session_queries_min']}-{r['session_queries_max']}") for r in results],
    )
    row("  obligations of the person (median)", [cell(r, lambda r: f"{r['rows_per_person']}") for r in results])

    def dash(r: dict[str, Any], what: str) -> str:
        d = r["dashboard"]
        if not d.get("installed"):
            return "not installed"
        if d.get("status") != 200:
            return f"HTTP {d['status']}"
        return {"p50": f"{statistics.median(d['ms']):.1f}", "p95": f"{p95(d['ms']):.1f}", "q": str(d["queries"])}[what]

    row("authority dashboard GET, ms p50", [cell(r, lambda r: dash(r, "p50")) for r in results])
    row("  p95 (target < 250 ms)", [cell(r, lambda r: dash(r, "p95")) for r in results])
    row("  queries per GET", [cell(r, lambda r: dash(r, "q")) for r in results])
    for r in results:
        if "error" in r:
            ok = False
            continue
        d = r["dashboard"]
        if not d.get("installed"):
            print(f"{r['db']}: dashboards not installed")
        elif d.get("status") != 200:
            print(f"{r['db']}: dashboard answered HTTP {d['status']} {d.get('location', '')}")
            ok = False
        elif p95(d["ms"]) >= TARGET_DASHBOARD_MS:
            print(f"{r['db']}: dashboard p95 {p95(d['ms']):.1f} ms misses the {TARGET_DASHBOARD_MS:.0f} ms target")
            ok = False
        if not r.get("session_flush_ms") or p95(r["session_flush_ms"]) >= TARGET_SESSION_MS:
            print(f"{r['db']}: refresh after a session misses the {TARGET_SESSION_MS:.0f} ms target")
            ok = False
        if r.get("engine_matches") is False:
            print(f"{r['db']}: the store does not match the engine on the generated file")
            ok = False
    return ok


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", choices=("sqlite", "postgres", "both"), default="both")
    parser.add_argument("--runs", type=int, default=50, help="sessions recorded (p95 over these)")
    parser.add_argument("--gets", type=int, default=30, help="dashboard GETs (p95 over these)")
    parser.add_argument("--full-runs", type=int, default=3, help="full refreshes timed (best and median)")
    parser.add_argument(
        "--reuse", action="store_true", help="keep a database the last run loaded (skips the load; sessions add up)"
    )
    parser.add_argument("--staff", type=int, default=3000)
    parser.add_argument("--children", type=int, default=20000)
    parser.add_argument("--strict", action="store_true", help="exit 1 when a target is missed")
    parser.add_argument("--child", choices=("sqlite", "postgres"), help=argparse.SUPPRESS)
    parser.add_argument("--scenario", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--out", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)

    if args.child:
        sys.path.insert(0, str(REPO / "src"))
        result = child(args.child, args.scenario, args.runs, args.gets, args.full_runs, args.reuse)
        args.out.write_text(json.dumps(result, default=str))
        return 0

    sys.path.insert(0, str(REPO / "bench"))
    from run import POLICY, scenario_file  # the same generated council as the engine bench

    scenario, meta = scenario_file(args.staff, args.children, POLICY)
    print(
        f"\nObligation store and dashboard: {args.staff} staff / {args.children} children / 5 years "
        f"({meta.get('sessions')} sessions), {POLICY}; {os.cpu_count()} CPUs"
    )
    dbs = ("sqlite", "postgres") if args.db == "both" else (args.db,)
    results = [run_child(db, scenario, args.runs, args.gets, args.full_runs, args.reuse) for db in dbs]
    ok = print_table(results)
    print(
        f"load average after: {' '.join(f'{x:.1f}' for x in os.getloadavg())} (other work on the machine inflates the timings)"
    )
    return 1 if args.strict and not ok else 0


if __name__ == "__main__":
    sys.exit(main())
