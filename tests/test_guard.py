"""The child-data guard (issue 9) in the application: names imported as keyed hashes only, the
check of a record, moving a finding to a case direction, dismissing one with a reason, and the
refusal to share or finalise while findings are unresolved (with the audited acknowledgement)."""

from __future__ import annotations

import json
from datetime import date

import pytest
from django.test import Client

from oversight.audit.models import AuditEvent
from oversight.cases.models import CaseReview, Child
from oversight.errors import ServiceError
from oversight.guard.models import ChildNameKey, DismissedFinding
from oversight.guard.selectors import check_record
from oversight.guard.services import finding_dismiss, finding_move
from oversight.imports.models import ImportUpload
from oversight.imports.services import caseload_import_apply, upload_store
from oversight.people.models import Person
from oversight.records.models import Record
from oversight.records.services import record_agree, record_finalise, record_save_draft, record_share
from oversight.sessions.services import session_hold, session_schedule
from oversight.supervision.services import relationship_start

from .personas import Cast, make_cast

pytestmark = pytest.mark.django_db

DAY = date(2026, 2, 13)
CSV = (
    b"Child ID,Allocated worker ID,Status,Allocated date,First name,Surname\n"
    b"LCS204913,S1,CP,2025-06-02,Jayden,Clarke\n"
    b"LCS388120,S1,CIN,2025-06-02,Poppy,Hargreaves\n"
)


@pytest.fixture
def cast() -> Cast:
    cast = make_cast()
    relationship_start(
        organisation=cast.org, by=cast.maria, supervisor=cast.theo, supervisee=cast.sally, start=date(2024, 1, 8)
    )
    return cast


def draft(cast: Cast, text: str, section: str = "wellbeing") -> Record:
    session = session_schedule(
        organisation=cast.org, by=cast.theo, kind="personal", supervisor=cast.theo, supervisee=cast.sally, date=DAY
    )
    session_hold(session=session, by=cast.theo, today=DAY)
    record = Record.objects.get(session=session)
    return record_save_draft(record=record, by=cast.theo, content={section: text}, expected_version=record.version)


def with_names(cast: Cast) -> None:
    caseload_import_apply(organisation=cast.org, data=CSV, by=cast.maria, today=DAY)


def test_the_import_keeps_names_as_keyed_hashes_only(cast: Cast) -> None:
    plan = caseload_import_apply(organisation=cast.org, data=CSV, by=cast.maria, today=DAY)
    assert plan.counts()["create"] == 2
    jayden = Child.objects.get(case_id="LCS204913")
    assert ChildNameKey.objects.filter(child=jayden).count() == 3  # jayden, clarke, "jayden clarke"
    shown = json.dumps([[c.before, c.after] for row in plan.rows for c in row.changes])
    stored = json.dumps(list(AuditEvent.objects.values_list("detail", "object_label")), default=str)
    for name in ("Jayden", "jayden", "Clarke", "Poppy"):
        assert name not in shown and name not in stored
    # Again, the same file: nothing changes; without the name columns: names are left as they are.
    again = caseload_import_apply(organisation=cast.org, data=CSV, by=cast.maria, today=DAY)
    assert again.counts()["unchanged"] == 2
    plain = b"Child ID,Allocated worker ID,Status,Allocated date\nLCS204913,S1,CP,2025-06-02\n"
    caseload_import_apply(organisation=cast.org, data=plain, by=cast.maria, today=DAY)
    assert ChildNameKey.objects.filter(child=jayden).count() == 3


def test_an_uploaded_caseload_file_is_kept_without_its_names(cast: Cast) -> None:
    upload = upload_store(
        organisation=cast.org, by=cast.maria, kind=ImportUpload.Kind.CASELOAD, filename="c.csv", data=CSV
    )
    kept = bytes(upload.content).decode()
    assert "Jayden" not in kept and "Clarke" not in kept and "Name keys" in kept
    assert "LCS204913" in kept


def test_the_check_finds_ids_and_names_in_place(cast: Cast) -> None:
    with_names(cast)
    record = draft(cast, "Reflected on workload. Talked about Jayden Clarke (LCS204913) and the court. Sally is well.")
    check = check_record(record)
    assert check.names_checked
    kinds = [(f.finding.kind, f.match, f.finding.child) for f in check.findings]
    assert kinds == [("CHILD_NAME", "Jayden Clarke", "LCS204913"), ("CASE_ID", "LCS204913", "LCS204913")]
    first = check.findings[0]
    assert first.sentence == "Talked about Jayden Clarke (LCS204913) and the court."
    assert first.section_title and first.unresolved


def test_without_imported_names_the_check_says_names_are_not_checked(cast: Cast) -> None:
    record = draft(cast, "Talked about Jayden today.")
    check = check_record(record)
    assert not check.names_checked and check.findings == []


def test_share_is_refused_while_findings_are_unresolved_and_names_the_problem(cast: Cast) -> None:
    with_names(cast)
    record = draft(cast, "Poppy Hargreaves was seen at school.")
    with pytest.raises(ServiceError) as refused:
        record_share(record=record, by=cast.theo, on=DAY)
    assert refused.value.field == "child_data"
    assert (
        "name of a child on the caseload" in refused.value.message
        and f"/records/{record.pk}/check/" in refused.value.message
    )
    assert Record.objects.get(pk=record.pk).status == "draft"
    shared = record_share(record=record, by=cast.theo, on=DAY, acknowledge_findings=True)
    assert shared.status == "shared"
    event = AuditEvent.objects.get(action="guard.acknowledge")
    assert event.detail["findings"] == 1 and "Poppy" not in json.dumps(event.detail)


def test_move_makes_a_case_direction_and_takes_the_sentence_out(cast: Cast) -> None:
    with_names(cast)
    record = draft(cast, "Sally is well. Jayden (LCS204913) needs a CAMHS referral. Leave booked.")
    found = check_record(record).findings[0]
    review = finding_move(record=record, by=cast.theo, finding_id=found.id, expected_version=record.version)
    assert review.child.case_id == "LCS204913" and review.direction == "Jayden (LCS204913) needs a CAMHS referral."
    assert review.session_id == record.session_id and review.date == DAY
    record.refresh_from_db()
    assert record.content["wellbeing"] == "Sally is well. Leave booked."
    assert check_record(record).findings == []
    assert AuditEvent.objects.filter(action="guard.move").count() == 1
    assert AuditEvent.objects.filter(action="case_review.record").count() == 1
    assert record_share(record=record, by=cast.theo, on=DAY).status == "shared"


def test_moving_out_of_an_agreed_record_is_said_on_the_record_for_the_supervisee(cast: Cast) -> None:
    record = draft(cast, "Sally is well. LCS204913 needs a CAMHS referral.")
    record = record_share(record=record, by=cast.theo, on=DAY, acknowledge_findings=True)
    record = record_agree(record=record, by=cast.sally, on=DAY)
    Child.objects.create(
        organisation=cast.org, case_id="LCS204913", status="cp", worker=cast.sally, allocated=date(2025, 6, 2)
    )
    found = check_record(record).findings[0]
    finding_move(record=record, by=cast.theo, finding_id=found.id, expected_version=record.version)
    record.refresh_from_db()
    assert record.status == "agreed" and record.content["wellbeing"] == "Sally is well."
    addendum = record.addenda.get()
    assert addendum.author == cast.theo and "moved to the child's record" in addendum.reason
    assert "LCS204913" not in addendum.text and "after it was agreed" in addendum.text
    assert AuditEvent.objects.get(action="guard.move").detail["addendum"] == addendum.pk
    # a draft's sentence moves with no addendum: the supervisee has not seen it yet
    assert Record.objects.filter(addenda__isnull=False).count() == 1


def test_move_of_a_finding_not_tied_to_a_child_asks_which_child(cast: Cast) -> None:
    with_names(cast)
    record = draft(cast, "The family moved to LS6 2AB last week.")
    found = check_record(record).findings[0]
    with pytest.raises(ServiceError) as refused:
        finding_move(record=record, by=cast.theo, finding_id=found.id, expected_version=record.version)
    assert refused.value.field == "child"
    other = Child.objects.create(organisation=cast.org, case_id="LCS999", status="cin", worker=cast.asha, allocated=DAY)
    with pytest.raises(ServiceError, match="caseload"):
        finding_move(record=record, by=cast.theo, finding_id=found.id, expected_version=record.version, child=other)
    poppy = Child.objects.get(case_id="LCS388120")
    review = finding_move(
        record=record, by=cast.theo, finding_id=found.id, expected_version=record.version, child=poppy
    )
    assert review.child == poppy and CaseReview.objects.count() == 1


def test_a_stale_page_or_another_person_cannot_move(cast: Cast) -> None:
    with_names(cast)
    record = draft(cast, "Jayden was seen.")
    found = check_record(record).findings[0]
    with pytest.raises(ServiceError, match="changed since"):
        finding_move(record=record, by=cast.theo, finding_id=found.id, expected_version=record.version - 1)
    with pytest.raises(ServiceError, match="Only the supervisor"):
        finding_move(record=record, by=cast.maria, finding_id=found.id, expected_version=record.version)
    assert CaseReview.objects.count() == 0


def test_dismiss_needs_a_reason_is_audited_and_stops_the_refusal(cast: Cast) -> None:
    record = draft(cast, "Training at 100 Temple Street, BS1 6AG moved to the family's street LS6 2AB.")
    found = check_record(record).findings[0]
    with pytest.raises(ServiceError) as refused:
        finding_dismiss(record=record, by=cast.theo, finding_id=found.id, expected_version=record.version, reason=" ")
    assert refused.value.field == "reason"
    finding_dismiss(
        record=record,
        by=cast.theo,
        finding_id=found.id,
        expected_version=record.version,
        reason="The office's postcode",
    )
    dismissal = DismissedFinding.objects.get()
    assert dismissal.reason == "The office's postcode" and "LS6" not in dismissal.match_digest
    assert check_record(record).unresolved == []
    assert AuditEvent.objects.filter(action="guard.dismiss").count() == 1
    assert record_share(record=record, by=cast.theo, on=DAY).status == "shared"


def test_finalise_is_refused_too(cast: Cast) -> None:
    record = draft(cast, "Sally is well.")
    record_share(record=record, by=cast.theo, on=DAY)
    record_agree(record=record, by=cast.sally, on=DAY)
    Record.objects.filter(pk=record.pk).update(content={"wellbeing": "Baby DOB 01/02/2025 discussed."})
    with pytest.raises(ServiceError, match="Before it is finalised"):
        record_finalise(record=record, by=cast.theo)
    assert record_finalise(record=record, by=cast.theo, acknowledge_findings=True).status == "final"


def test_bristol_keeps_case_ids_as_notes_that_do_not_hold_the_record_back() -> None:
    cast = make_cast("bristol-2020", "bristol-guard")
    Child.objects.create(organisation=cast.org, case_id="LCS204913", status="cp", worker=cast.sally, allocated=DAY)
    session = session_schedule(
        organisation=cast.org, by=cast.theo, kind="personal", supervisor=cast.theo, supervisee=cast.sally, date=DAY
    )
    session_hold(session=session, by=cast.theo, today=DAY)
    record = Record.objects.get(session=session)
    template = cast.org.pack.template(record.template_id)
    assert template is not None
    section = next(s.id for s in template.sections if not s.signature)
    record = record_save_draft(
        record=record,
        by=cast.theo,
        content={section: "Children discussed: LCS204913."},
        expected_version=record.version,
    )
    check = check_record(record)
    assert [f.finding.kind for f in check.findings] == ["CASE_ID"] and check.unresolved == []
    assert record_share(record=record, by=cast.theo, on=DAY).status == "shared"


# --- the page ------------------------------------------------------------------------------------


def client_for(person: Person) -> Client:
    from django.contrib.auth import get_user_model

    user = get_user_model().objects.create_user(username=f"u-{person.staff_id}", password="x")
    person.user = user
    person.save(update_fields=["user"])
    client = Client()
    client.force_login(user)
    return client


def test_the_page_shows_findings_in_place_and_moves_in_one_click(cast: Cast) -> None:
    with_names(cast)
    record = draft(cast, "Sally is well. Jayden needs a referral.")
    theo = client_for(cast.theo)
    page = theo.get(f"/records/{record.pk}/check/").content.decode()
    assert "<mark>Jayden</mark> needs a referral." in page
    found = check_record(record).findings[0]
    response = theo.post(
        f"/records/{record.pk}/check/", {"step": "move", "finding": found.id, "version": record.version, "index": 1}
    )
    assert response.status_code == 302
    record.refresh_from_db()
    assert "Jayden" not in record.content["wellbeing"]
    page = theo.get(f"/records/{record.pk}/check/").content.decode()
    assert "Nothing found" in page


def test_the_page_names_the_field_and_keeps_what_was_typed(cast: Cast) -> None:
    record = draft(cast, "The family moved to LS6 2AB.")
    theo = client_for(cast.theo)
    found = check_record(record).findings[0]
    page = theo.post(
        f"/records/{record.pk}/check/",
        {"step": "move", "finding": found.id, "version": record.version, "index": 1},
    ).content.decode()
    assert 'href="#child-1"' in page and "Choose the child this is about" in page
    page = theo.post(
        f"/records/{record.pk}/check/",
        {"step": "dismiss", "finding": found.id, "version": record.version, "index": 1, "reason": ""},
    ).content.decode()
    assert 'href="#reason-1"' in page
    page = theo.post(f"/records/{record.pk}/check/", {"step": "share", "version": record.version}).content.decode()
    assert 'href="#acknowledge"' in page and Record.objects.get(pk=record.pk).status == "draft"
    theo.post(f"/records/{record.pk}/check/", {"step": "share", "acknowledge": "yes"})
    assert Record.objects.get(pk=record.pk).status == "shared"


def test_names_not_imported_are_said_on_the_page(cast: Cast) -> None:
    record = draft(cast, "Sally is well.")
    page = client_for(cast.theo).get(f"/records/{record.pk}/check/").content.decode()
    assert "Names are not checked" in page


def test_outsiders_and_the_supervisee_get_404(cast: Cast) -> None:
    record = draft(cast, "Sally is well.")
    for person in (cast.sally, cast.omar, cast.maria):
        assert client_for(person).get(f"/records/{record.pk}/check/").status_code == 404


def test_the_demo_seed_makes_the_guard_fire(cast: Cast) -> None:
    """oversight.guard.demo on the cast (load_demo itself is walked by tests/test_demo.py)."""
    from django.contrib.auth import get_user_model

    from oversight.guard.demo import seed_demo

    cast.theo.user = get_user_model().objects.create_user(username=f"{cast.org.slug}.tm1", password="x")
    cast.theo.save(update_fields=["user"])
    for case_id in ("LCS111111", "LCS222222"):
        Child.objects.create(organisation=cast.org, case_id=case_id, status="cin", worker=cast.sally, allocated=DAY)
    draft(cast, "Sally is well.")
    record = seed_demo(cast.org, DAY)
    assert record is not None and "Jayden" in json.dumps(record.content)
    unresolved = check_record(record).unresolved
    assert {"CHILD_NAME", "CASE_ID"} <= {f.finding.kind for f in unresolved}
    in_action = [f for f in unresolved if f.place == "action"]
    assert [(f.section_title, f.match) for f in in_action] == [("Action 1", "Poppy's")]
    assert ChildNameKey.objects.filter(child__case_id="LCS111111").count() == 3


def test_the_api_refuses_a_share_with_findings_unless_acknowledged(cast: Cast) -> None:
    from django.contrib.auth import get_user_model

    from oversight.api.services import api_token_create

    cast.theo.user = get_user_model().objects.create_user(username="theo-api", password="x")
    cast.theo.save()
    _, key = api_token_create(user=cast.theo.user, name="test", scopes=["read", "write"], days=30)
    record = draft(cast, "LCS204913 needs a CAMHS referral.")
    url, auth = f"/api/records/{record.pk}/share/", {"Authorization": f"Token {key}"}
    refused = Client().post(url, {}, content_type="application/json", headers=auth)
    assert refused.status_code == 400 and f"/records/{record.pk}/check/" in refused.json()["child_data"][0]
    wrong = Client().post(url, {"acknowledge_findings": "perhaps"}, content_type="application/json", headers=auth)
    assert wrong.status_code == 400 and "acknowledge_findings" in wrong.json()
    shared = Client().post(url, {"acknowledge_findings": True}, content_type="application/json", headers=auth)
    assert shared.status_code == 200 and shared.json()["status"] == "shared"
    assert AuditEvent.objects.filter(action="guard.acknowledge").count() == 1
