"""Subject access: `oversight sar PERSON --out DIR` and HR's page write everything held about a
member of staff as JSON, HTML and PDF; children's data and third-party information redacted by
default, each redaction with its ground (Buckinghamshire's list); the statutory deadline."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta
from io import StringIO
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.test import Client
from django.utils import timezone
from hypothesis import given
from hypothesis import strategies as st

from oversight.audit.models import AuditEvent
from oversight.cases.models import Child
from oversight.cases.services import case_review_record
from oversight.demo import load_demo
from oversight.people.models import Absence, AsyeReview, HoursWorked, Person
from oversight.policy.clocks import add_months, is_working_day
from oversight.retention.models import SubjectAccessRequest
from oversight.retention.selectors import sar_deadline
from oversight.retention.subject_access import CHILD_MARK, GROUNDS, STAFF_MARK, build_bundle

from .personas import Cast, make_cast
from .test_retention import give_file

# --- the deadline -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("received", "deadline"),
    [
        # 28 Feb 2026 (no 31st) is a Saturday: Monday 2 March
        (date(2026, 1, 31), date(2026, 3, 2)),
        # 25 Dec 2026 is a Friday (Christmas), 26-27 the weekend, Monday 28 the substitute Boxing Day
        (date(2026, 11, 25), date(2026, 12, 29)),
        # 3 Apr 2026 is Good Friday, then the weekend and Easter Monday 6 April
        (date(2026, 3, 3), date(2026, 4, 7)),
        # 3 May 2026 is a Sunday, and Monday 4 May the early May bank holiday
        (date(2026, 4, 3), date(2026, 5, 5)),
        # 31 Aug 2026 is the summer bank holiday (the last Monday of August)
        (date(2026, 7, 31), date(2026, 9, 1)),
        # an ordinary Wednesday stays
        (date(2026, 3, 15), date(2026, 4, 15)),
        # clamped to the month's last day, a working day: 30 April 2026 is a Thursday
        (date(2026, 3, 31), date(2026, 4, 30)),
        # a leap year: 29 Feb 2024 exists and is a Thursday
        (date(2024, 1, 30), date(2024, 2, 29)),
        # 28 Mar 2026 is a Saturday
        (date(2026, 2, 28), date(2026, 3, 30)),
    ],
)
def test_the_deadline_is_a_calendar_month_then_the_next_working_day(received: date, deadline: date) -> None:
    assert sar_deadline(received) == deadline


@given(st.dates(min_value=date(2020, 1, 1), max_value=date(2035, 12, 31)))
def test_the_deadline_is_the_first_working_day_on_or_after_a_month(received: date) -> None:
    month = add_months(received, 1)
    deadline = sar_deadline(received)
    assert is_working_day(deadline) and deadline >= month
    assert all(not is_working_day(month + timedelta(days=n)) for n in range((deadline - month).days))


# --- the bundle ---------------------------------------------------------------------------------

SECTIONS = {
    "request",
    "organisation",
    "person",
    "sign_in_account",
    "relationships",
    "agreements",
    "signatures_on_other_agreements",
    "sessions",
    "more",
    "group_sessions",
    "sessions_led",
    "actions_in_other_records",
    "absences",
    "hours_worked",
    "asye_reviews",
    "caseload",
    "case_reviews",
    "legal_holds",
    "subject_access_requests",
    "audit_events",
    "redaction_grounds",
    "redactions",
    "redaction_summary",
    "review_before_sending",
}


@pytest.fixture(autouse=True)
def frozen_today(request: pytest.FixtureRequest):  # type: ignore[no-untyped-def]
    """The clock at 25 November 2026 (moving): "today" for received dates and the demo."""
    import time_machine

    with time_machine.travel(datetime(2026, 11, 25, 10, 0, tzinfo=UTC)):
        yield


@pytest.fixture
def cast() -> Cast:
    """Sally's file with Theo: a record naming a child and a colleague, her caseload, a case
    review by Theo, an absence and some hours; Asha's ASYE review."""
    cast = make_cast()
    Person.objects.filter(pk=cast.sally.pk).update(started=date(2014, 1, 6))
    cast.sally.refresh_from_db()
    session = give_file(cast, cast.theo, cast.sally, date(2025, 1, 6), text="Talked about LCS123456 with Omar Other.")
    child = Child.objects.create(
        organisation=cast.org, case_id="LCS123456", status="cp", worker=cast.sally, allocated=date(2025, 1, 6)
    )
    case_review_record(child=child, by=cast.theo, on=session.date, direction="Visit the family weekly.")
    Absence.objects.create(person=cast.sally, start=date(2025, 5, 1), end=date(2025, 5, 5))
    HoursWorked.objects.create(person=cast.sally, date=date(2025, 5, 8), hours=7)
    AsyeReview.objects.create(person=cast.asha, date=date(2026, 4, 6))
    return cast


def sar(*args: str) -> str:
    out = StringIO()
    call_command("sar", *args, stdout=out)
    return out.getvalue()


@pytest.mark.django_db
def test_the_bundle_holds_every_section_and_is_redacted_by_default(cast: Cast, tmp_path: Path) -> None:
    output = sar("S1", "--out", str(tmp_path), "--received", "2026-01-31")
    assert "respond by 2026-03-02 (Monday)" in output
    files = sorted(p.name for p in tmp_path.iterdir())
    assert files == ["subject-access-S1.html", "subject-access-S1.json", "subject-access-S1.pdf"]
    text = (tmp_path / "subject-access-S1.json").read_text(encoding="utf-8")
    data = json.loads(text)
    assert set(data) == SECTIONS
    assert data["person"]["name"] == "Sally Social" and data["person"]["staff_id"] == "S1"
    assert data["request"] == {
        **data["request"],
        "received_on": "2026-01-31",
        "deadline": "2026-03-02",
        "redacted": True,
    }
    assert len(data["relationships"]) == 1 and len(data["agreements"]) == 1
    assert len(data["agreements"][0]["signatures"]) == 2
    session = data["sessions"][0]
    assert session["record"]["sections"] and session["record"]["actions"][0]["text"] == "Update the chronology."
    assert data["absences"] == [{"start": "2025-05-01", "end": "2025-05-05", "planned": False}]
    assert data["hours_worked"] == [{"date": "2025-05-08", "hours": "7.00"}]
    assert {e["action"] for e in data["audit_events"]} >= {"relationship.start", "session.hold", "record.save"}
    # nobody else's name, no child's ID, no case direction
    for secret in ("Theo Team", "Omar Other", "LCS123456", "Visit the family weekly."):
        assert secret not in text, secret
    # the supervisor by role only
    assert session["supervisor"] == {"name": STAFF_MARK, "role": "Team manager", "is_subject": False}
    assert data["caseload"][0]["child"] == CHILD_MARK and data["caseload"][0]["status"] == "Child protection"
    section_text = next(s["text"] for s in session["record"]["sections"] if s["text"].startswith("Talked"))
    assert section_text == f"Talked about {CHILD_MARK} with {STAFF_MARK}."
    # each redaction listed with its ground, from Buckinghamshire's list
    grounds = {g for g, _ in GROUNDS}
    assert {g["ground"] for g in data["redaction_grounds"]["grounds"]} == grounds
    assert {"serious harm", "crime", "legal privilege", "adoption records", "third-party information"} == grounds
    assert data["redactions"] and all(r["ground"] in grounds for r in data["redactions"])
    paths = {r["path"]: r["what"] for r in data["redactions"]}
    assert paths["sessions[0].supervisor.name"] == "name of another member of staff"
    assert paths["caseload[0].child"] == "child's case-system ID"
    assert sum(x["count"] for x in data["redaction_summary"]) == len(data["redactions"])


@pytest.mark.django_db
def test_no_redact_keeps_children_and_third_parties(cast: Cast, tmp_path: Path) -> None:
    output = sar("S1", "--out", str(tmp_path), "--no-redact")
    assert "redactions: none (--no-redact)" in output
    data = json.loads((tmp_path / "subject-access-S1.json").read_text(encoding="utf-8"))
    assert data["redactions"] == [] and data["request"]["redacted"] is False
    text = json.dumps(data, ensure_ascii=False)
    assert "Theo Team" in text and "LCS123456" in text and "Omar Other" in text
    assert data["sessions"][0]["supervisor"]["name"] == "Theo Team"


@pytest.mark.django_db
def test_the_html_and_pdf_are_readable_and_fetch_nothing(cast: Cast) -> None:
    bundle = build_bundle(cast.sally)
    html = bundle.html
    assert "Information held about Sally Social" in html and STAFF_MARK in html and CHILD_MARK in html
    assert "Theo Team" not in html and "LCS123456" not in html
    for external in ("<link", "<script", "src=", "http://", "https://", "@import", "url("):
        assert external not in html, external
    assert "serious harm" in html and "third-party information" in html
    assert bundle.pdf.startswith(b"%PDF")


@pytest.mark.django_db
def test_the_request_is_recorded_with_its_deadline_and_audited(cast: Cast, tmp_path: Path) -> None:
    sar("S1", "--out", str(tmp_path), "--received", "2026-11-25", "--requested-by", "Her solicitor")
    request = SubjectAccessRequest.objects.get(person=cast.sally)
    assert (request.received_on, request.deadline) == (date(2026, 11, 25), date(2026, 12, 29))
    assert request.requested_by == "Her solicitor" and request.completed_at is None
    events = AuditEvent.objects.filter(object_type="retention.subjectaccessrequest", object_id=str(request.pk))
    assert list(events.values_list("action", flat=True)) == ["sar.start", "sar.export"]
    assert all("Sally" not in e.object_label for e in events)


@pytest.mark.django_db
def test_person_by_number_and_clashing_staff_ids(cast: Cast, tmp_path: Path) -> None:
    make_cast("buckinghamshire-2024", slug="bucks-test")  # staff IDs S1, T1 ... again
    with pytest.raises(CommandError, match="--organisation"):
        sar("S1", "--out", str(tmp_path))
    assert "for S1 (Test leeds-2023)" in sar("S1", "--organisation", "leeds-test", "--out", str(tmp_path))
    assert "for T1 (Test leeds-2023)" in sar(str(cast.theo.pk), "--out", str(tmp_path))
    with pytest.raises(CommandError, match="no member of staff"):
        sar("NOBODY", "--out", str(tmp_path))
    with pytest.raises(CommandError, match="--received"):
        sar("S1", "--organisation", "leeds-test", "--out", str(tmp_path), "--received", "2999-01-01")


# --- HR's page ----------------------------------------------------------------------------------


def _client(person: Person, *, staff: bool) -> Client:
    """Signed in as ``person``; with ``staff``, holding the HR capability that retention and subject access ask for."""
    from oversight.access.models import StaffCapability

    user = get_user_model().objects.create_user(username=f"u{person.pk}", password="x")
    Person.objects.filter(pk=person.pk).update(user=user)
    if staff:
        StaffCapability.objects.create(
            organisation_id=person.organisation_id,
            person=person,
            capability="hr",
            reason="HR officer (test)",
            created=timezone.now() - timedelta(days=1),
        )
    client = Client()
    client.force_login(user)
    return client


@pytest.mark.django_db
def test_hr_starts_a_request_downloads_the_bundle_and_records_the_answer(cast: Cast) -> None:
    hr = _client(cast.maria, staff=True)
    response = hr.post(
        "/subject-access/",
        {"person": cast.sally.pk, "received_on_0": "31", "received_on_1": "1", "received_on_2": "2026"},
    )
    request = SubjectAccessRequest.objects.get(person=cast.sally)
    assert response.status_code == 302 and response["Location"] == f"/subject-access/{request.pk}/"
    page = hr.get(response["Location"]).content.decode()
    assert "Monday 2 March 2026" in page and "Sally Social" in page
    pdf = hr.get(f"/subject-access/{request.pk}/bundle.pdf")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    assert pdf["Content-Disposition"] == 'attachment; filename="subject-access-S1.pdf"'
    data = json.loads(hr.get(f"/subject-access/{request.pk}/bundle.json").content)
    assert data["request"]["deadline"] == "2026-03-02" and data["redactions"]
    assert "Theo Team" not in hr.get(f"/subject-access/{request.pk}/bundle.html").content.decode()
    assert hr.get(f"/subject-access/{request.pk}/bundle.exe").status_code == 404
    assert hr.post(f"/subject-access/{request.pk}/").status_code == 302
    request.refresh_from_db()
    assert request.completed_at is not None
    listing = hr.get("/subject-access/").content.decode()
    assert "Answered" in listing
    exports = AuditEvent.objects.filter(action="sar.export", object_id=str(request.pk))
    assert sorted(e.detail["what"] for e in exports) == ["html", "json", "pdf"]


@pytest.mark.django_db
def test_a_request_cannot_be_received_in_the_future(cast: Cast) -> None:
    hr = _client(cast.maria, staff=True)
    body = hr.post(
        "/subject-access/",
        {"person": cast.sally.pk, "received_on_0": "1", "received_on_1": "1", "received_on_2": "2999"},
    ).content.decode()
    assert "must be today or in the past" in body
    assert not SubjectAccessRequest.objects.exists()


@pytest.mark.django_db
def test_others_get_404(cast: Cast, tmp_path: Path) -> None:
    sar("S1", "--out", str(tmp_path))
    request = SubjectAccessRequest.objects.get()
    not_hr = _client(cast.theo, staff=False)
    for url in ("/subject-access/", f"/subject-access/{request.pk}/", f"/subject-access/{request.pk}/bundle.json"):
        assert not_hr.get(url).status_code == 404
    other = make_cast("buckinghamshire-2024", slug="bucks-test")
    elsewhere = _client(other.maria, staff=True)
    assert elsewhere.get(f"/subject-access/{request.pk}/").status_code == 404
    assert elsewhere.get(f"/subject-access/{request.pk}/bundle.pdf").status_code == 404
    assert f"/subject-access/{request.pk}/" not in elsewhere.get("/subject-access/").content.decode()


# --- the demo -----------------------------------------------------------------------------------


@pytest.mark.django_db
def test_on_the_demo_a_leaver_is_listed_and_a_bundle_is_written(tmp_path: Path) -> None:
    """(How long the bundle takes is measured by bench/records.py, not here.)"""
    today = date(2026, 11, 20)
    load_demo(today=today, only=("leeds-2023",))
    leaver = Person.objects.get(staff_id="LEEDS-1013")  # a casual family support worker
    # 7 years ago, past Leeds's 6 (the demo's year of history stays as it is)
    Person.objects.filter(pk=leaver.pk).update(started=date(2012, 1, 9), left=date(2019, 11, 20))
    out = StringIO()
    call_command("retention", "--dry-run", "--today", today.isoformat(), stdout=out)
    output = out.getvalue()
    assert "LEEDS-1013  left 2019-11-20  due 2025-11-20  rule leeds.retention.supervision_file" in output
    # the demo's own two former workers: one to delete, one under legal hold
    assert "Past their period, to be deleted: 2" in output
    assert "under legal hold (not deleted): 1" in output
    to_delete, _, held = output.partition("under legal hold")
    assert "LEEDS-900" in to_delete and "LEEDS-901" in held and "LEEDS-901" not in to_delete

    result = sar("LEEDS-1003", "--out", str(tmp_path), "--received", today.isoformat())
    assert (tmp_path / "subject-access-LEEDS-1003.pdf").stat().st_size > 10_000
    assert "respond by 2026-12-21 (Monday)" in result  # 20 Dec 2026 is a Sunday


@pytest.mark.django_db
def test_the_list_of_requests_takes_the_same_queries_however_many_there_are(cast: Cast) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from oversight.retention.services import sar_start

    hr = _client(cast.maria, staff=True)

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert hr.get("/subject-access/").status_code == 200
        return len(captured)

    for person in (cast.sally, cast.asha):
        sar_start(person=person, by=cast.maria, received_on=date(2026, 11, 2), today=date(2026, 11, 25))
    few = queries()
    for person in (cast.sally, cast.asha, cast.theo, cast.omar):
        sar_start(person=person, by=cast.maria, received_on=date(2026, 11, 3), today=date(2026, 11, 25))
    assert queries() == few
