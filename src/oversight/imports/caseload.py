"""The caseload import, read side: a case-system export (one row per child: the child's ID,
the allocated worker's employee ID, status and dates) checked row by row against the
organisation's children and staff, and what applying it would change.

A case ID not in Oversight is a new child (``create``); one in Oversight has its worker,
status and dates brought to the file's (``update``). Children in Oversight but not in the
file are left as they are. No child's name is ever read: columns not listed are left out,
except that any other column whose header says "date" or "due" is kept as one of the child's
other key dates, under its header.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from oversight.cases.models import Child
from oversight.organisations.models import Organisation
from oversight.people.models import Person

from .plan import CREATE, UNCHANGED, UPDATE, FieldChange, Plan, PlannedRow, sha256_of
from .reading import Column, FileRefused, RowError, decode, long_date, normalise_header, parse_date, read_table

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
}


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


@dataclass
class CaseloadPlan:
    plan: Plan
    rows: list[CaseRow]


def _display(name: str, value: Any) -> str:
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
        rows.append(CaseRow(number, case_id, children.get(case_id), values))

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
            if value not in (None, "", {})
        ]
        return PlannedRow(row.row, row.case_id, label, CREATE, changes)
    changes = []
    for name, after in row.values.items():
        before = getattr(child, name)
        same = (before.pk == after.pk) if name == "worker" else before == after
        if not same:
            changes.append(FieldChange(LABELS[name], _display(name, before), _display(name, after)))
    return PlannedRow(row.row, row.case_id, label, UPDATE if changes else UNCHANGED, changes)
