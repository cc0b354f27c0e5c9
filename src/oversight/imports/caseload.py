"""The caseload import, read side: a case-system export (one row per child: the child's ID,
the allocated worker's employee ID, status and dates) checked row by row against the
organisation's children and staff, and what applying it would change.

A case ID not in Oversight is a new child (``create``); one in Oversight has its worker,
status and dates brought to the file's (``update``). Children in Oversight but not in the
file are left as they are. A child's name, where the export has one (first name, last name or
child name columns), is read only to be kept as keyed hashes for the child-data guard
(oversight.guard): never stored or shown in clear, and an uploaded file has its name columns
replaced by the hashes before it is kept (``redact_names``). Other columns not listed are left
out, except that any column whose header says "date" or "due" is kept as one of the child's
other key dates, under its header.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import date
from typing import Any

from oversight.cases.models import Child
from oversight.organisations.models import Organisation
from oversight.people.models import Person

from .plan import CREATE, UNCHANGED, UPDATE, FieldChange, Plan, PlannedRow, sha256_of
from .reading import (
    Column,
    FileRefused,
    RowError,
    Table,
    decode,
    long_date,
    normalise_header,
    parse_date,
    read_table,
)

CASELOAD_COLUMNS = (
    Column(
        "case_id",
        "Child ID",
        (
            "case id",
            "child number",
            "child reference",
            "case reference",
            "lcs id",
            "mosaic id",
            "ehm id",
            "person id",
            "client id",
        ),
        required=True,
    ),
    Column(
        "worker",
        "Allocated worker ID",
        (
            "worker id",
            "allocated worker",
            "allocated worker employee id",
            "worker employee id",
            "worker staff id",
            "key worker id",
            "allocated to",
        ),
        required=True,
    ),
    Column("status", "Status", ("child status", "case status", "legal status", "category", "plan type"), required=True),
    Column(
        "allocated",
        "Allocated date",
        ("allocated", "allocation date", "date allocated", "allocated on"),
        required=True,
    ),
    Column(
        "last_seen",
        "Last seen date",
        ("last seen", "date last seen", "last visit", "last visit date", "date of last visit"),
    ),
    # A child's name, for the child-data guard only: kept as keyed hashes, never in clear.
    Column("first_name", "First name", ("forename", "forenames", "given name", "first names", "child first name")),
    Column("last_name", "Last name", ("surname", "family name", "last names", "child surname", "child last name")),
    Column("full_name", "Child name", ("name", "child's name", "full name", "child full name", "child's full name")),
    Column("name_keys", "Name keys", ("name hashes",)),
    Column(
        "plan_review",
        "Plan review date",
        (
            "plan review",
            "next plan review",
            "next plan review date",
            "plan review due",
            "review date",
            "next review date",
        ),
    ),
)

# How case systems write the contract's child statuses (case, spaces and punctuation ignored).
STATUS_ALIASES: dict[str, tuple[str, ...]] = {
    Child.Status.CIN: ("cin", "child in need", "children in need", "in need", "cin plan", "child in need plan"),
    Child.Status.CP: ("cp", "cpp", "child protection", "child protection plan", "cp plan", "subject to cp plan"),
    Child.Status.CLA: (
        "cla",
        "lac",
        "looked after",
        "looked after child",
        "child looked after",
        "children looked after",
        "cic",
        "child in care",
        "in care",
    ),
    Child.Status.CLA_MATCHED: (
        "cla matched",
        "cla_matched",
        "looked after matched",
        "looked after, matched and stable",
        "matched and stable",
        "long term matched",
    ),
    Child.Status.SIXTEEN_PLUS: ("16+", "16 plus", "sixteen plus", "sixteen_plus", "16 plus team"),
    Child.Status.CARE_LEAVER: ("care leaver", "care leavers", "care_leaver", "leaving care", "cl"),
    Child.Status.EARLY_HELP: ("early help", "early_help", "eh", "eha", "early help assessment"),
}
STATUS_LOOKUP = {normalise_header(alias): status for status, aliases in STATUS_ALIASES.items() for alias in aliases}
STATUS_LOOKUP.update({normalise_header(str(label)): value for value, label in Child.Status.choices})

LABELS = {
    "worker": "Allocated worker",
    "status": "Status",
    "allocated": "Allocated",
    "last_seen": "Last seen",
    "plan_review": "Plan review",
    "key_dates": "Other key dates",
    "name_keys": "Name (for the child-data guard)",
}
NAME_FIELDS = ("first_name", "last_name", "full_name")


def _name_key() -> bytes:
    from oversight.guard.keys import guard_key

    return guard_key()


def _row_name_keys(table: Table, cells: list[str], key: bytes) -> frozenset[str]:
    """The keyed hashes of the row's name: read from a redacted file's "Name keys" column, else
    worked out from its name columns."""
    from oversight.guard.scanner import name_digests

    if table.has("name_keys"):
        return frozenset(table.cell(cells, "name_keys").split())
    return frozenset(name_digests(key, *(table.cell(cells, f) for f in NAME_FIELDS if table.has(f))))


def redact_names(data: bytes) -> bytes:
    """The file with its name columns (first name, last name, child name) replaced by one "Name
    keys" column of keyed hashes, so that an uploaded file kept for its preview never holds a
    child's name. A file with no name columns, or one that cannot be read, comes back unchanged
    (the preview reports what is wrong with it)."""
    try:
        table, errors = read_table(decode(data), CASELOAD_COLUMNS)
    except FileRefused:
        return data
    names = [table.positions[f] for f in NAME_FIELDS if table.has(f)]
    if not names or table.has("name_keys") or any(e.row == 1 and "Two columns" in e.message for e in errors):
        return data
    key = _name_key()
    out = io.StringIO(newline="")
    writer = csv.writer(out, lineterminator="\r\n")
    keep = [i for i in range(len(table.headers)) if i not in names]
    writer.writerow([table.headers[i] for i in keep] + ["Name keys"])
    for _number, cells in table.rows:
        digests = " ".join(sorted(_row_name_keys(table, cells, key)))
        writer.writerow([cells[i] if i < len(cells) else "" for i in keep] + [digests])
    return out.getvalue().encode("utf-8")


def is_key_date_header(header: str) -> bool:
    """An other key date's column: its header says "date" or "due". Never a date of birth,
    which identifies the child and is not Oversight's to hold."""
    words = header.lower()
    if "birth" in words or normalise_header(header) == "dob":
        return False
    return "date" in words or words.rstrip().endswith("due")


@dataclass
class CaseRow:
    row: int
    case_id: str
    child: Child | None
    values: dict[str, Any]
    held_name_keys: frozenset[str] = frozenset()


@dataclass
class CaseloadPlan:
    plan: Plan
    rows: list[CaseRow]


def _display(name: str, value: Any) -> str:
    if name == "name_keys":
        # never the name: a short fingerprint of its hashes, so a preview notices a change
        fingerprint = sha256_of(" ".join(sorted(value)).encode())[:8] if value else ""
        return f"kept as keyed hashes (not shown; {fingerprint})" if value else "none"
    if value is None or value == "" or value == {}:
        return "none"
    if name == "worker":
        return f"{value.name} ({value.staff_id})"
    if name == "status":
        return str(Child.Status(value).label)
    if name == "key_dates":
        return "; ".join(f"{key}: {long_date(date.fromisoformat(day))}" for key, day in sorted(value.items()))
    if isinstance(value, date):
        return long_date(value)
    return str(value)


def plan_caseload(organisation: Organisation, data: bytes, *, today: date) -> CaseloadPlan:
    """Check the case-system export ``data`` row by row against ``organisation`` and say what
    applying it would change. Reads only."""
    plan = Plan(kind="caseload", sha256=sha256_of(data))
    try:
        table, errors = read_table(decode(data), CASELOAD_COLUMNS)
    except FileRefused as exc:
        plan.errors.append(RowError(None, "", exc.message))
        return CaseloadPlan(plan, [])
    plan.errors.extend(errors)
    if errors:
        return CaseloadPlan(plan, [])
    key_columns = [i for i in table.others if is_key_date_header(table.headers[i])]
    ignored = [table.column_at(i) for i in table.others if i not in key_columns]
    if ignored:
        plan.notes.append("Columns not imported: " + ", ".join(ignored))
    if key_columns:
        plan.notes.append("Other key dates from: " + ", ".join(table.column_at(i) for i in key_columns))

    staff = {p.staff_id: p for p in Person.objects.filter(organisation=organisation)}
    children = {c.case_id: c for c in Child.objects.filter(organisation=organisation).select_related("worker")}
    with_names = any(table.has(f) for f in (*NAME_FIELDS, "name_keys"))
    name_key = _name_key() if with_names else b""
    held: dict[int, set[str]] = {}
    if with_names:
        from oversight.guard.models import ChildNameKey

        for child_id, digest in ChildNameKey.objects.filter(child__organisation=organisation).values_list(
            "child_id", "digest"
        ):
            held.setdefault(child_id, set()).add(digest)
    rows: list[CaseRow] = []
    seen: dict[str, int] = {}
    for number, cells in table.rows:

        def error(column: str, message: str, number: int = number) -> None:
            plan.errors.append(RowError(number, column, message))

        case_id = table.cell(cells, "case_id")
        if not case_id:
            error(table.column("case_id"), "Enter the child's ID")
            continue
        if case_id in seen:
            error(table.column("case_id"), f"Child ID {case_id} is also on row {seen[case_id]}: each child once")
            continue
        seen[case_id] = number
        values: dict[str, Any] = {}
        worker_id = table.cell(cells, "worker")
        worker = staff.get(worker_id)
        if not worker_id:
            error(table.column("worker"), "Enter the allocated worker's employee ID")
        elif worker is None:
            error(table.column("worker"), f"No member of staff with employee ID {worker_id} in Oversight")
        elif worker.left is not None and worker.left < today:
            error(table.column("worker"), f"{worker.name} ({worker_id}) left on {long_date(worker.left)}")
        else:
            values["worker"] = worker
        status_text = table.cell(cells, "status")
        status = STATUS_LOOKUP.get(normalise_header(status_text))
        if not status_text:
            error(table.column("status"), "Enter the child's status")
        elif status is None:
            error(
                table.column("status"),
                f"'{status_text}' is not a child status: CIN, CP, CLA, CLA matched, 16+, care leaver or early help",
            )
        else:
            values["status"] = status
        for name in ("allocated", "last_seen", "plan_review"):
            if not table.has(name):
                continue
            text = table.cell(cells, name)
            if not text:
                if name == "allocated":
                    error(table.column(name), "Enter the date the child was allocated")
                else:
                    values[name] = None
                continue
            try:
                day = parse_date(text)
            except ValueError as exc:
                error(table.column(name), str(exc))
                continue
            if name in ("allocated", "last_seen") and day > today:
                error(table.column(name), f"{long_date(day)} is in the future")
                continue
            values[name] = day
        allocated = values.get("allocated")
        if allocated is not None and worker is not None and "worker" in values and allocated < worker.started:
            error(
                table.column("allocated"),
                f"{long_date(allocated)} is before {worker.name} started on {long_date(worker.started)}",
            )
        if key_columns:
            key_dates: dict[str, str] = {}
            for index in key_columns:
                text = " ".join(cells[index].split()) if index < len(cells) else ""
                if not text:
                    continue
                try:
                    key_dates[" ".join(table.headers[index].split())] = parse_date(text).isoformat()
                except ValueError as exc:
                    error(table.column_at(index), str(exc))
            values["key_dates"] = key_dates
        if with_names:
            values["name_keys"] = _row_name_keys(table, cells, name_key)
        known = children.get(case_id)
        rows.append(
            CaseRow(number, case_id, known, values, frozenset(held.get(known.pk, ())) if known else frozenset())
        )

    for row in rows:
        if any(e.row == row.row for e in plan.errors):
            continue
        plan.rows.append(_planned(row))
    in_file = {row.case_id for row in rows}
    missing = sum(1 for case_id in children if case_id not in in_file)
    if missing:
        plan.notes.append(
            f"{missing} child{'ren' if missing != 1 else ''} in Oversight "
            f"{'are' if missing != 1 else 'is'} not in this file: left as they are"
        )
    plan.errors.sort(key=lambda e: (e.row or 0, e.column))
    return CaseloadPlan(plan, rows)


def _planned(row: CaseRow) -> PlannedRow:
    child = row.child
    label = _display("status", row.values["status"])
    if child is None:
        changes = [
            FieldChange(LABELS[name], "", _display(name, value))
            for name, value in row.values.items()
            if value not in (None, "", {}) and value != frozenset()
        ]
        return PlannedRow(row.row, row.case_id, label, CREATE, changes)
    changes = []
    for name, after in row.values.items():
        before: Any = row.held_name_keys if name == "name_keys" else getattr(child, name)
        same = (before.pk == after.pk) if name == "worker" else before == after
        if not same:
            changes.append(FieldChange(LABELS[name], _display(name, before), _display(name, after)))
    return PlannedRow(row.row, row.case_id, label, UPDATE if changes else UNCHANGED, changes)
