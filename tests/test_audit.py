"""The audit trail: one event per read or change, append-only in the database, hash-chained,
checked by `oversight audit verify`, and readable by the person whose file it is.

The tampering tests play the attacker with database access: drop the append-only
triggers, then edit, delete, insert or reorder rows with raw SQL. Verify must name
the first broken link each time. (Dropping a trigger inside the test's transaction is
rolled back with it, on SQLite and PostgreSQL alike.)
"""

from __future__ import annotations

import importlib
import os
import sqlite3
import subprocess
import sys
import threading
from collections.abc import Iterator
from datetime import date
from io import StringIO
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import DatabaseError, connection, transaction
from django.test import Client

from oversight.audit.models import GENESIS_HASH, AuditEvent
from oversight.audit.services import audit_event, verify_chain
from oversight.errors import ServiceError
from oversight.sessions.models import Session
from oversight.sessions.services import session_cancel, session_move, session_schedule
from oversight.supervision.services import relationship_start

from .personas import Cast, make_cast

pytestmark = pytest.mark.django_db

APPEND_ONLY = importlib.import_module("oversight.audit.migrations.0003_append_only")
REPO = Path(__file__).resolve().parent.parent


@pytest.fixture
def cast() -> Cast:
    cast = make_cast()
    User = get_user_model()
    for person in (cast.maria, cast.theo, cast.omar, cast.sally, cast.asha):
        person.user = User.objects.create_user(username=person.staff_id.lower())  # no password: force_login, and fast
        person.save()
    relationship_start(
        organisation=cast.org, by=cast.maria, supervisor=cast.theo, supervisee=cast.sally, start=date(2024, 1, 8)
    )
    relationship_start(
        organisation=cast.org, by=cast.maria, supervisor=cast.theo, supervisee=cast.asha, start=date(2026, 1, 5)
    )
    return cast


def client_for(person) -> Client:  # type: ignore[no-untyped-def]
    client = Client()
    client.force_login(person.user)
    return client


def schedule(cast: Cast, day: int = 2, supervisee=None) -> Session:  # type: ignore[no-untyped-def]
    return session_schedule(
        organisation=cast.org,
        by=cast.theo,
        kind="personal",
        supervisor=cast.theo,
        supervisee=supervisee or cast.sally,
        date=date(2026, 2, day),
    )


def verify() -> tuple[int, str, str]:
    """`oversight audit verify` in-process: exit code, stdout, stderr."""
    out, err = StringIO(), StringIO()
    try:
        call_command("audit", "verify", stdout=out, stderr=err)
        code = 0
    except SystemExit as exc:
        code = int(exc.code or 0)
    return code, out.getvalue(), err.getvalue()


def raw(sql: str, params: list[object] | None = None) -> None:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def lift_triggers() -> None:
    """The attacker's first move: the append-only migration's own down SQL."""
    _, drop = APPEND_ONLY.SQL[connection.vendor]
    for statement in drop:
        raw(statement)


def event(seq: int) -> AuditEvent:
    return AuditEvent.objects.get(seq=seq)


# Writing ---------------------------------------------------------------------------------


def test_each_service_call_writes_exactly_one_event_with_who_what_and_outcome(cast: Cast) -> None:
    before = AuditEvent.objects.count()
    session = schedule(cast)
    assert AuditEvent.objects.count() == before + 1
    written = AuditEvent.objects.last()
    assert written is not None
    assert (written.actor_id, written.actor_label, written.action, written.outcome) == (
        cast.theo.pk,
        "Theo Team",
        "session.schedule",
        "ok",
    )
    assert (written.object_type, written.object_id, written.organisation_id) == (
        "supervision_sessions.session",
        str(session.pk),
        cast.org.pk,
    )

    session_move(session=session, by=cast.theo, date=date(2026, 2, 3))
    session_cancel(session=session, by=cast.sally, cancelled_on=date(2026, 2, 2), reason=Session.Reason.choices[0][0])
    assert AuditEvent.objects.count() == before + 3
    assert list(AuditEvent.objects.order_by("seq").values_list("action", flat=True))[-2:] == [
        "session.move",
        "session.cancel",
    ]


def test_events_are_numbered_without_gaps_each_naming_the_hash_before(cast: Cast) -> None:
    schedule(cast)
    events = list(AuditEvent.objects.order_by("seq"))
    assert [e.seq for e in events] == list(range(1, len(events) + 1))
    assert events[0].prev_hash == GENESIS_HASH
    for before, after in zip(events, events[1:], strict=False):
        assert after.prev_hash == before.hash
        assert after.at >= before.at
    assert all(e.hash == e.computed_hash() for e in events)


def test_a_refused_change_writes_nothing_and_leaves_no_gap(cast: Cast) -> None:
    session = schedule(cast)
    count = AuditEvent.objects.count()
    with pytest.raises(ServiceError):
        session_move(session=session, by=cast.theo, date=date(2014, 1, 1))  # before anyone started
    assert AuditEvent.objects.count() == count
    schedule(cast, day=9)
    assert event(count + 1).action == "session.schedule"


def test_detail_is_stored_exactly_as_it_was_hashed(cast: Cast) -> None:
    written = audit_event(
        actor=cast.theo,
        action="person_file.view",
        obj=cast.sally,
        organisation_id=cast.org.pk,
        detail={"b": 1, "a": ["é", True, 2**60], 3: None},
        purpose="x" * 400,
    )
    stored = AuditEvent.objects.get(pk=written.pk)
    assert stored.detail == {"a": ["é", True, 2**60], "b": 1, "3": None}
    assert len(stored.purpose) == 300
    assert stored.hash == stored.computed_hash() == written.hash
    # PostgreSQL gives 1e16 back as 10000000000000000: a float would not hash the same twice.
    with pytest.raises(TypeError, match="as a string"):
        audit_event(actor=None, action="x", obj=cast.sally, organisation_id=None, detail={"hours": 7.5})


def test_the_chain_verifies_after_many_events(cast: Cast) -> None:
    for day in range(2, 28):
        schedule(cast, day=day)
        audit_event(
            actor=cast.theo,
            action="person_file.view",
            obj=cast.sally,
            organisation_id=cast.org.pk,
            acting_as="supervisor",
        )
    total = AuditEvent.objects.count()
    assert total > 50
    code, out, err = verify()
    assert (code, err) == (0, "")
    assert out.splitlines()[0] == f"OK: {total} events, chain intact"
    assert f"head: seq {total} hash {event(total).hash}" in out


def test_an_empty_trail_verifies() -> None:
    assert verify() == (0, "OK: 0 events, chain intact\n", "")


# Append-only -----------------------------------------------------------------------------


REFUSED = {
    "orm save": lambda e: (setattr(e, "purpose", "covering up"), e.save()),
    "orm delete": lambda e: e.delete(),
    "queryset update": lambda e: AuditEvent.objects.filter(pk=e.pk).update(actor_label="Someone else"),
    "queryset delete": lambda e: AuditEvent.objects.all().delete(),
    "raw update": lambda e: raw("UPDATE audit_auditevent SET outcome = 'denied' WHERE id = %s", [e.pk]),
    "raw delete": lambda e: raw("DELETE FROM audit_auditevent WHERE id = %s", [e.pk]),
}


@pytest.mark.parametrize("how", REFUSED)
def test_the_database_refuses_to_change_or_delete_an_event(cast: Cast, how: str) -> None:
    schedule(cast)
    target = event(2)
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        REFUSED[how](target)
    assert AuditEvent.objects.get(pk=target.pk).hash == target.hash
    assert verify()[0] == 0


@pytest.mark.skipif(connection.vendor != "postgresql", reason="TRUNCATE is PostgreSQL's")
def test_postgresql_refuses_to_truncate_the_trail(cast: Cast) -> None:
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        raw("TRUNCATE audit_auditevent")


# Tampering, with the triggers dropped ------------------------------------------------------


@pytest.fixture
def chain(cast: Cast) -> list[AuditEvent]:
    """Eight events (two from the cast fixture, six here), checked intact before the attack."""
    for day in (2, 3, 4, 5, 6, 9):
        schedule(cast, day=day)
    assert verify()[0] == 0
    lift_triggers()
    return list(AuditEvent.objects.order_by("seq"))


def assert_broken_at(seq: int, pk: int, *problems: str) -> str:
    code, out, err = verify()
    assert code == 1, out + err
    first = err.splitlines()[0]
    assert first.startswith(f"BROKEN: seq {seq} (id {pk}): "), err
    for problem in problems:
        assert problem in first, err
    assert err.splitlines()[1].endswith("are intact")
    assert out == "" and "Traceback" not in err
    return first


def test_an_edited_row_is_named(chain: list[AuditEvent]) -> None:
    raw("UPDATE audit_auditevent SET actor_label = 'Omar Other' WHERE seq = 4")
    assert_broken_at(4, chain[3].pk, "hash mismatch")


def test_an_edited_time_is_named(chain: list[AuditEvent]) -> None:
    raw("UPDATE audit_auditevent SET at = %s WHERE seq = 5", [chain[0].at])
    assert_broken_at(5, chain[4].pk, "hash mismatch")


def test_an_edit_with_its_hash_recomputed_breaks_the_next_link(chain: list[AuditEvent]) -> None:
    edited = chain[3]
    edited.actor_label = "Omar Other"
    raw(
        "UPDATE audit_auditevent SET actor_label = %s, hash = %s WHERE seq = 4",
        [edited.actor_label, edited.computed_hash()],
    )
    assert_broken_at(5, chain[4].pk, "prev_hash mismatch")


def test_a_deleted_row_is_named_as_a_gap(chain: list[AuditEvent]) -> None:
    raw("DELETE FROM audit_auditevent WHERE seq = 3")
    assert_broken_at(4, chain[3].pk, "gap in seq: seq 3 missing", "prev_hash mismatch")


def test_deleted_rows_are_named_as_a_gap(chain: list[AuditEvent]) -> None:
    raw("DELETE FROM audit_auditevent WHERE seq IN (3, 4, 5)")
    assert_broken_at(6, chain[5].pk, "gap in seq: seq 3-5 missing")


def insert_copy(of: AuditEvent, **changes: object) -> int:
    """Insert a forged row: ``of``'s values with ``changes``; its id comes from the database."""
    values = {f.column: getattr(of, f.attname) for f in AuditEvent._meta.concrete_fields if not f.primary_key}
    values.update(changes)
    for name in ("detail", "at"):
        values[name] = AuditEvent._meta.get_field(name).get_db_prep_save(values[name], connection)
    columns = ", ".join(values)
    raw(f"INSERT INTO audit_auditevent ({columns}) VALUES ({', '.join(['%s'] * len(values))})", list(values.values()))
    return AuditEvent.objects.filter(seq=values["seq"], actor_label=values["actor_label"]).latest("pk").pk


def test_a_forged_row_at_the_end_is_named(chain: list[AuditEvent]) -> None:
    head = chain[-1]
    forged = insert_copy(head, seq=head.seq + 1, prev_hash=head.hash, actor_label="Maria Service", hash="f" * 64)
    assert_broken_at(head.seq + 1, forged, "hash mismatch")


def test_a_forged_row_before_the_first_is_named(chain: list[AuditEvent]) -> None:
    forged = insert_copy(chain[0], seq=0, hash="0" * 64)
    assert_broken_at(0, forged, "out of order: seq 0 where seq 1 was expected", "hash mismatch")


def drop_unique_seq() -> None:
    """Drop the unique constraint on seq: on SQLite, by rebuilding the table without constraints."""
    if connection.vendor == "sqlite":
        raw("ALTER TABLE audit_auditevent RENAME TO audit_auditevent_old")
        raw("CREATE TABLE audit_auditevent AS SELECT * FROM audit_auditevent_old")
        raw("DROP TABLE audit_auditevent_old")
        return
    with connection.cursor() as cursor:
        constraints = connection.introspection.get_constraints(cursor, "audit_auditevent")
    name = next(name for name, c in constraints.items() if c["columns"] == ["seq"] and c["unique"])
    raw(f"ALTER TABLE audit_auditevent DROP CONSTRAINT {name}")


def test_a_forged_second_version_of_a_row_is_named(chain: list[AuditEvent]) -> None:
    drop_unique_seq()
    forged = insert_copy(chain[2], id=chain[-1].pk + 1, actor_label="Maria Service")
    assert_broken_at(3, forged, "out of order: seq 3 where seq 4 was expected")


def swap(column: str, a: AuditEvent, b: AuditEvent) -> None:
    """Swap a unique column between two rows, through a value nobody uses."""
    parking = -1 if column == "id" else 10**12
    raw(f"UPDATE audit_auditevent SET {column} = %s WHERE id = %s", [parking, a.pk])
    raw(f"UPDATE audit_auditevent SET {column} = %s WHERE id = %s", [getattr(a, column), b.pk])
    raw(f"UPDATE audit_auditevent SET {column} = %s WHERE id = %s", [getattr(b, column), parking])


def test_two_rows_with_their_seq_swapped_are_named(chain: list[AuditEvent]) -> None:
    swap("seq", chain[3], chain[4])
    assert_broken_at(4, chain[4].pk, "prev_hash mismatch", "hash mismatch")


def test_two_distant_rows_with_their_seq_swapped_are_named(chain: list[AuditEvent]) -> None:
    swap("seq", chain[1], chain[6])
    assert_broken_at(2, chain[6].pk, "prev_hash mismatch", "hash mismatch")


def test_two_rows_with_their_ids_swapped_are_named(chain: list[AuditEvent]) -> None:
    # Every hash still holds (the id is the database's, not hashed), but the order of writing is gone.
    swap("id", chain[3], chain[4])
    assert_broken_at(5, chain[3].pk, f"out of order: id {chain[3].pk} comes after id {chain[4].pk}")


def test_verify_returns_the_same_answer_as_the_command(chain: list[AuditEvent]) -> None:
    raw("UPDATE audit_auditevent SET purpose = 'audit' WHERE seq = 6")
    report = verify_chain()
    assert report.broken is not None and (report.broken.seq, report.broken.id) == (6, chain[5].pk)
    assert (report.count, report.head_seq, report.head_hash) == (5, 5, chain[4].hash)


# The command line, end to end on a database file --------------------------------------------


def test_oversight_audit_verify_on_a_database_file_names_a_raw_edit_and_exits_1(
    tmp_path: Path, oversight_cmd: str
) -> None:
    db = tmp_path / "audit.sqlite3"
    env = {**os.environ, "OVERSIGHT_DEBUG": "1", "DATABASE_URL": f"sqlite:///{db}", "PYTHONPATH": str(REPO)}
    env.pop("DJANGO_SETTINGS_MODULE", None)

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(args, env=env, cwd=tmp_path, capture_output=True, text=True, timeout=120)

    assert run(oversight_cmd, "migrate", "-v0").returncode == 0
    write = run(
        sys.executable,
        "-c",
        "import django, os; os.environ['DJANGO_SETTINGS_MODULE'] = 'oversight.settings'; django.setup()\n"
        "from tests.personas import make_cast\n"
        "from oversight.audit.services import audit_event\n"
        "cast = make_cast()\n"
        "for _ in range(5): audit_event(actor=cast.theo, action='person_file.view', obj=cast.sally,"
        " organisation_id=cast.org.pk, acting_as='supervisor')\n",
    )
    assert write.returncode == 0, write.stderr
    ok = run(oversight_cmd, "audit", "verify")
    assert (ok.returncode, ok.stdout.splitlines()[0]) == (0, "OK: 5 events, chain intact")

    with sqlite3.connect(db) as raw_db:
        with pytest.raises(sqlite3.IntegrityError, match="append-only"):
            raw_db.execute("UPDATE audit_auditevent SET actor_label = 'Omar Other' WHERE seq = 3")
        raw_db.execute("DROP TRIGGER audit_auditevent_no_update")
        raw_db.execute("UPDATE audit_auditevent SET actor_label = 'Omar Other' WHERE seq = 3")
        (row_id,) = raw_db.execute("SELECT id FROM audit_auditevent WHERE seq = 3").fetchone()
    raw_db.close()

    broken = run(oversight_cmd, "audit", "verify")
    assert broken.returncode == 1
    assert broken.stderr.startswith(f"BROKEN: seq 3 (id {row_id}): hash mismatch")
    assert "Traceback" not in broken.stderr and broken.stdout == ""


# Transactions and concurrency ----------------------------------------------------------------


@pytest.fixture
def flushable_trail(transactional_db: None) -> Iterator[None]:
    """For tests that commit (transactional_db, live_server): at teardown the test runner
    empties every table, which the triggers refuse while the trail has events. So lift
    them (unapply the append-only migration), empty the tables, and put them back; the
    runner's own flush then finds the trail already empty."""
    yield
    call_command("migrate", "audit", "0002", verbosity=0)
    call_command("flush", interactive=False, verbosity=0)
    call_command("migrate", "audit", verbosity=0)


@pytest.mark.django_db(transaction=True)
def test_an_event_outside_any_transaction_commits_on_its_own(flushable_trail: None) -> None:
    cast = make_cast()
    # As a page view does: no transaction of its own around the call.
    assert transaction.get_autocommit()
    audit_event(actor=cast.theo, action="person_file.view", obj=cast.sally, organisation_id=cast.org.pk)
    audit_event(actor=cast.theo, action="person_file.view", obj=cast.sally, organisation_id=cast.org.pk)
    assert list(AuditEvent.objects.values_list("seq", flat=True)) == [1, 2]
    assert verify()[0] == 0
    with pytest.raises(DatabaseError, match="append-only"):
        AuditEvent.objects.all().delete()


@pytest.mark.skipif(connection.vendor != "postgresql", reason="SQLite has one writer at a time")
@pytest.mark.django_db(transaction=True)
def test_concurrent_writers_do_not_fork_the_chain(flushable_trail: None) -> None:
    from django.db import connections

    cast = make_cast()
    writers, per_writer = 8, 10
    start = threading.Barrier(writers)
    failures: list[BaseException] = []

    def write() -> None:
        try:
            start.wait()
            for _ in range(per_writer):
                with transaction.atomic():
                    audit_event(actor=cast.theo, action="person_file.view", obj=cast.sally, organisation_id=cast.org.pk)
        except BaseException as exc:  # reported below
            failures.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=write) for _ in range(writers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert failures == []
    assert list(AuditEvent.objects.order_by("seq").values_list("seq", flat=True)) == list(
        range(1, writers * per_writer + 1)
    )
    assert verify()[0] == 0


# Who has seen my file --------------------------------------------------------------------


def test_a_supervisee_sees_who_viewed_her_file(cast: Cast) -> None:
    assert client_for(cast.theo).get(f"/people/{cast.sally.pk}/").status_code == 200
    response = client_for(cast.sally).get("/audit/my-file/")
    assert response.status_code == 200
    body = response.content.decode()
    assert "Who has seen my file" in body
    first = response.context["rows"][0]
    assert (first["event"].actor_label, first["event"].acting_as, first["what"]) == (
        "Theo Team",
        "supervisor",
        "Viewed your supervision file",
    )
    assert "Theo Team" in body and "Viewed your supervision file" in body and "supervisor" in body


def test_my_file_shows_my_sessions_and_nobody_elses_events(cast: Cast) -> None:
    mine = schedule(cast)
    schedule(cast, supervisee=cast.asha)
    client_for(cast.theo).get(f"/people/{cast.sally.pk}/")
    client_for(cast.theo).get(f"/people/{cast.theo.pk}/")  # his own file
    client_for(cast.theo).get(f"/people/{cast.asha.pk}/")
    client_for(cast.maria).get(f"/people/{cast.sally.pk}/")  # line management above Theo

    response = client_for(cast.sally).get("/audit/my-file/")
    shown = [row["event"] for row in response.context["rows"]]
    about_sally = {("people.person", str(cast.sally.pk)), ("supervision_sessions.session", str(mine.pk))}
    relationship_events = {
        e.pk for e in AuditEvent.objects.filter(action="relationship.start", object_label__contains="Sally")
    }
    assert all((e.object_type, e.object_id) in about_sally or e.pk in relationship_events for e in shown)
    assert [e.seq for e in shown] == sorted((e.seq for e in shown), reverse=True)
    assert [(e.actor_label, e.action, e.acting_as) for e in shown[:3]] == [
        ("Maria Service", "person_file.view", "line management"),
        ("Theo Team", "person_file.view", "supervisor"),
        ("Theo Team", "session.schedule", ""),
    ]
    assert len(shown) == 4  # and the relationship Maria started
    assert "Booked a session" in response.content.decode()

    # Asha's page shows her own, not Sally's.
    asha_rows = client_for(cast.asha).get("/audit/my-file/").context["rows"]
    assert {row["event"].object_id for row in asha_rows if row["event"].object_type == "people.person"} == {
        str(cast.asha.pk)
    }


def test_my_file_pages_newest_first(cast: Cast, django_assert_max_num_queries) -> None:  # type: ignore[no-untyped-def]
    for _ in range(60):
        audit_event(actor=cast.theo, action="person_file.view", obj=cast.sally, organisation_id=cast.org.pk)
    client = client_for(cast.sally)
    with django_assert_max_num_queries(6):
        first = client.get("/audit/my-file/")
    assert len(first.context["rows"]) == 50 and "Older" in first.content.decode()
    second = client.get("/audit/my-file/?page=2")
    assert len(second.context["rows"]) == 11 and "Newer" in second.content.decode()
    assert first.context["rows"][-1]["event"].seq > second.context["rows"][0]["event"].seq


def test_my_file_needs_a_sign_in_and_a_staff_record(cast: Cast) -> None:
    response = Client().get("/audit/my-file/")
    assert response.status_code == 302 and "/sign-in/" in response["Location"]
    stranger = Client()
    stranger.force_login(get_user_model().objects.create_user(username="nobody"))
    assert stranger.get("/audit/my-file/").status_code == 404


def test_a_read_through_a_page_records_where_it_came_from(cast: Cast) -> None:
    client_for(cast.theo).get(f"/people/{cast.sally.pk}/", REMOTE_ADDR="203.0.113.9")
    event = AuditEvent.objects.filter(action="person_file.view").latest("seq")
    assert event.source_ip == "203.0.113.9"
    assert event.acting_as == "supervisor"
