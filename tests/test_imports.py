"""Imports from HR and case systems (issue 5): reading files, the dry run row by row, apply
all or nothing and idempotent, and the two commands."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime
from decimal import Decimal
from io import StringIO
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.management import call_command

from oversight.audit.models import AuditEvent
from oversight.cases.models import Child
from oversight.imports.caseload import plan_caseload
from oversight.imports.hr import plan_hr
from oversight.imports.plan import CREATE, LEAVE, UNCHANGED, UPDATE
from oversight.imports.reading import (
    MAX_BYTES,
    FileRefused,
    column_letter,
    decode,
    normalise_header,
    parse_date,
    parse_hours,
)
from oversight.imports.services import ImportRefused, caseload_import_apply, hr_import_apply
from oversight.people.models import Person, Team
from oversight.supervision.services import relationship_start

from .personas import Cast, make_cast

TODAY = date(2026, 3, 10)
NOW = datetime(2026, 3, 10, 10, 0, tzinfo=ZoneInfo("Europe/London"))
HEADER = "Employee ID,Name,Role,Team,Manager ID,Started,Left,Employment type,Weekly hours\n"
# The cast as HR has them (tests/personas.py), so a file of these rows changes nothing.
CAST_ROWS = (
    "M1,Maria Service,service_manager,,,2015-01-05,,permanent,\n"
    "T1,Theo Team,team_manager,Team A,M1,2015-01-05,,permanent,\n"
    "O1,Omar Other,team_manager,Team B,M1,2015-01-05,,permanent,\n"
    "S1,Sally Social,social_worker,Team A,T1,2020-03-02,,permanent,\n"
    "A1,Asha Asye,nqsw_asye,Team A,T1,2026-01-05,,permanent,\n"
)


@pytest.fixture(autouse=True)
def frozen() -> Iterator[None]:
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def cast(db: None) -> Cast:
    return make_cast()


def hr(*rows: str, header: str = HEADER) -> bytes:
    return (header + "".join(rows)).encode()


def snapshot() -> tuple[object, ...]:
    people = Person.objects.order_by("staff_id").values_list(
        "staff_id", "name", "role", "employment", "team", "line_manager", "started", "left", "weekly_hours"
    )
    children = Child.objects.order_by("case_id").values_list(
        "case_id", "worker", "status", "allocated", "last_seen", "plan_review", "key_dates"
    )
    return (tuple(people), tuple(children), Team.objects.count(), AuditEvent.objects.count())


# --- reading ---------------------------------------------------------------------------------------


def test_text_is_utf8_with_or_without_bom_or_windows_1252() -> None:
    assert decode("Siân Ó Briain\n".encode()) == "Siân Ó Briain\n"
    assert decode(b"\xef\xbb\xbfEmployee ID\n") == "Employee ID\n"
    assert decode("Siân – £5\n".encode("cp1252")) == "Siân – £5\n"


def test_files_that_are_not_csv_text_or_too_big_are_refused_with_a_reason() -> None:
    with pytest.raises(FileRefused, match="is empty"):
        decode(b"  \n")
    with pytest.raises(FileRefused, match="not a CSV file"):
        decode(b"PK\x03\x04 rest of an xlsx")
    with pytest.raises(FileRefused, match="at most 2 MB"):
        decode(b"a" * (MAX_BYTES + 1))
    with pytest.raises(FileRefused, match="not UTF-8 or Windows-1252"):
        decode(b"caf\x81")  # 0x81 is undefined in Windows-1252


def test_headers_match_whatever_the_case_spacing_or_punctuation() -> None:
    assert normalise_header(" EMPLOYEE-ID ") == normalise_header("employee_id") == "employeeid"
    assert normalise_header("\ufeffName") == "name"
    assert [column_letter(i) for i in (0, 4, 25, 26, 27)] == ["A", "E", "Z", "AA", "AB"]


def test_dates_iso_and_day_month_year() -> None:
    assert parse_date("2026-03-31") == parse_date("31/03/2026") == parse_date("31/3/2026") == date(2026, 3, 31)
    with pytest.raises(ValueError, match="not a real date"):
        parse_date("31/02/2026")
    with pytest.raises(ValueError, match="not a date"):
        parse_date("03-31-2026")
    assert parse_hours("37") == Decimal("37.00")
    with pytest.raises(ValueError, match="0 to 168"):
        parse_hours("200")


# --- the HR dry run ----------------------------------------------------------------------------------


def test_the_cast_as_hr_has_them_changes_nothing(cast: Cast) -> None:
    plan = plan_hr(cast.org, hr(CAST_ROWS), today=TODAY).plan
    assert plan.errors == []
    assert [row.action for row in plan.rows] == [UNCHANGED] * 5
    assert plan.changes == []


def test_dry_run_shows_create_update_field_by_field_leave_and_unchanged(cast: Cast) -> None:
    rows = CAST_ROWS.replace(
        "S1,Sally Social,social_worker,Team A,T1,2020-03-02,,permanent,",
        "S1,Sally Social,Senior social worker,Team B,O1,2020-03-02,,permanent,30",
    ).replace(
        "A1,Asha Asye,nqsw_asye,Team A,T1,2026-01-05,,permanent,", "A1,Asha Asye,ASYE,Team A,T1,05/01/2026,28/02/2026,,"
    )
    before = snapshot()
    plan = plan_hr(cast.org, hr(rows, "N1,Nia New,Social Worker,Team A,T1,02/03/2026,,Agency,37\n"), today=TODAY).plan
    assert snapshot() == before  # a dry run changes nothing
    assert plan.errors == []
    by_id = {row.key: row for row in plan.rows}
    assert by_id["M1"].action == UNCHANGED
    sally = by_id["S1"]
    assert sally.action == UPDATE and sally.row == 5
    assert [(c.label, c.before, c.after) for c in sally.changes] == [
        ("Role", "Social worker", "Senior social worker"),
        ("Team", "Team A", "Team B"),
        ("Line manager", "Theo Team (T1)", "Omar Other (O1)"),
        ("Weekly hours", "none", "30"),
    ]
    assert by_id["A1"].action == LEAVE
    assert [(c.label, c.after) for c in by_id["A1"].changes] == [("Left", "28 February 2026")]
    new = by_id["N1"]
    assert new.action == CREATE and new.row == 7
    assert ("Employment type", "", "Temporary") in [(c.label, c.before, c.after) for c in new.changes]
    assert ("Line manager", "", "Theo Team (T1)") in [(c.label, c.before, c.after) for c in new.changes]
    assert plan.counts() == {"create": 1, "update": 1, "leave": 1, "unchanged": 3}


def test_headers_are_matched_flexibly_with_aliases(cast: Cast) -> None:
    header = "STAFF NUMBER,Forename,Surname,Job title,team name,Line manager ID,Start date,Leaving date,Contract type,Contracted hours,Payroll grade\n"
    plan = plan_hr(
        cast.org, hr("N1,Nia,New,social worker,Team A,T1,2026-03-02,,Permanent,37,SO2\n", header=header), today=TODAY
    ).plan
    assert plan.errors == []
    assert plan.rows[0].action == CREATE and plan.rows[0].label == "Nia New"
    assert plan.notes[0] == "Columns not imported: K (Payroll grade)"


def test_missing_required_columns_are_named_on_row_1(cast: Cast) -> None:
    plan = plan_hr(cast.org, b"Employee ID,Name,Team\nS1,Sally Social,Team A\n", today=TODAY).plan
    assert [(e.row, e.column) for e in plan.errors] == [(1, "Role"), (1, "Started")]
    assert plan.rows == []


def test_every_bad_row_is_named_by_row_number_and_column(cast: Cast) -> None:
    rows = (
        CAST_ROWS
        + "N1,Nia New,wizard,Team A,T1,2026-03-02,,permanent,\n"  # row 7: role
        + "N2,Ned New,social_worker,Team A,ZZ9,2026-03-02,,permanent,\n"  # row 8: manager
        + "N1,Nia Again,social_worker,Team A,T1,2026-03-02,,permanent,\n"  # row 9: duplicate
        + "N3,Nora New,social_worker,Team A,T1,31/02/2026,,permanent,\n"  # row 10: date
        + "N4,Noel New,social_worker,Team A,T1,2026-03-02,2026-01-01,permanent,\n"  # row 11: left before started
        + "N5,Nell New,social_worker,Team A,T1,2026-03-02,,forever,\n"  # row 12: employment
        + "N6,Nat New,social_worker,Team A,T1,2026-03-02,,permanent,lots\n"  # row 13: hours
        + ",No Id,social_worker,Team A,T1,2026-03-02,,permanent,\n"  # row 14: no ID
        + "N7,Nick New,social_worker,Team A,N7,2026-03-02,,permanent,\n"  # row 15: own manager
    )
    plan = plan_hr(cast.org, hr(rows), today=TODAY).plan
    found = [(e.row, e.column) for e in plan.errors]
    assert found == [
        (7, "C (Role)"),
        (8, "E (Manager ID)"),
        (9, "A (Employee ID)"),
        (10, "F (Started)"),
        (11, "G (Left)"),
        (12, "H (Employment type)"),
        (13, "I (Weekly hours)"),
        (14, "A (Employee ID)"),
        (15, "E (Manager ID)"),
    ]
    messages = {e.row: e.message for e in plan.errors}
    assert messages[7].startswith("'wizard' is not a role the Leeds City Council")
    assert "No member of staff with employee ID ZZ9" in messages[8]
    assert "also on row 7" in messages[9]
    assert "not a real date" in messages[10]
    assert str(plan.errors[0]) == "Row 7, column C (Role): " + messages[7]
    assert plan.error_rows() == [7, 8, 9, 10, 11, 12, 13, 14, 15]
    assert {row.key for row in plan.rows} == {"M1", "T1", "O1", "S1", "A1"}


def test_a_circle_in_line_management_is_an_error(cast: Cast) -> None:
    # Maria would be managed by Sally, who is below her: M1 -> S1 -> T1 -> M1.
    rows = CAST_ROWS.replace("M1,Maria Service,service_manager,,,", "M1,Maria Service,service_manager,,S1,")
    plan = plan_hr(cast.org, hr(rows), today=TODAY).plan
    assert [(e.row, e.column) for e in plan.errors] == [(2, "E (Manager ID)")]
    assert "goes round in a circle: M1 → S1 → T1 → M1" in plan.errors[0].message


def test_a_leaving_date_is_not_taken_back_or_changed(cast: Cast) -> None:
    cast.sally.left = date(2026, 2, 27)
    cast.sally.save()
    plan = plan_hr(cast.org, hr(CAST_ROWS), today=TODAY).plan
    assert [(e.row, e.column) for e in plan.errors] == [(5, "G (Left)")]
    assert "left on 27 February 2026" in plan.errors[0].message
    other = CAST_ROWS.replace("2020-03-02,,", "2020-03-02,2026-02-20,")
    plan = plan_hr(cast.org, hr(other), today=TODAY).plan
    assert "already recorded as leaving on 27 February 2026" in plan.errors[0].message


def test_a_manager_who_has_left_cannot_be_given_new_reports(cast: Cast) -> None:
    cast.omar.left = date(2026, 1, 30)
    cast.omar.save()
    rows = CAST_ROWS.replace(
        "O1,Omar Other,team_manager,Team B,M1,2015-01-05,,",
        "O1,Omar Other,team_manager,Team B,M1,2015-01-05,2026-01-30,",
    )
    rows = rows.replace("S1,Sally Social,social_worker,Team A,T1,", "S1,Sally Social,social_worker,Team A,O1,")
    plan = plan_hr(cast.org, hr(rows), today=TODAY).plan
    assert [(e.row, e.column) for e in plan.errors] == [(5, "E (Manager ID)")]
    assert "left on 30 January 2026" in plan.errors[0].message


def test_an_unknown_team_is_created_in_the_only_service_or_the_one_named(cast: Cast) -> None:
    plan = plan_hr(
        cast.org, hr(CAST_ROWS, "N1,Nia New,social_worker,Edge of care,T1,2026-03-02,,,\n"), today=TODAY
    ).plan
    assert plan.errors == []
    assert "Team Edge of care will be created, in service Children's social work" in plan.notes


# --- applying HR ---------------------------------------------------------------------------------------


def test_apply_refuses_while_any_error_remains_and_changes_nothing(cast: Cast) -> None:
    before = snapshot()
    bad = hr(
        CAST_ROWS, "N1,Nia New,social_worker,Team A,T1,2026-03-02,,,\n", "N2,Ned New,wizard,Team A,T1,2026-03-02,,,\n"
    )
    with pytest.raises(ImportRefused) as refused:
        hr_import_apply(organisation=cast.org, data=bad, by=cast.maria, today=TODAY)
    assert [(e.row, e.column) for e in refused.value.plan.errors] == [(8, "C (Role)")]
    assert snapshot() == before  # not even the good row


def test_apply_is_atomic_when_a_service_function_refuses_midway(cast: Cast, monkeypatch: pytest.MonkeyPatch) -> None:
    """A refusal only a service function sees, after other rows were made, undoes them all
    and is named at its row and column."""
    from oversight.errors import ServiceError
    from oversight.imports import services

    def refuse(**kwargs: object) -> None:
        raise ServiceError("left", "Refused by the service")

    monkeypatch.setattr(services, "person_record_leaving", refuse)
    before = snapshot()
    rows = CAST_ROWS.replace(
        "S1,Sally Social,social_worker,Team A,T1,2020-03-02,,",
        "S1,Sally Social,social_worker,Team B,T1,2020-03-02,2026-03-06,",
    )
    with pytest.raises(ImportRefused) as refused:
        hr_import_apply(
            organisation=cast.org,
            data=hr(rows, "N1,Nia New,social_worker,Team A,T1,2026-03-02,,,\n"),
            by=cast.maria,
            today=TODAY,
        )
    assert [(e.row, e.column, e.message) for e in refused.value.plan.errors] == [
        (5, "G (Left)", "Refused by the service")
    ]
    assert snapshot() == before


def test_a_leaving_date_before_supervision_that_starts_later_is_an_error(cast: Cast) -> None:
    relationship_start(
        organisation=cast.org, by=cast.maria, supervisor=cast.theo, supervisee=cast.sally, start=date(2026, 3, 2)
    )
    rows = CAST_ROWS.replace(
        "S1,Sally Social,social_worker,Team A,T1,2020-03-02,,",
        "S1,Sally Social,social_worker,Team A,T1,2020-03-02,2026-02-27,",
    )
    plan = plan_hr(cast.org, hr(rows), today=TODAY).plan
    assert [(e.row, e.column) for e in plan.errors] == [(5, "G (Left)")]
    assert "starts on 2 March 2026, after this leaving date" in plan.errors[0].message


def test_apply_makes_every_change_writes_audit_rows_and_a_second_apply_changes_nothing(cast: Cast) -> None:
    rows = CAST_ROWS.replace(
        "S1,Sally Social,social_worker,Team A,T1,2020-03-02,,permanent,",
        "S1,Sally Social,senior_social_worker,Team B,O1,2020-03-02,,permanent,30",
    ).replace(
        "A1,Asha Asye,nqsw_asye,Team A,T1,2026-01-05,,", "A1,Asha Asye,nqsw_asye,Team A,T1,2026-01-05,2026-03-06,"
    )
    data = hr(rows, "N1,Nia New,social_worker,Edge of care,S1,2026-03-02,,casual,12.5\n")
    events = AuditEvent.objects.count()
    plan = hr_import_apply(organisation=cast.org, data=data, by=cast.maria, filename="hr.csv", today=TODAY)
    assert plan.counts() == {"create": 1, "update": 1, "leave": 1, "unchanged": 3}
    sally = Person.objects.get(staff_id="S1")
    assert (sally.role, sally.team.name, sally.line_manager.staff_id, sally.weekly_hours) == (  # type: ignore[union-attr]
        "senior_social_worker",
        "Team B",
        "O1",
        Decimal("30.00"),
    )
    nia = Person.objects.get(staff_id="N1")
    assert (nia.employment, nia.team.name, nia.line_manager, nia.weekly_hours) == (  # type: ignore[union-attr]
        "casual",
        "Edge of care",
        sally,
        Decimal("12.50"),
    )
    assert Person.objects.get(staff_id="A1").left == date(2026, 3, 6)
    actions = list(AuditEvent.objects.filter(seq__gt=events).values_list("action", flat=True))
    for expected in ("team.create", "person.create", "person.update", "person.leave", "import.hr.apply"):
        assert expected in actions
    # The same file again: nothing to change, and nothing changes (no audit rows either).
    before = snapshot()
    again = hr_import_apply(organisation=cast.org, data=data, by=cast.maria, today=TODAY)
    assert again.changes == [] and snapshot() == before
    # One field changed: only that one is updated.
    changed = data.replace(
        b"N1,Nia New,social_worker,Edge of care,S1,2026-03-02,,casual,12.5",
        b"N1,Nia New,social_worker,Edge of care,S1,2026-03-02,,casual,15",
    )
    events = AuditEvent.objects.count()
    plan = hr_import_apply(organisation=cast.org, data=changed, by=cast.maria, today=TODAY)
    assert [(r.key, [(c.label, c.before, c.after) for c in r.changes]) for r in plan.changes] == [
        ("N1", [("Weekly hours", "12.5", "15")])
    ]
    update = AuditEvent.objects.filter(seq__gt=events, action="person.update").get()
    assert update.detail == {"weekly_hours": {"from": "12.50", "to": "15.00"}}


def test_a_swap_of_manager_and_report_applies_in_one_file(cast: Cast) -> None:
    """Theo manages Sally; the file has Sally managing Theo. Done in order, managers first,
    no step meets a half-made circle."""
    rows = CAST_ROWS.replace("T1,Theo Team,team_manager,Team A,M1,", "T1,Theo Team,team_manager,Team A,S1,").replace(
        "S1,Sally Social,social_worker,Team A,T1,", "S1,Sally Social,social_worker,Team A,M1,"
    )
    hr_import_apply(organisation=cast.org, data=hr(rows), by=cast.maria, today=TODAY)
    assert Person.objects.get(staff_id="T1").line_manager == cast.sally
    assert Person.objects.get(staff_id="S1").line_manager == cast.maria


def test_a_changed_file_after_the_preview_is_refused(cast: Cast) -> None:
    data = hr(CAST_ROWS, "N1,Nia New,social_worker,Team A,T1,2026-03-02,,,\n")
    fingerprint = plan_hr(cast.org, data, today=TODAY).plan.fingerprint()
    Person.objects.filter(staff_id="S1").update(name="Sally Renamed")  # someone else's change since
    with pytest.raises(ImportRefused, match="changed since this file was previewed"):
        hr_import_apply(organisation=cast.org, data=data, by=cast.maria, expected_fingerprint=fingerprint, today=TODAY)
    assert not Person.objects.filter(staff_id="N1").exists()


# --- caseload -----------------------------------------------------------------------------------------

CASE_HEADER = (
    "Child ID,Allocated worker ID,Status,Allocated date,Last seen date,Plan review date,Core group date,Date of birth\n"
)


def cases(*rows: str, header: str = CASE_HEADER) -> bytes:
    return (header + "".join(rows)).encode()


def test_caseload_statuses_in_the_case_systems_spellings(cast: Cast) -> None:
    spellings = [
        "CP",
        "Child Protection",
        "child protection plan",
        "CIN",
        "Child in need",
        "LAC",
        "Looked after",
        "16+",
        "Care Leaver",
        "Early help",
        "CLA matched",
    ]
    rows = [f"C{i},S1,{s},2026-01-0{1 + i % 9},,,,\n" for i, s in enumerate(spellings)]
    plan = plan_caseload(cast.org, cases(*rows), today=TODAY).plan
    assert plan.errors == []
    assert [row.label for row in plan.rows] == [
        "Child protection", "Child protection", "Child protection", "Child in need", "Child in need",
        "Looked after", "Looked after", "16+", "Care leaver", "Early help", "Looked after, matched and stable",
    ]  # fmt: skip
    assert "Columns not imported: H (Date of birth)" in plan.notes  # a child's birth date is never held


def test_caseload_errors_by_row_and_column(cast: Cast) -> None:
    cast.omar.left = date(2026, 2, 1)
    cast.omar.save()
    rows = (
        "C1,S1,CP,2026-01-05,2026-03-01,2026-04-01,,\n",  # row 2: fine
        "C2,ZZ9,CP,2026-01-05,,,,\n",  # row 3: unknown worker
        "C3,S1,Adopted,2026-01-05,,,,\n",  # row 4: unknown status
        "C1,S1,CP,2026-01-05,,,,\n",  # row 5: duplicate
        "C4,S1,CIN,2026-01-05,31/02/2026,,,\n",  # row 6: date
        "C5,O1,CIN,2026-01-05,,,,\n",  # row 7: worker left
        "C6,S1,CIN,2026-04-05,,,,\n",  # row 8: allocated in the future
        "C7,A1,CIN,2025-12-01,,,,\n",  # row 9: before Asha started
        "C8,S1,CIN,2026-01-05,,,next week,\n",  # row 10: a key date that is not a date
    )
    plan = plan_caseload(cast.org, cases(*rows), today=TODAY).plan
    assert [(e.row, e.column) for e in plan.errors] == [
        (3, "B (Allocated worker ID)"),
        (4, "C (Status)"),
        (5, "A (Child ID)"),
        (6, "E (Last seen date)"),
        (7, "B (Allocated worker ID)"),
        (8, "D (Allocated date)"),
        (9, "D (Allocated date)"),
        (10, "G (Core group date)"),
    ]
    assert [row.key for row in plan.rows] == ["C1"]


def test_caseload_apply_is_all_or_nothing_idempotent_and_updates_only_what_changed(cast: Cast) -> None:
    before = snapshot()
    with pytest.raises(ImportRefused):
        caseload_import_apply(
            organisation=cast.org,
            data=cases("C1,S1,CP,2026-01-05,,,,\n", "C2,S1,??,2026-01-05,,,,\n"),
            by=cast.maria,
            today=TODAY,
        )
    assert snapshot() == before
    data = cases("C1,S1,CP,2026-01-05,2026-03-01,2026-04-01,14/03/2026,\n", "C2,A1,Looked after,2026-02-02,,,,\n")
    plan = caseload_import_apply(organisation=cast.org, data=data, by=cast.maria, today=TODAY)
    assert plan.counts()["create"] == 2
    c1 = Child.objects.get(case_id="C1")
    assert (c1.worker, c1.status, c1.allocated, c1.last_seen, c1.plan_review, c1.key_dates) == (
        cast.sally, "cp", date(2026, 1, 5), date(2026, 3, 1), date(2026, 4, 1), {"Core group date": "2026-03-14"},
    )  # fmt: skip
    assert AuditEvent.objects.filter(action="child.create").count() == 2
    before = snapshot()
    assert caseload_import_apply(organisation=cast.org, data=data, by=cast.maria, today=TODAY).changes == []
    assert snapshot() == before
    moved = data.replace(b"C2,A1,Looked after", b"C2,S1,Looked after")
    plan = caseload_import_apply(organisation=cast.org, data=moved, by=cast.maria, today=TODAY)
    assert [(r.key, [(c.label, c.before, c.after) for c in r.changes]) for r in plan.changes] == [
        ("C2", [("Allocated worker", "Asha Asye (A1)", "Sally Social (S1)")])
    ]
    assert Child.objects.get(case_id="C2").worker == cast.sally
    assert AuditEvent.objects.filter(action="child.update").get().detail == {
        "worker": {"from": cast.asha.pk, "to": cast.sally.pk}
    }


# --- the commands ---------------------------------------------------------------------------------------


def run(*args: str) -> tuple[int, str, str]:
    out, err = StringIO(), StringIO()
    try:
        call_command(*args, stdout=out, stderr=err)
    except SystemExit as exit_:
        return int(exit_.code or 0), out.getvalue(), err.getvalue()
    return 0, out.getvalue(), err.getvalue()


def test_import_hr_command_dry_run_errors_and_apply(cast: Cast, tmp_path: Path) -> None:
    good = tmp_path / "hr.csv"
    good.write_bytes(b"\xef\xbb\xbf" + hr(CAST_ROWS, "N1,Nia New,Social worker,Team A,T1,02/03/2026,,,\n"))
    code, out, err = run("import_hr", str(good), "--organisation", "leeds-test")
    assert code == 0 and err == ""
    assert "dry run, nothing changed" in out
    assert "row 7: create N1 (Nia New)" in out
    assert "Run again with --apply" in out
    assert not Person.objects.filter(staff_id="N1").exists()
    bad = tmp_path / "bad.csv"
    bad.write_bytes(hr(CAST_ROWS, "N1,Nia New,Social worker,Team A,NOPE,02/03/2026,,,\n"))
    for extra in ((), ("--apply",)):
        code, out, err = run("import_hr", str(bad), "--organisation", "leeds-test", *extra)
        assert code == 1
        assert "bad.csv: Row 7, column E (Manager ID): No member of staff with employee ID NOPE" in err
        assert "nothing was changed" in err
    assert not Person.objects.filter(staff_id="N1").exists()
    code, out, err = run("import_hr", str(good), "--organisation", "leeds-test", "--apply", "--by", "M1")
    assert code == 0 and "applied" in out
    assert AuditEvent.objects.filter(action="person.create").latest("seq").actor_id == cast.maria.pk
    code, out, err = run("import_hr", str(good), "--organisation", "leeds-test", "--apply")
    assert code == 0 and "Nothing to change" in out


def test_import_caseload_command_names_the_organisation_and_file_problems(cast: Cast, tmp_path: Path) -> None:
    from django.core.management.base import CommandError

    path = tmp_path / "cases.csv"
    path.write_bytes(cases("C1,S1,CP,2026-01-05,,,,\n"))
    with pytest.raises(CommandError, match="no organisation 'nowhere'"):
        call_command("import_caseload", str(path), "--organisation", "nowhere")
    with pytest.raises(CommandError, match="cannot read"):
        call_command("import_caseload", str(tmp_path / "missing.csv"), "--organisation", "leeds-test")
    code, out, _ = run("import_caseload", str(path), "--organisation", "leeds-test", "--apply")
    assert code == 0 and Child.objects.filter(case_id="C1").exists()
    events = AuditEvent.objects.filter(action="child.create").get()
    assert events.actor_label == "oversight import_caseload (command line)"


def test_a_windows_1252_file_with_a_bom_free_header_reads_names_right(cast: Cast) -> None:
    data = (HEADER + CAST_ROWS + "N1,Siân Ó Briain,social_worker,Team A,T1,2026-03-02,,,\n").encode("cp1252")
    plan = plan_hr(cast.org, data, today=TODAY).plan
    assert plan.errors == []
    assert [row.label for row in plan.changes] == ["Siân Ó Briain"]


def test_a_file_that_cannot_be_read_is_one_error_for_the_whole_file(cast: Cast) -> None:
    plan = plan_caseload(cast.org, b"PK\x03\x04xlsx", today=TODAY).plan
    assert [(e.row, e.column) for e in plan.errors] == [(None, "")]
    assert str(plan.errors[0]).startswith("File: The file is not a CSV file")


def test_a_new_starter_may_manage_another_new_starter_in_the_same_file(cast: Cast) -> None:
    data = hr(
        CAST_ROWS,
        "N2,Ned New,social_worker,Team A,N1,2026-03-02,,,\n",
        "N1,Nia New,team_manager,Team A,M1,2026-03-02,,,\n",
    )
    plan = plan_hr(cast.org, data, today=TODAY).plan
    ned = next(row for row in plan.rows if row.key == "N2")
    assert ("Line manager", "", "Nia New (N1)") in [(c.label, c.before, c.after) for c in ned.changes]
    hr_import_apply(organisation=cast.org, data=data, by=cast.maria, today=TODAY)
    assert Person.objects.get(staff_id="N2").line_manager == Person.objects.get(staff_id="N1")
