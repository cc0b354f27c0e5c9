"""Issue 5's acceptance line, on the sample files in samples/imports/ and the Leeds demo
authority: "Importing sample HR and caseload files with one bad row each: the dry run lists the
bad rows by number and column, and apply changes nothing until the file is clean." """

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.management import call_command

from oversight.cases.models import Child
from oversight.demo import load_demo
from oversight.imports.caseload import plan_caseload
from oversight.imports.hr import plan_hr
from oversight.imports.services import ImportRefused, caseload_import_apply, hr_import_apply
from oversight.organisations.models import Organisation
from oversight.people.models import Person

from .conftest import REPO
from .test_imports import snapshot

pytestmark = pytest.mark.django_db

SAMPLES = REPO / "samples" / "imports"
NOW = datetime(2026, 11, 25, 10, 0, tzinfo=ZoneInfo("Europe/London"))
TODAY = NOW.date()


@pytest.fixture(autouse=True)
def frozen() -> Iterator[None]:
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def leeds() -> Organisation:
    load_demo(today=TODAY, only=("leeds-2023",))
    return Organisation.objects.get(slug="leeds")


def sample(name: str) -> bytes:
    return (SAMPLES / name).read_bytes()


def test_the_bad_samples_differ_from_the_clean_ones_in_exactly_one_row() -> None:
    for kind in ("hr", "caseload"):
        clean = sample(f"leeds-{kind}.csv").decode().splitlines()
        bad = sample(f"leeds-{kind}-one-bad-row.csv").decode().splitlines()
        assert len(clean) == len(bad)
        assert sum(1 for a, b in zip(clean, bad, strict=True) if a != b) == 1


def test_hr_sample_with_one_bad_row_dry_run_names_it_and_apply_changes_nothing(leeds: Organisation) -> None:
    data = sample("leeds-hr-one-bad-row.csv")
    plan = plan_hr(leeds, data, today=TODAY).plan
    assert [(e.row, e.column) for e in plan.errors] == [(20, "E (Manager ID)")]
    assert "No member of staff with employee ID LEEDS-9999" in plan.errors[0].message
    assert 20 not in {row.row for row in plan.rows} and len(plan.rows) == 19  # the others are still shown
    before = snapshot()
    with pytest.raises(ImportRefused):
        hr_import_apply(organisation=leeds, data=data, by=None, today=TODAY)
    assert snapshot() == before
    out, err = StringIO(), StringIO()
    with pytest.raises(SystemExit) as exit_:
        call_command(
            "import_hr", str(SAMPLES / "leeds-hr-one-bad-row.csv"), "--organisation", "leeds", "--apply",
            stdout=out, stderr=err,
        )  # fmt: skip
    assert exit_.value.code == 1
    assert "leeds-hr-one-bad-row.csv: Row 20, column E (Manager ID): No member of staff" in err.getvalue()
    assert snapshot() == before


def test_caseload_sample_with_one_bad_row_dry_run_names_it_and_apply_changes_nothing(leeds: Organisation) -> None:
    data = sample("leeds-caseload-one-bad-row.csv")
    plan = plan_caseload(leeds, data, today=TODAY).plan
    assert [(e.row, e.column) for e in plan.errors] == [(8, "E (Last seen date)")]
    assert "'31/02/2026' is not a real date" in plan.errors[0].message
    before = snapshot()
    with pytest.raises(ImportRefused):
        caseload_import_apply(organisation=leeds, data=data, by=None, today=TODAY)
    assert snapshot() == before


def test_the_clean_samples_apply_once_and_then_change_nothing(leeds: Organisation) -> None:
    hr_plan = plan_hr(leeds, sample("leeds-hr.csv"), today=TODAY).plan
    assert hr_plan.errors == []
    counts = hr_plan.counts()
    assert (counts["create"], counts["leave"]) == (2, 1)
    assert "Team Edge of care team will be created, in service Children's social work" in hr_plan.notes
    hr_import_apply(organisation=leeds, data=sample("leeds-hr.csv"), by=None, today=TODAY)
    grace = Person.objects.get(organisation=leeds, staff_id="LEEDS-2002")
    assert (grace.team.name, grace.line_manager.staff_id, grace.started) == (  # type: ignore[union-attr]
        "Edge of care team",
        "LEEDS-1002",
        date(2026, 10, 5),
    )
    assert Person.objects.get(organisation=leeds, staff_id="LEEDS-1008").left == date(2026, 10, 31)
    assert Person.objects.get(organisation=leeds, staff_id="LEEDS-1006").started == date(2026, 4, 13)

    case_plan = caseload_import_apply(organisation=leeds, data=sample("leeds-caseload.csv"), by=None, today=TODAY)
    assert case_plan.counts()["create"] == 12
    child = Child.objects.get(organisation=leeds, case_id="LCS-900101")
    assert (child.worker.staff_id, child.status, child.last_seen, child.plan_review) == (
        "LEEDS-1003",
        "cp",
        date(2026, 11, 12),
        date(2026, 12, 9),
    )
    assert child.key_dates == {"Core group date": "2026-12-01", "Next visit due": "2026-11-26"}

    before = snapshot()
    assert hr_import_apply(organisation=leeds, data=sample("leeds-hr.csv"), by=None, today=TODAY).changes == []
    assert (
        caseload_import_apply(organisation=leeds, data=sample("leeds-caseload.csv"), by=None, today=TODAY).changes == []
    )
    assert snapshot() == before
