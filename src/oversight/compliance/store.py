"""Writing the obligation store (``oversight.compliance.models``).

``refresh_organisation`` recomputes every obligation of one organisation and replaces
its rows in one transaction. ``refresh_people`` recomputes only the obligations owned
by some people (``owner_of``) from a sub-scenario holding just them and what their
obligations are computed from, and replaces exactly those rows: the same rows a full
refresh would give them. ``oversight.compliance.hooks`` calls it when a change commits;
``ensure_current`` is what readers call before reading the store.
"""

from __future__ import annotations

import gc
from collections.abc import Collection, Iterable, Mapping
from datetime import date
from typing import Any

from django.db import connections, router, transaction
from django.db.models import Q
from django.utils import timezone

from oversight.organisations.models import Organisation
from oversight.people.models import Person
from oversight.policy import evaluate
from oversight.policy.scenario import Scenario

from .models import Obligation, StoreRefresh, SupervisionHeld
from .selectors import scenario_for

# Engine fields that are always there and become columns; every other field of the
# obligation stays in ``detail`` (including done/session_kind/child_status, which are
# also columns), so that ``engine_obligation`` gives back the engine's dict exactly.
_ALWAYS = {"id", "kind", "rule", "source", "due", "status"}


def _key_to_pk(value: Any, prefix: str) -> int | None:
    if isinstance(value, str) and value.startswith(prefix) and value[len(prefix) :].isdigit():
        return int(value[len(prefix) :])
    return None


def _day(value: Any) -> date | None:
    return date.fromisoformat(value) if isinstance(value, str) else value


def owner_of(ob: dict[str, Any], worker_of: Mapping[str, str | None]) -> str | None:
    """Whose data an obligation is computed from (a person key such as ``p12``).

    The person it concerns (supervisee, worker); for a ratio or a group session's record,
    the supervisor; for a case direction, the worker holding the child (``worker_of``:
    child key -> worker key).
    """
    if ob["kind"] == "case_direction":
        return worker_of.get(ob.get("child") or "")
    return ob.get("person") or ob.get("supervisee") or ob.get("worker") or ob.get("supervisor")


def obligation_row(organisation: Organisation, ob: dict[str, Any], as_of: date, owner: str | None = None) -> Obligation:
    """One engine obligation as an unsaved ``Obligation`` row."""
    concerns = ob.get("person") or ob.get("supervisee") or ob.get("worker")
    if concerns is None and ob["kind"] == "ratio":
        concerns = ob.get("supervisor")
    return Obligation(
        organisation=organisation,
        key=ob["id"],
        kind=ob["kind"],
        rule=ob.get("rule") or "",
        source=ob.get("source") or "",
        person_id=_key_to_pk(concerns, "p"),
        supervisor_id=_key_to_pk(ob.get("supervisor"), "p"),
        session_id=_key_to_pk(ob.get("session"), "s"),
        child_id=_key_to_pk(ob.get("child"), "c"),
        case_review_id=_key_to_pk(ob["id"].split(":", 1)[1], "r") if ob["kind"] == "case_direction" else None,
        session_kind=ob.get("session_kind") or "",
        child_status=ob.get("child_status") or "",
        due=_day(ob.get("due")),
        done=_day(ob.get("done")),
        status=ob["status"],
        detail={k: v for k, v in ob.items() if k not in _ALWAYS},
        computed_on=as_of,
        owner_id=_key_to_pk(owner, "p"),
    )


def engine_obligation(row: Obligation) -> dict[str, Any]:
    """A stored row as the engine's obligation dict (the inverse of ``obligation_row``)."""
    return {
        "id": row.key,
        "kind": row.kind,
        "rule": row.rule,
        "source": row.source,
        "due": row.due.isoformat() if row.due is not None else None,
        "status": row.status,
        **row.detail,
    }


def held_row(organisation: Organisation, timing: dict[str, Any]) -> SupervisionHeld:
    """One entry of the engine's ``timings`` as an unsaved ``SupervisionHeld`` row."""
    person_id = _key_to_pk(timing["person"], "p")
    session_id = _key_to_pk(timing["session"], "s")
    held = _day(timing["held"])
    # A timing is a held session of a person, both from the database (``scenario_for``'s keys).
    assert person_id is not None and session_id is not None and held is not None
    return SupervisionHeld(
        organisation=organisation,
        person_id=person_id,
        session_id=session_id,
        session_kind=timing["session_kind"],
        rule=timing["rule"],
        source=timing["source"],
        held=held,
        due=_day(timing["due"]),
        on_time=timing["on_time"],
    )


def _evaluate(
    organisation: Organisation, as_of: date, people: Collection[int] | None = None
) -> tuple[list[Obligation], list[SupervisionHeld]]:
    """Rows for everyone (``people`` None) or only for the obligations ``people`` own.

    For a whole authority the cyclic garbage collector is paused meanwhile, as `oversight
    check` does: its passes over the scenario's hundreds of thousands of objects (which hold
    no cycles) cost as much as the engine. Reference counting still frees them."""
    paused = people is None and gc.isenabled()
    if paused:
        gc.disable()
    try:
        scenario: Scenario = scenario_for(organisation, as_of, people)
        report = evaluate(scenario, organisation.pack, timings=True)
    finally:
        if paused:
            gc.enable()
    worker_of = {child.id: child.worker for child in scenario.children}
    keep = None if people is None else {f"p{pk}" for pk in people}
    rows = []
    for ob in report["obligations"]:
        owner = owner_of(ob, worker_of)
        if keep is None or owner in keep:
            rows.append(obligation_row(organisation, ob, as_of, owner))
    held = [held_row(organisation, timing) for timing in report["timings"] if keep is None or timing["person"] in keep]
    return rows, held


def _insert(model: type[Obligation] | type[SupervisionHeld], rows: list[Any]) -> None:
    """Insert unsaved rows with one ``executemany`` per batch: ``bulk_create`` without the
    per-row ORM work, which dominates when a whole authority is written."""
    if not rows:
        return
    connection = connections[router.db_for_write(model)]
    fields = [f for f in model._meta.concrete_fields if not f.primary_key]
    sql = "INSERT INTO {} ({}) VALUES ({})".format(
        connection.ops.quote_name(model._meta.db_table),
        ", ".join(connection.ops.quote_name(f.column) for f in fields),  # type: ignore[arg-type]  # concrete: has one
        ", ".join(["%s"] * len(fields)),
    )
    with connection.cursor() as cursor:
        for start in range(0, len(rows), 5000):
            cursor.executemany(
                sql,
                [
                    [f.get_db_prep_save(getattr(row, f.attname), connection) for f in fields]
                    for row in rows[start : start + 5000]
                ],
            )


def _delete(model: type[Obligation] | type[SupervisionHeld], pks: list[int]) -> None:
    """Delete rows by primary key, a batch at a time (the databases' limits on parameters)."""
    for start in range(0, len(pks), 5000):
        model.objects.filter(pk__in=pks[start : start + 5000]).delete()


def _lock(organisation: Organisation) -> None:
    """Hold the organisation's row until this transaction ends, so that two full refreshes
    of one organisation never interleave (PostgreSQL; SQLite's writers already take turns)."""
    list(Organisation.objects.select_for_update().filter(pk=organisation.pk).values_list("pk", flat=True))


@transaction.atomic
def refresh_organisation(organisation: Organisation, as_of: date) -> int:
    """Recompute every obligation of ``organisation`` as of ``as_of``; return how many rows.

    What this transaction changed before is settled first: in other organisations
    refreshed, in this one superseded by the full refresh."""
    from .hooks import flush_pending

    _lock(organisation)
    flush_pending(skip=frozenset({organisation.pk}))
    rows, held = _evaluate(organisation, as_of)
    # Only rows whose answer changed are written: from one day to the next most of an
    # authority's obligations (years of sessions held and records agreed) stay as they were.
    new = {row.key: row for row in rows}
    stale, unchanged = [], set()
    existing = Obligation.objects.filter(organisation=organisation).values_list("pk", "key", *_COMPARED)
    for pk, key, *values in existing.iterator(chunk_size=20000):
        row = new.get(key)
        if row is not None and key not in unchanged and [getattr(row, f) for f in _COMPARED] == values:
            unchanged.add(key)
        else:
            stale.append(pk)
    _delete(Obligation, stale)
    _insert(Obligation, [row for key, row in new.items() if key not in unchanged])
    new_held = {(h.person_id, h.session_id): h for h in held}
    stale, kept = [], set()
    existing_held = SupervisionHeld.objects.filter(organisation=organisation).values_list("pk", *_HELD_COMPARED)
    for pk, *values in existing_held.iterator(chunk_size=20000):
        h = new_held.get((values[0], values[1]))
        if h is not None and (values[0], values[1]) not in kept and [getattr(h, f) for f in _HELD_COMPARED] == values:
            kept.add((values[0], values[1]))
        else:
            stale.append(pk)
    _delete(SupervisionHeld, stale)
    _insert(SupervisionHeld, [h for k, h in new_held.items() if k not in kept])
    StoreRefresh.objects.update_or_create(
        organisation=organisation,
        defaults={"as_of": as_of, "refreshed_at": timezone.now(), "obligations": len(rows)},
    )
    return len(rows)


# ``computed_on`` is not compared: it says when the row's answer was last written, and a
# row whose answer is the same today is left alone.
_COMPARED = [
    f.attname
    for f in Obligation._meta.concrete_fields
    if f.attname not in ("id", "organisation_id", "key", "computed_on")
]
_HELD_COMPARED = [
    f.attname for f in SupervisionHeld._meta.concrete_fields if f.attname not in ("id", "organisation_id")
]


@transaction.atomic
def refresh_people(organisation: Organisation, person_ids: Iterable[int], as_of: date) -> int:
    """Recompute the obligations and held-session timings owned by ``person_ids`` (see
    ``owner_of``) and bring exactly those rows to what a full refresh would store; return
    how many obligation rows they own.

    Only rows that differ are written (recording a session changes a handful of a
    person's hundred or so). People of another organisation, or gone, are ignored (their
    rows went with them). The callers widen the set to everyone a change affects
    (``oversight.compliance.hooks``).
    """
    wanted = set(person_ids)
    _lock(organisation)  # two transactions refreshing the same people take turns
    people = set(Person.objects.filter(organisation=organisation, pk__in=wanted).values_list("pk", flat=True))
    if not people:
        return 0
    rows, held = _evaluate(organisation, as_of, people)
    new = {row.key: row for row in rows}
    # Theirs now, and rows keyed the same under another owner (a child reallocated).
    in_store = Obligation.objects.filter(organisation=organisation)
    if len(new) <= 1000:  # one query, each half on its own index (the owner's, the organisation's keys)
        existing = list(
            Obligation.objects.filter(
                Q(owner_id__in=people) | Q(organisation=organisation, key__in=list(new))
            ).values_list("pk", "key", *_COMPARED)
        )
    else:  # keep under the databases' limits on parameters
        existing = list(in_store.filter(owner_id__in=people).values_list("pk", "key", *_COMPARED))
        seen = {row[1] for row in existing}
        elsewhere = [key for key in new if key not in seen]
        for start in range(0, len(elsewhere), 1000):
            chunk = elsewhere[start : start + 1000]
            existing += in_store.filter(key__in=chunk).values_list("pk", "key", *_COMPARED)
    stale, unchanged = [], set()
    for pk, key, *values in existing:
        row = new.get(key)
        if row is not None and key not in unchanged and [getattr(row, f) for f in _COMPARED] == values:
            unchanged.add(key)
        else:
            stale.append(pk)
    if stale:
        Obligation.objects.filter(pk__in=stale).delete()
    _insert(Obligation, [row for key, row in new.items() if key not in unchanged])

    new_held = {(h.person_id, h.session_id): h for h in held}
    stale, kept = [], set()
    for pk, *values in SupervisionHeld.objects.filter(person_id__in=people).values_list("pk", *_HELD_COMPARED):
        h = new_held.get((values[0], values[1]))
        if h is not None and [getattr(h, f) for f in _HELD_COMPARED] == values:
            kept.add((values[0], values[1]))
        else:
            stale.append(pk)
    if stale:
        SupervisionHeld.objects.filter(pk__in=stale).delete()
    _insert(SupervisionHeld, [h for k, h in new_held.items() if k not in kept])
    return len(rows)


def ensure_current(organisation: Organisation, as_of: date) -> None:
    """Make the store of ``organisation`` hold the engine's report as of ``as_of``.

    Never refreshed, or refreshed as of another day: recompute in full. Otherwise
    refresh now, in this transaction, the people whose changes this transaction has
    not yet committed (so a page reads what the request just recorded).
    """
    from .hooks import flush_pending

    state = StoreRefresh.objects.filter(organisation=organisation).first()
    if state is None or state.as_of != as_of:
        with transaction.atomic():
            _lock(organisation)  # two first readers of the day: the second waits, then finds it done
            state = StoreRefresh.objects.filter(organisation=organisation).first()
            if state is None or state.as_of != as_of:
                refresh_organisation(organisation, as_of)
                return
    flush_pending()
