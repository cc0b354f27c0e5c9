"""Bulk loader for the benchmarks: a generated scenario (``oversight generate``) into the
Django database, as one organisation.

Fast paths, not the ORM per row: ``COPY ... FROM STDIN`` on PostgreSQL, ``executemany`` on
SQLite. Keys are given explicitly (from the table's current maximum), so no row needs to be
read back; the PostgreSQL sequences are moved past them at the end. Columns come from the
models' ``_meta``, so a new column with a default is filled with it.

What the generator does not say is made up plainly: names ("Person 17"), staff ids
("S000017"), case ids ("C000017"). A held session gets its record (draft, shared or agreed
from the scenario's dates) on the template ``record_open`` would pick; an agreement signed on
a date gets both signatures at noon that day and its reviews. No audit rows are written: this
is history loaded from elsewhere, as an import would.

Call ``load_scenario(data, name=..., slug=...)`` inside a configured Django process; it
returns the ``Organisation`` and a dict of scenario id -> database key for people ("p12" -> 9001).
"""

from __future__ import annotations

import io
import json
from collections.abc import Iterable, Iterator
from datetime import UTC, date, datetime, time
from typing import Any

from django.db import connection, models, transaction

NOON = time(12, 0)
LOADED_AT = datetime(2026, 1, 1, 12, 0, tzinfo=UTC)


def _models() -> dict[str, type[models.Model]]:
    from oversight.cases.models import CaseReview, Child
    from oversight.organisations.models import Organisation
    from oversight.people.models import Absence, AsyeReview, HoursWorked, Person
    from oversight.records.models import Record
    from oversight.sessions.models import Session
    from oversight.supervision.models import Agreement, AgreementReview, AgreementSignature, Relationship

    return {
        "organisation": Organisation,
        "person": Person,
        "asye_review": AsyeReview,
        "hours": HoursWorked,
        "absence": Absence,
        "relationship": Relationship,
        "agreement": Agreement,
        "signature": AgreementSignature,
        "agreement_review": AgreementReview,
        "session": Session,
        "attendee": Session.attendees.through,
        "record": Record,
        "child": Child,
        "case_review": CaseReview,
    }


# --- writing rows ------------------------------------------------------------------


def _text(value: Any) -> str:
    """A value in COPY's text format."""
    if value is None:
        return r"\N"
    if value is True:
        return "t"
    if value is False:
        return "f"
    if isinstance(value, (dict, list)):
        value = json.dumps(value)
    elif isinstance(value, (date, datetime)):
        return value.isoformat()
    else:
        value = str(value)
    if "\\" in value or "\t" in value or "\n" in value or "\r" in value:
        value = value.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")
    return value


class _Table:
    """One model's columns and the defaults of the ones a row does not give."""

    def __init__(self, model: type[models.Model]):
        self.model = model
        self.table = model._meta.db_table
        self.fields = [f for f in model._meta.concrete_fields]
        self.columns = [f.column for f in self.fields]
        self.attnames = [f.attname for f in self.fields]
        self.defaults: dict[str, Any] = {}
        for f in self.fields:
            if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False):
                self.defaults[f.attname] = LOADED_AT
            elif f.has_default():
                self.defaults[f.attname] = f.get_default()
            elif f.null:
                self.defaults[f.attname] = None
            elif isinstance(f, (models.CharField, models.TextField)):
                self.defaults[f.attname] = ""

    def values(self, row: dict[str, Any]) -> list[Any]:
        defaults = self.defaults
        return [row[name] if name in row else defaults[name] for name in self.attnames]

    def next_id(self) -> int:
        with connection.cursor() as cursor:
            cursor.execute(f'SELECT COALESCE(MAX(id), 0) FROM "{self.table}"')
            return int(cursor.fetchone()[0]) + 1

    def write(self, rows: Iterable[dict[str, Any]]) -> int:
        """Insert the rows (dicts by attname, ``id`` included); returns how many."""
        count = 0
        if connection.vendor == "postgresql":
            cols = ", ".join(f'"{c}"' for c in self.columns)
            with connection.cursor() as cursor:
                raw = cursor.cursor  # the psycopg cursor under Django's wrapper
                with raw.copy(f'COPY "{self.table}" ({cols}) FROM STDIN') as copy:
                    buffer = io.StringIO()
                    for row in rows:
                        buffer.write("\t".join(_text(v) for v in self.values(row)))
                        buffer.write("\n")
                        count += 1
                        if count % 50000 == 0:
                            copy.write(buffer.getvalue())
                            buffer = io.StringIO()
                    copy.write(buffer.getvalue())
            return count
        cols = ", ".join(f'"{c}"' for c in self.columns)
        marks = ", ".join("?" for _ in self.columns)
        sql = f'INSERT INTO "{self.table}" ({cols}) VALUES ({marks})'

        def prepared() -> Iterator[list[Any]]:
            nonlocal count
            for row in rows:
                count += 1
                yield [
                    json.dumps(v)
                    if isinstance(v, (dict, list))
                    else v.isoformat()
                    if isinstance(v, (date, datetime))
                    else v
                    for v in self.values(row)
                ]

        with connection.cursor() as cursor:
            cursor.connection.executemany(sql, prepared())  # the sqlite3 connection: no Django %s rewriting
        return count


def reset_sequences() -> None:
    """PostgreSQL: move every loaded table's id sequence past its largest key."""
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        for model in _models().values():
            table = model._meta.db_table
            cursor.execute(
                f"SELECT setval(pg_get_serial_sequence('\"{table}\"', 'id'), "
                f'COALESCE((SELECT MAX(id) FROM "{table}"), 0) + 1, false)'
            )


# --- the scenario ------------------------------------------------------------------


def _day(text: str | None) -> date | None:
    return None if text is None else date.fromisoformat(text)


def load_scenario(
    data: dict[str, Any],
    *,
    name: str,
    slug: str,
    policy: str | None = None,
    reset: bool = True,
    fast: bool = True,
    id_base: int | None = None,
) -> tuple[Any, dict[str, int], dict[str, int]]:
    """Load one generated scenario as a new organisation; returns (organisation, people
    "p12" -> key, sessions "s5" -> key). ``reset=False`` leaves the PostgreSQL sequences
    for the caller (call ``reset_sequences`` once after several loads). ``fast`` (PostgreSQL,
    as a superuser) skips the foreign-key triggers while loading. ``id_base`` gives every
    table's keys from that number on (for parallel loads into disjoint ranges)."""
    from oversight.policy.pack import get_pack

    m = _models()
    tables = {key: _Table(model) for key, model in m.items()}
    policy = policy or data["policy"]
    pack = get_pack(policy)
    if id_base is None:
        ids = {key: table.next_id() for key, table in tables.items()}
    else:  # disjoint key ranges, so several processes can load organisations at once
        ids = dict.fromkeys(tables, id_base)

    with transaction.atomic():
        if connection.vendor == "postgresql" and fast:
            # Foreign-key triggers off for this transaction's COPYs (superuser only): the rows
            # come from one consistent scenario, and the checks would triple the load time.
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL session_replication_role = replica")
        org_id = ids["organisation"]
        tables["organisation"].write([{"id": org_id, "name": name, "slug": slug, "policy_pack": policy}])

        people: dict[str, int] = {}
        role_of: dict[str, str] = {}
        asye: list[dict[str, Any]] = []
        person_rows = []
        for n, p in enumerate(data.get("people") or []):
            key = ids["person"] + n
            people[p["id"]] = key
            role_of[p["id"]] = p["role"]
            person_rows.append(
                {
                    "id": key,
                    "organisation_id": org_id,
                    "staff_id": f"S{p['id'][1:].zfill(6)}",
                    "name": f"Person {p['id'][1:]} ({slug})",
                    "role": p["role"],
                    "employment": p.get("employment") or "permanent",
                    "started": _day(p["started"]),
                    "left": _day(p.get("left")),
                    "asye_start": _day(p.get("asye_start")),
                }
            )
            for day in p.get("asye_reviews") or []:
                asye.append({"id": ids["asye_review"] + len(asye), "person_id": key, "date": _day(day)})
        tables["person"].write(person_rows)
        tables["asye_review"].write(asye)

        tables["hours"].write(
            {"id": ids["hours"] + n, "person_id": people[h["person"]], "date": _day(h["date"]), "hours": h["hours"]}
            for n, h in enumerate(data.get("hours") or [])
        )
        tables["absence"].write(
            {
                "id": ids["absence"] + n,
                "person_id": people[a["person"]],
                "start": _day(a["from"]),
                "end": _day(a.get("to")),
                "planned": bool(a.get("planned")),
            }
            for n, a in enumerate(data.get("absences") or [])
        )

        relationship_of: dict[tuple[str, str], int] = {}
        rel_rows = []
        for n, r in enumerate(data.get("relationships") or []):
            key = ids["relationship"] + n
            relationship_of[(r["supervisor"], r["supervisee"])] = key  # the latest of a pair wins
            rel_rows.append(
                {
                    "id": key,
                    "organisation_id": org_id,
                    "supervisor_id": people[r["supervisor"]],
                    "supervisee_id": people[r["supervisee"]],
                    "start": _day(r["from"]),
                    "end": _day(r.get("to")),
                    "kinds": r.get("kinds") or [],
                }
            )
        tables["relationship"].write(rel_rows)

        agreements, signatures, reviews = [], [], []
        for a in data.get("agreements") or []:
            rel = relationship_of.get((a["supervisor"], a["supervisee"]))
            if rel is None:
                continue
            key = ids["agreement"] + len(agreements)
            agreements.append({"id": key, "relationship_id": rel, "template_id": "agreement"})
            if a.get("signed"):
                at = datetime.combine(_day(a["signed"]), NOON, tzinfo=UTC)
                for party, who in (("supervisor", a["supervisor"]), ("supervisee", a["supervisee"])):
                    signatures.append(
                        {
                            "id": ids["signature"] + len(signatures),
                            "agreement_id": key,
                            "party": party,
                            "person_id": people[who],
                            "signed_at": at,
                        }
                    )
            for day in a.get("reviewed") or []:
                reviews.append(
                    {
                        "id": ids["agreement_review"] + len(reviews),
                        "agreement_id": key,
                        "date": _day(day),
                        "by_id": people[a["supervisor"]],
                    }
                )
        tables["agreement"].write(agreements)
        tables["signature"].write(signatures)
        tables["agreement_review"].write(reviews)

        sessions: dict[str, int] = {}
        attendees: list[dict[str, Any]] = []
        records: list[dict[str, Any]] = []
        templates: dict[tuple[str, str | None], str | None] = {}
        session_rows = []
        for n, s in enumerate(data.get("sessions") or []):
            key = ids["session"] + n
            sessions[s["id"]] = key
            status = s["status"]
            supervisee = s.get("supervisee")
            session_rows.append(
                {
                    "id": key,
                    "organisation_id": org_id,
                    "kind": s["kind"],
                    "supervisor_id": people[s["supervisor"]] if s.get("supervisor") else None,
                    "supervisee_id": people[supervisee] if supervisee else None,
                    "observer_id": people[s["observer"]] if s.get("observer") else None,
                    "date": _day(s["date"]),
                    "status": status,
                    "cancelled_on": _day(s.get("cancelled_on")) if status == "cancelled" else None,
                    "cancel_reason": (s.get("reason") or "other") if status == "cancelled" else "",
                    "return_to_work": _day(s.get("return_to_work")),
                }
            )
            for who in s.get("attendees") or []:
                attendees.append({"id": ids["attendee"] + len(attendees), "session_id": key, "person_id": people[who]})
            if status == "held":
                role = role_of.get(supervisee) if supervisee else None
                found = (s["kind"], role)
                if found not in templates:
                    kind_of = "observation" if s["kind"] == "observation" else "session"
                    template = pack.template_for(kind_of, s["kind"], role) or pack.template_for(
                        "session", s["kind"], role
                    )
                    templates[found] = template.id if template else None
                template_id = templates[found]
                if template_id is None:
                    continue
                shared, agreed = _day(s.get("record_shared")), _day(s.get("record_agreed"))
                records.append(
                    {
                        "id": ids["record"] + len(records),
                        "session_id": key,
                        "template_id": template_id,
                        "status": "agreed" if agreed else "shared" if shared else "draft",
                        "shared_on": shared,
                        "agreed_on": agreed,
                    }
                )
        # The sessions reference each other only through rearranged_from, which stays empty.
        tables["session"].write(session_rows)
        del session_rows
        tables["attendee"].write(attendees)
        tables["record"].write(records)
        del records

        children: dict[str, int] = {}
        child_rows = []
        for n, c in enumerate(data.get("children") or []):
            key = ids["child"] + n
            children[c["id"]] = key
            child_rows.append(
                {
                    "id": key,
                    "organisation_id": org_id,
                    "case_id": f"C{c['id'][1:].zfill(6)}",
                    "status": c["status"],
                    "worker_id": people[c["worker"]],
                    "allocated": _day(c["allocated"]),
                    "review_every_weeks": c.get("review_every_weeks"),
                    "rationale": c.get("rationale") or "",
                }
            )
        tables["child"].write(child_rows)
        tables["case_review"].write(
            {
                "id": ids["case_review"] + n,
                "child_id": children[r["child"]],
                "date": _day(r["date"]),
                "by_id": people[r["by"]],
                "direction_recorded": _day(r.get("direction_recorded")),
            }
            for n, r in enumerate(data.get("case_reviews") or [])
        )
        if reset:
            reset_sequences()

    from oversight.organisations.models import Organisation

    return Organisation.objects.get(pk=org_id), people, sessions
