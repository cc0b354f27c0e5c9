"""The child-data guard reads a record's actions and addenda as well as its sections: a finding in
an action's text holds the record back as a section's does, is shown in its sentence under
"Action n", and can be moved to a case direction (taken out of the action, audited) or dismissed;
a finding in an addendum is shown under "Addendum of <day>", holds an agreed record back from
being finalised, can be dismissed (on a final record too) but never moved: what was agreed is not
changed."""

from __future__ import annotations

import json
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.test import Client

from oversight.audit.models import AuditEvent
from oversight.cases.models import CaseReview, Child
from oversight.errors import ServiceError
from oversight.guard.models import DismissedFinding
from oversight.guard.selectors import check_record
from oversight.guard.services import ACTION_MOVED, finding_dismiss, finding_move
from oversight.records.models import Action, Addendum, Record
from oversight.records.services import (
    action_add,
    record_add_addendum,
    record_agree,
    record_finalise,
    record_share,
)
from oversight.supervision.services import relationship_start

from .personas import Cast, make_cast
from .test_guard import DAY, client_for, draft, with_names

pytestmark = pytest.mark.django_db

LONDON = ZoneInfo("Europe/London")


@pytest.fixture
def cast() -> Cast:
    cast = make_cast()
    relationship_start(
        organisation=cast.org, by=cast.maria, supervisor=cast.theo, supervisee=cast.sally, start=date(2024, 1, 8)
    )
    return cast


def with_actions(cast: Cast, *texts: str, works_when: str = "") -> Record:
    """A draft with a clean section and the actions given, due one after another."""
    record = draft(cast, "Sally is well and her caseload is manageable.")
    for n, text in enumerate(texts):
        action_add(
            record=record,
            by=cast.theo,
            text=text,
            owner=cast.sally,
            due=date(2026, 3, 1 + n),
            works_when=works_when if n == len(texts) - 1 else "",
        )
    return Record.objects.get(pk=record.pk)


def agreed(cast: Cast, record: Record) -> Record:
    record = record_share(record=record, by=cast.theo, on=DAY, acknowledge_findings=True)
    return record_agree(record=record, by=cast.sally, on=DAY)


# --- actions ---------------------------------------------------------------------------------------


def test_a_finding_in_an_action_blocks_share_and_dismissing_it_unblocks(cast: Cast) -> None:
    with_names(cast)
    record = with_actions(cast, "Book annual leave before April.", "Sally to chase the school about Poppy Hargreaves.")
    check = check_record(record)
    [found] = check.findings
    assert (found.place, found.section_title, found.match) == ("action", "Action 2", "Poppy Hargreaves")
    assert found.sentence == "Sally to chase the school about Poppy Hargreaves." and found.unresolved
    with pytest.raises(ServiceError) as refused:
        record_share(record=record, by=cast.theo, on=DAY)
    assert refused.value.field == "child_data" and "in Action 2" in refused.value.message
    assert Record.objects.get(pk=record.pk).status == "draft"
    finding_dismiss(
        record=record, by=cast.theo, finding_id=found.id, expected_version=record.version, reason="A colleague"
    )
    dismissal = DismissedFinding.objects.get()
    assert dismissal.section == f"action:{found.object_pk}" and "Poppy" not in dismissal.match_digest
    assert AuditEvent.objects.get(action="guard.dismiss").detail["place"] == "action"
    assert check_record(record).unresolved == []
    assert record_share(record=record, by=cast.theo, on=DAY).status == "shared"


def test_a_dismissal_in_one_place_does_not_dismiss_the_same_text_elsewhere(cast: Cast) -> None:
    record = draft(cast, "Training at the family's flat, LS6 2AB.")
    action_add(record=record, by=cast.theo, text="Visit the flat at LS6 2AB.", owner=cast.sally, due=DAY)
    record = Record.objects.get(pk=record.pk)
    in_section, in_action = check_record(record).findings
    assert (in_section.place, in_action.place) == ("section", "action") and in_section.match == in_action.match
    finding_dismiss(
        record=record, by=cast.theo, finding_id=in_section.id, expected_version=record.version, reason="Venue"
    )
    assert [f.id for f in check_record(record).unresolved] == [in_action.id]
    with pytest.raises(ServiceError, match="Before it is shared"):
        record_share(record=record, by=cast.theo, on=DAY)


def test_works_when_is_read_too(cast: Cast) -> None:
    record = with_actions(cast, "Reflect on the case.", works_when="the baby (DOB 01/02/2025) is settled")
    [found] = check_record(record).findings
    assert found.finding.kind == "DATE_OF_BIRTH" and found.field == "works_when"
    assert found.section_title == "Action 1 (I will know this works when)"


def test_move_takes_the_sentence_out_of_the_action_in_one_audited_transaction(cast: Cast) -> None:
    with_names(cast)
    record = with_actions(cast, "Reflect on workload. Refer Jayden (LCS204913) to CAMHS. Bring notes.")
    found = check_record(record).findings[0]
    review = finding_move(record=record, by=cast.theo, finding_id=found.id, expected_version=record.version)
    assert review.child.case_id == "LCS204913" and review.direction == "Refer Jayden (LCS204913) to CAMHS."
    action = Action.objects.get(record=record)
    assert action.text == "Reflect on workload. Bring notes."
    record.refresh_from_db()
    assert record.version == 3  # saved once as a draft, then once by the move
    event = AuditEvent.objects.get(action="guard.move")
    assert event.detail["place"] == "action" and event.detail["case_review"] == review.pk
    assert "Jayden" not in json.dumps(event.detail)
    assert check_record(record).findings == []
    assert record_share(record=record, by=cast.theo, on=DAY).status == "shared"


def test_an_action_that_was_all_one_sentence_says_it_was_moved(cast: Cast) -> None:
    record = with_actions(cast, "Visit LCS204913 at home.")
    Child.objects.create(
        organisation=cast.org, case_id="LCS204913", status="cp", worker=cast.sally, allocated=date(2025, 6, 2)
    )
    found = check_record(record).findings[0]
    finding_move(record=record, by=cast.theo, finding_id=found.id, expected_version=record.version)
    action = Action.objects.get(record=record)
    assert action.text == ACTION_MOVED and action.done_on is None  # still on the agenda until marked done


def test_a_move_is_refused_when_the_page_is_stale(cast: Cast) -> None:
    record = with_actions(cast, "Visit LCS204913 at home.")
    found = check_record(record).findings[0]
    with pytest.raises(ServiceError, match="changed since"):
        finding_move(record=record, by=cast.theo, finding_id=found.id, expected_version=record.version - 1)
    assert CaseReview.objects.count() == 0 and Action.objects.get().text == "Visit LCS204913 at home."


def test_moving_out_of_an_agreed_records_action_is_said_in_an_addendum(cast: Cast) -> None:
    record = agreed(cast, with_actions(cast, "Tidy diary.", "Chase the LCS204913 referral. Book leave."))
    Child.objects.create(
        organisation=cast.org, case_id="LCS204913", status="cp", worker=cast.sally, allocated=date(2025, 6, 2)
    )
    found = check_record(record).findings[0]
    finding_move(record=record, by=cast.theo, finding_id=found.id, expected_version=record.version)
    addendum = record.addenda.get()
    assert "in action 2 was taken out" in addendum.text and "LCS204913" not in addendum.text
    assert check_record(record).findings == []  # the guard's own addendum names no child
    assert record_finalise(record=record, by=cast.theo).status == "final"


def test_the_page_shows_an_action_finding_in_its_sentence_and_moves_it(cast: Cast) -> None:
    with_names(cast)
    record = with_actions(cast, "Tidy diary.", "Ask Jayden's school for the report.")
    theo = client_for(cast.theo)
    page = theo.get(f"/records/{record.pk}/check/").content.decode()
    assert "Action 2</h2>" in page and "Ask <mark>Jayden&#x27;s</mark> school for the report." in page
    found = check_record(record).findings[0]
    response = theo.post(
        f"/records/{record.pk}/check/", {"step": "move", "finding": found.id, "version": record.version, "index": 1}
    )
    assert response.status_code == 302
    assert Action.objects.get(record=record, text=ACTION_MOVED).pk == found.object_pk
    assert "Nothing found" in theo.get(f"/records/{record.pk}/check/").content.decode()


def test_outsiders_still_get_404_on_a_record_with_action_findings(cast: Cast) -> None:
    record = with_actions(cast, "Visit LCS204913 at home.")
    for person in (cast.sally, cast.omar, cast.maria):
        assert client_for(person).get(f"/records/{record.pk}/check/").status_code == 404


def test_the_api_share_reports_action_findings_in_the_same_shape(cast: Cast) -> None:
    from django.contrib.auth import get_user_model

    from oversight.api.services import api_token_create

    cast.theo.user = get_user_model().objects.create_user(username="theo-api", password="x")
    cast.theo.save()
    _, key = api_token_create(user=cast.theo.user, name="test", scopes=["read", "write"], days=30)
    record = with_actions(cast, "Visit LCS204913 at home.")
    url, auth = f"/api/records/{record.pk}/share/", {"Authorization": f"Token {key}"}
    refused = Client().post(url, {}, content_type="application/json", headers=auth)
    assert refused.status_code == 400 and list(refused.json()) == ["child_data"]
    [message] = refused.json()["child_data"]
    assert "1 finding: case-system id; in Action 1" in message and f"/records/{record.pk}/check/" in message
    shared = Client().post(url, {"acknowledge_findings": True}, content_type="application/json", headers=auth)
    assert shared.status_code == 200 and shared.json()["status"] == "shared"
    assert AuditEvent.objects.get(action="guard.acknowledge").detail["places"] == ["action"]


# --- addenda ---------------------------------------------------------------------------------------


def test_a_finding_in_an_addendum_of_an_agreed_record_blocks_finalise_and_cannot_be_moved(cast: Cast) -> None:
    record = agreed(cast, draft(cast, "Sally is well."))
    with time_machine.travel(datetime(2026, 3, 3, 10, 0, tzinfo=LONDON), tick=False):
        # no page adds an addendum to an agreed record but the guard (after a move): planted here
        Addendum.objects.create(record=record, author=cast.theo, reason="Note", text="The family now lives at LS6 2AB.")
    [found] = check_record(record).findings
    assert (found.place, found.section_title, found.movable) == ("addendum", "Addendum of 3 March 2026", False)
    with pytest.raises(ServiceError) as refused:
        record_finalise(record=record, by=cast.theo)
    assert (
        "in Addendum of 3 March 2026" in refused.value.message and "addendum cannot be moved" in refused.value.message
    )
    with pytest.raises(ServiceError, match="Dismiss the finding with a reason instead"):
        finding_move(record=record, by=cast.theo, finding_id=found.id, expected_version=record.version)
    assert CaseReview.objects.count() == 0
    assert record_finalise(record=record, by=cast.theo, acknowledge_findings=True).status == "final"
    assert AuditEvent.objects.get(action="guard.acknowledge").detail["places"] == ["addendum"]


def test_an_addendum_to_a_final_record_is_shown_and_can_be_dismissed_on_the_page(cast: Cast) -> None:
    record = agreed(cast, draft(cast, "Sally is well."))
    record = record_finalise(record=record, by=cast.theo)
    with time_machine.travel(datetime(2026, 3, 3, 10, 0, tzinfo=LONDON), tick=False):
        record_add_addendum(
            record=record,
            by=cast.sally,
            reason="Correction",
            text="Missed: the review of LCS204913.",
            acknowledge_findings=True,
        )
    with time_machine.travel(datetime(2026, 3, 3, 15, 30, tzinfo=LONDON), tick=False):
        record_add_addendum(
            record=record,
            by=cast.theo,
            reason="Correction",
            text="Sally's NHS 943 476 5919 is hers.",
            acknowledge_findings=True,
        )
    first, second = check_record(record).findings
    assert (first.section_title, second.section_title) == (
        "Addendum of 3 March 2026, 10:00",
        "Addendum of 3 March 2026, 15:30",
    )
    theo = client_for(cast.theo)
    page = theo.get(f"/records/{record.pk}/check/").content.decode()
    assert "Missed: the review of <mark>LCS204913</mark>." in page
    assert "2 findings in an addendum added after the record was finalised" in page
    assert "“Move to a case direction” is not offered here" in page
    assert 'value="move"' not in page and 'value="dismiss"' in page and 'value="finalise"' not in page
    # a reason is needed; the field is named and what was typed is kept
    page = theo.post(
        f"/records/{record.pk}/check/",
        {"step": "dismiss", "finding": second.id, "version": record.version, "index": 2, "reason": " "},
    ).content.decode()
    assert 'href="#reason-2"' in page
    response = theo.post(
        f"/records/{record.pk}/check/",
        {"step": "dismiss", "finding": second.id, "version": record.version, "index": 2, "reason": "Staff's own"},
    )
    assert response.status_code == 302
    dismissal = DismissedFinding.objects.get()
    assert dismissal.section == second.section and dismissal.reason == "Staff's own"
    assert [f.id for f in check_record(record).unresolved] == [first.id]
    # a move is refused for an addendum, however it is asked for
    page = theo.post(
        f"/records/{record.pk}/check/", {"step": "move", "finding": first.id, "version": record.version, "index": 1}
    ).content.decode()
    assert "Dismiss the finding with a reason instead" in page and CaseReview.objects.count() == 0
    record.refresh_from_db()
    assert record.status == "final" and Addendum.objects.filter(text__contains="LCS204913").count() == 1


def test_a_final_records_own_text_still_cannot_be_dismissed_in(cast: Cast) -> None:
    record = draft(cast, "Sally is well. LCS204913 was discussed.")
    record = agreed(cast, record)
    record = record_finalise(record=record, by=cast.theo, acknowledge_findings=True)
    found = check_record(record).findings[0]
    with pytest.raises(ServiceError, match="final: nothing can be dismissed"):
        finding_dismiss(record=record, by=cast.theo, finding_id=found.id, expected_version=record.version, reason="x")
    with pytest.raises(ServiceError, match="final: nothing can be moved"):
        finding_move(record=record, by=cast.theo, finding_id=found.id, expected_version=record.version)
    assert DismissedFinding.objects.count() == 0 and CaseReview.objects.count() == 0


def test_only_the_supervisor_dismisses_in_an_addendum(cast: Cast) -> None:
    record = record_finalise(record=agreed(cast, draft(cast, "Sally is well.")), by=cast.theo)
    record_add_addendum(
        record=record, by=cast.sally, reason="Correction", text="LCS204913 was discussed.", acknowledge_findings=True
    )
    found = check_record(record).findings[0]
    with pytest.raises(ServiceError, match="Only the supervisor"):
        finding_dismiss(record=record, by=cast.sally, finding_id=found.id, expected_version=record.version, reason="x")
    for person in (cast.sally, cast.omar, cast.maria):
        assert client_for(person).get(f"/records/{record.pk}/check/").status_code == 404
