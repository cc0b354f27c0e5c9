"""The HR import, read side: an HR export (one row per member of staff) checked row by row
against the organisation's people, and what applying it would change.

Applying is ``oversight.imports.services.hr_import_apply``, which plans again inside its
transaction and then makes each change through the people app's service functions.

What a row means:
- a staff ID not in Oversight: a new member of staff (``create``);
- a staff ID in Oversight: its name, role, team, line manager, start date, employment type and
  weekly hours are brought to the file's (``update``, each field's before and after shown);
  a leaving date not yet recorded is recorded, ending their supervision (``leave``);
- a column the file does not have is left as it is; an empty Team, Manager ID or Weekly hours
  cell clears it; an empty Employment type leaves it (a new starter: permanent);
- people in Oversight but not in the file are left as they are (the file may be one team's).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from django.db.models import Q

from oversight.organisations.models import Organisation
from oversight.people.models import Person, Service, Team
from oversight.people.staff_views import role_choices
from oversight.supervision.models import Relationship

from .plan import CREATE, LEAVE, UNCHANGED, UPDATE, FieldChange, Plan, PlannedRow, sha256_of
from .reading import (
    Column,
    FileRefused,
    RowError,
    Table,
    decode,
    long_date,
    normalise_header,
    parse_date,
    parse_hours,
    read_table,
)

HR_COLUMNS = (
    Column(
        "staff_id",
        "Employee ID",
        ("employee number", "employee no", "staff id", "staff number", "payroll number", "person id", "emp id"),
        required=True,
    ),
    Column("name", "Name", ("full name", "employee name", "staff name")),
    Column("first_name", "First name", ("forename", "given name")),
    Column("last_name", "Surname", ("last name", "family name")),
    Column("role", "Role", ("job title", "job role", "position", "post title"), required=True),
    Column("team", "Team", ("team name", "unit")),
    Column("service", "Service", ("service area", "service name")),
    Column(
        "manager",
        "Manager ID",
        ("line manager id", "manager employee id", "line manager employee id", "manager number", "reports to"),
    ),
    Column(
        "started",
        "Started",
        ("start date", "date started", "employment start date", "hire date", "date joined", "joined"),
        required=True,
    ),
    Column("left", "Left", ("leaving date", "end date", "termination date", "date left", "employment end date")),
    Column(
        "employment",
        "Employment type",
        ("employment", "contract type", "contract", "employment status", "type of employment"),
    ),
    Column(
        "weekly_hours",
        "Weekly hours",
        ("hours per week", "contracted hours", "contracted weekly hours", "hours", "working hours"),
    ),
)

EMPLOYMENT_ALIASES: dict[str, str] = {
    **dict.fromkeys(("permanent", "perm", "substantive", "established"), Person.Employment.PERMANENT),
    **dict.fromkeys(("temporary", "temp", "fixed term", "agency", "interim", "locum"), Person.Employment.TEMPORARY),
    **dict.fromkeys(("casual", "bank", "relief", "sessional", "zero hours"), Person.Employment.CASUAL),
    **dict.fromkeys(("student", "placement", "student placement"), Person.Employment.STUDENT),
}
ROLE_ALIASES = {"asye": "nqsw_asye", "nqsw": "nqsw_asye", "asye social worker": "nqsw_asye"}


def role_lookup(organisation: Organisation) -> dict[str, str]:
    """Every way a role may be written (its id, its label, common abbreviations) -> its id,
    for the roles this organisation's pack knows."""
    known = set(organisation.pack.roles)
    lookup: dict[str, str] = {}
    for role, label in role_choices(organisation.pack):
        for name in (role, label, role.replace("_", " ")):
            lookup[normalise_header(name)] = role
    for alias, role in ROLE_ALIASES.items():
        if role in known:
            lookup[normalise_header(alias)] = role
    return lookup


@dataclass(frozen=True)
class NewTeam:
    """A team the file names that Oversight does not have: created in ``service``."""

    name: str
    service: str
    service_exists: bool

    def __str__(self) -> str:
        return self.name


@dataclass
class HrRow:
    row: int
    staff_id: str
    person: Person | None
    name: str
    values: dict[str, Any]  # the fields the file sets on this row
    columns: dict[str, str] = field(default_factory=dict)  # field -> how errors name its column


@dataclass
class HrPlan:
    plan: Plan
    rows: list[HrRow]
    new_teams: list[NewTeam]
    final_managers: dict[str, str | None]  # staff ID -> manager's staff ID, after the import


def _display(name: str, value: Any, roles: dict[str, str]) -> str:
    if value is None or value == "":
        return "none"
    if name == "role":
        return roles.get(value, value)
    if name == "line_manager":
        return manager_label(value)
    if name == "employment":
        return str(Person.Employment(value).label)
    if isinstance(value, date):
        return long_date(value)
    if isinstance(value, Decimal):
        return f"{value.normalize():f}"
    return str(value)


LABELS = {
    "name": "Name",
    "role": "Role",
    "employment": "Employment type",
    "team": "Team",
    "line_manager": "Line manager",
    "started": "Started",
    "left": "Left",
    "weekly_hours": "Weekly hours",
}


def plan_hr(organisation: Organisation, data: bytes, *, today: date) -> HrPlan:
    """Check the HR export ``data`` row by row against ``organisation`` and say what applying
    it would change. Reads only."""
    plan = Plan(kind="hr", sha256=sha256_of(data))
    empty = HrPlan(plan=plan, rows=[], new_teams=[], final_managers={})
    try:
        table, errors = read_table(decode(data), HR_COLUMNS)
    except FileRefused as exc:
        plan.errors.append(RowError(None, "", exc.message))
        return empty
    if not table.has("name") and not (table.has("first_name") and table.has("last_name")):
        errors.append(RowError(1, "Name", "The file has no 'Name' column (or 'First name' and 'Surname' columns)"))
    plan.errors.extend(errors)
    if errors:
        return empty
    ignored = [table.column_at(i) for i in table.others]
    if ignored:
        plan.notes.append("Columns not imported: " + ", ".join(ignored))

    existing = {
        p.staff_id: p for p in Person.objects.filter(organisation=organisation).select_related("team", "line_manager")
    }
    teams = {t.name.lower(): t for t in Team.objects.filter(organisation=organisation).select_related("service")}
    services = {s.name.lower(): s for s in Service.objects.filter(organisation=organisation)}
    roles = role_lookup(organisation)
    role_labels = dict(role_choices(organisation.pack))
    rows = _read_rows(table, plan, existing, teams, services, roles, organisation)
    new_teams = sorted(
        {v for r in rows if isinstance(v := r.values.get("team"), NewTeam)}, key=lambda t: t.name.lower()
    )
    final = _check_managers(rows, existing, plan)
    _check_leaving(rows, plan)
    in_file_names = {row.staff_id: row.name for row in rows}
    for row in rows:
        if any(e.row == row.row for e in plan.errors):
            continue
        plan.rows.append(_planned(row, existing, role_labels, in_file_names))
    for team in new_teams:
        service = f"service {team.service}" + ("" if team.service_exists else " (a new service)")
        plan.notes.append(f"Team {team.name} will be created, in {service}")
    in_file = {row.staff_id for row in rows}
    missing = sum(1 for staff_id, person in existing.items() if staff_id not in in_file and person.left is None)
    if missing:
        plan.notes.append(
            f"{missing} current member{'s' if missing != 1 else ''} of staff in Oversight "
            f"{'are' if missing != 1 else 'is'} not in this file: left as they are"
        )
    plan.errors.sort(key=lambda e: (e.row or 0, e.column))
    return HrPlan(plan=plan, rows=rows, new_teams=new_teams, final_managers=final)


def _read_rows(
    table: Table,
    plan: Plan,
    existing: dict[str, Person],
    teams: dict[str, Team],
    services: dict[str, Service],
    roles: dict[str, str],
    organisation: Organisation,
) -> list[HrRow]:
    rows: list[HrRow] = []
    seen: dict[str, int] = {}
    only_service = next(iter(services.values())) if len(services) == 1 else None

    for number, cells in table.rows:

        def error(name: str, message: str, number: int = number) -> None:
            plan.errors.append(RowError(number, table.column(name) if table.has(name) else LABELS[name], message))

        staff_id = table.cell(cells, "staff_id")
        if not staff_id:
            error("staff_id", "Enter the employee ID")
            continue
        if staff_id in seen:
            error("staff_id", f"Employee ID {staff_id} is also on row {seen[staff_id]}: each person once")
            continue
        seen[staff_id] = number
        values: dict[str, Any] = {}
        if table.has("name"):
            name = table.cell(cells, "name")
        else:
            name = f"{table.cell(cells, 'first_name')} {table.cell(cells, 'last_name')}".strip()
        if not name:
            plan.errors.append(
                RowError(
                    number, table.column("name") if table.has("name") else table.column("last_name"), "Enter the name"
                )
            )
        else:
            values["name"] = name
        role_text = table.cell(cells, "role")
        if not role_text:
            error("role", "Enter the role")
        elif (role := roles.get(normalise_header(role_text))) is None:
            error("role", f"'{role_text}' is not a role the {organisation.pack.council} policy recognises")
        else:
            values["role"] = role
        for date_field in ("started", "left"):
            if not table.has(date_field):
                continue
            text = table.cell(cells, date_field)
            if not text:
                if date_field == "started":
                    error("started", "Enter the date they started")
                else:
                    values["left"] = None
                continue
            try:
                values[date_field] = parse_date(text)
            except ValueError as exc:
                error(date_field, str(exc))
        if table.has("employment"):
            text = table.cell(cells, "employment")
            if text:
                employment = EMPLOYMENT_ALIASES.get(" ".join(text.lower().replace("-", " ").split()))
                if employment is None:
                    error("employment", f"'{text}' is not an employment type: permanent, temporary, casual or student")
                else:
                    values["employment"] = employment
        if table.has("weekly_hours"):
            text = table.cell(cells, "weekly_hours")
            if not text:
                values["weekly_hours"] = None
            else:
                try:
                    values["weekly_hours"] = parse_hours(text)
                except ValueError as exc:
                    error("weekly_hours", str(exc))
        if table.has("team"):
            team_name = table.cell(cells, "team")
            service_name = table.cell(cells, "service")
            if not team_name:
                values["team"] = None
            elif team_name.lower() in teams:
                values["team"] = teams[team_name.lower()]
            elif service_name:
                known = services.get(service_name.lower())
                values["team"] = NewTeam(team_name, known.name if known else service_name, known is not None)
            elif only_service is not None:
                values["team"] = NewTeam(team_name, only_service.name, True)
            else:
                error("team", f"No team '{team_name}' in Oversight: add a Service column naming its service")
        if table.has("manager"):
            values["manager"] = table.cell(cells, "manager") or None
        if "started" in values and values.get("left") and values["left"] < values["started"]:
            error("left", f"The leaving date {long_date(values['left'])} is before they started")
        columns = {name: table.column(name) for name in table.positions}
        rows.append(HrRow(number, staff_id, existing.get(staff_id), name, values, columns))
    return rows


def _check_managers(rows: list[HrRow], existing: dict[str, Person], plan: Plan) -> dict[str, str | None]:
    """Every manager ID names someone in the file or in Oversight; no one manages themselves;
    no circle. Returns the line management as it will be: staff ID -> manager's staff ID."""
    final: dict[str, str | None] = {
        staff_id: person.line_manager.staff_id if person.line_manager else None for staff_id, person in existing.items()
    }
    in_file = {row.staff_id: row for row in rows}
    for row in rows:
        if "manager" not in row.values:
            continue
        manager_id = row.values["manager"]
        column = row.columns["manager"]
        if manager_id is None:
            final[row.staff_id] = None
            continue
        if manager_id == row.staff_id:
            plan.errors.append(RowError(row.row, column, "A person cannot be their own line manager"))
            continue
        if manager_id not in in_file and manager_id not in existing:
            plan.errors.append(
                RowError(
                    row.row, column, f"No member of staff with employee ID {manager_id} in this file or in Oversight"
                )
            )
            continue
        current = row.person.line_manager.staff_id if row.person and row.person.line_manager else None
        manager = existing.get(manager_id)
        if manager_id != current and manager is not None and manager.left is not None:
            plan.errors.append(
                RowError(row.row, column, f"{manager.name} ({manager_id}) left on {long_date(manager.left)}")
            )
            continue
        final[row.staff_id] = manager_id
    # A circle is reported on the rows that make it: those giving someone a new manager.
    for row in rows:
        if row.values.get("manager") is None or final.get(row.staff_id) != row.values["manager"]:
            continue
        if row.person is not None and row.person.line_manager is not None:
            if row.person.line_manager.staff_id == row.values["manager"]:
                continue
        chain = [row.staff_id]
        current = final.get(row.staff_id)
        while current is not None and current not in chain:
            chain.append(current)
            current = final.get(current)
        if current == row.staff_id:
            circle = " → ".join([*chain, row.staff_id])
            plan.errors.append(
                RowError(row.row, row.columns["manager"], f"Line management goes round in a circle: {circle}")
            )
    return final


def _check_leaving(rows: list[HrRow], plan: Plan) -> None:
    """A leaving date is recorded once: a different one, or none where Oversight has one, is
    an error; a new one cannot come before supervision that starts later."""
    for row in rows:
        person = row.person
        if person is None or "left" not in row.values:
            continue
        column = row.columns.get("left", "Left")
        left = row.values["left"]
        if person.left is not None and left is None:
            plan.errors.append(
                RowError(
                    row.row,
                    column,
                    f"Oversight records that {person.name} left on {long_date(person.left)}; the file has no "
                    "leaving date. A leaving date is not taken back: give the date, or a new employee ID for a return",
                )
            )
        elif person.left is not None and left != person.left:
            plan.errors.append(
                RowError(
                    row.row,
                    column,
                    f"{person.name} is already recorded as leaving on {long_date(person.left)}, not {long_date(left)}",
                )
            )
        elif person.left is None and left is not None:
            started = row.values.get("started", person.started)
            if left < started:
                continue  # reported with the row
            later = (
                Relationship.objects.filter(
                    Q(supervisee=person) | Q(supervisor=person), end__isnull=True, start__gt=left
                )
                .order_by("start")
                .first()
            )
            if later is not None:
                plan.errors.append(
                    RowError(
                        row.row,
                        column,
                        f"Supervision ({later}) starts on {long_date(later.start)}, after this leaving date: "
                        "change that supervision first",
                    )
                )


def _planned(
    row: HrRow, existing: dict[str, Person], role_labels: dict[str, str], in_file_names: dict[str, str]
) -> PlannedRow:
    person = row.person
    values = row.values
    if person is None:
        changes = [
            FieldChange(LABELS[name], "", _display(name, value, role_labels))
            for name, value in _new_values(row, existing, in_file_names).items()
            if value not in (None, "")
        ]
        return PlannedRow(row.row, row.staff_id, row.name, CREATE, changes)
    changes = []
    for name, after in _new_values(row, existing, in_file_names).items():
        before = person.line_manager if name == "line_manager" else getattr(person, name)
        if name == "line_manager":
            same = (before.staff_id if before else None) == (after.staff_id if isinstance(after, Person) else after)
        elif name == "team" and isinstance(after, NewTeam):
            same = False
        elif name == "team":
            same = (before.pk if before else None) == (after.pk if after else None)
        else:
            same = before == after
        if not same:
            changes.append(
                FieldChange(LABELS[name], _display(name, before, role_labels), _display(name, after, role_labels))
            )
    leaving = person.left is None and values.get("left") is not None
    action = LEAVE if leaving else (UPDATE if changes else UNCHANGED)
    return PlannedRow(row.row, row.staff_id, person.name, action, changes)


def _new_values(row: HrRow, existing: dict[str, Person], in_file_names: dict[str, str]) -> dict[str, Any]:
    """The fields this row sets, in display order; the line manager as a Person where one
    exists already, else as the new starter's name and staff ID from the file."""
    values = row.values
    out: dict[str, Any] = {}
    for name in ("name", "role", "employment", "team"):
        if name in values:
            out[name] = values[name]
    if row.person is None and "employment" not in out:
        out["employment"] = Person.Employment.PERMANENT
    if "manager" in values:
        manager_id = values["manager"]
        if manager_id is None:
            out["line_manager"] = None
        else:
            out["line_manager"] = existing.get(manager_id) or f"{in_file_names.get(manager_id, '')} ({manager_id})"
    for name in ("started", "left", "weekly_hours"):
        if name in values:
            out[name] = values[name]
    return out


def manager_label(value: Any) -> str:
    if isinstance(value, Person):
        return f"{value.name} ({value.staff_id})"
    return str(value)
