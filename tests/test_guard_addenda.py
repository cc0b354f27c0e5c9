"""The child-data guard checks an addendum as it is written: a text naming a child's identifying
information is not saved; the record's page shows the form again with the text kept, the field
named and each finding in its sentence, and a box to add it as it is (audited as share's and
finalise's acknowledgements are). The record's page points the supervisor, and only them, to the
check while an addendum holds a finding nobody dismissed, on a final record too. The API has no
endpoint that adds an addendum (tests/test_api.py walks its routes), so there is nothing there to
keep in step."""

from __future__ import annotations

import json
import re
from datetime import date
from typing import Any

import pytest
from django.db import DatabaseError
from django.test import Client
from django.urls import reverse
from django.utils.html import escape

from oversight.audit.models import AuditEvent
from oversight.cases.models import Child
from oversight.errors import ServiceError
from oversight.guard.selectors import check_record, unresolved_in_addenda
from oversight.guard.services import finding_dismiss
from oversight.records.models import Addendum, Record
from oversight.records.services import record_add_addendum, record_agree, record_finalise, record_share
from oversight.supervision.services import relationship_start

from .personas import Cast, make_cast
from .test_guard import DAY, client_for, draft

pytestmark = pytest.mark.django_db

# A caseload ID in none of the case systems' formats: found because it is on Sally's caseload.
CASELOAD_ID = "BX-77120"
NAMING = f"Missed from the record: the review for {CASELOAD_ID} is late. Sally will chase it."
CLEAN = "Read 'cap' as 'review' in the wellbeing section."


@pytest.fixture
def cast() -> Cast:
    cast = make_cast()
    relationship_start(
        organisation=cast.org, by=cast.maria, supervisor=cast.theo, supervisee=cast.sally, start=date(2024, 1, 8)
    )
    Child.objects.create(organisation=cast.org, case_id=CASELOAD_ID, status="cin", worker=cast.sally, allocated=DAY)
    return cast


def final(cast: Cast) -> Record:
    record = record_share(record=draft(cast, "Sally is well."), by=cast.theo, on=DAY)
    record_agree(record=record, by=cast.sally, on=DAY)
    return record_finalise(record=record, by=cast.theo)


def add(client: Client, record: Record, text: str, reason: str = "Correction", **extra: str) -> Any:
    return client.post(f"/records/{record.pk}/", {"step": "addendum", "reason": reason, "text": text, **extra})


def checked_on(page: str) -> str:
    match = re.search(r'name="checked" value="([0-9a-f]+)"', page)
    assert match is not None, "the refused form carries the text it checked"
    return match.group(1)


# --- the service ---------------------------------------------------------------------------------


def test_the_service_refuses_an_addendum_naming_a_caseload_id_and_saves_nothing(cast: Cast) -> None:
    record = final(cast)
    with pytest.raises(ServiceError) as refused:
        record_add_addendum(record=record, by=cast.sally, reason="Correction", text=NAMING)
    assert refused.value.field == "child_data"
    assert "This addendum may hold children's information (1 finding: case-system id)" in refused.value.message
    assert CASELOAD_ID not in refused.value.message  # the refusal names the kind, never the text
    assert Addendum.objects.count() == 0
    assert not AuditEvent.objects.filter(action__in=("record.addendum", "guard.acknowledge")).exists()


def test_acknowledged_it_is_saved_and_the_acknowledgement_audited_with_it(cast: Cast) -> None:
    record = final(cast)
    addendum = record_add_addendum(
        record=record, by=cast.sally, reason="Correction", text=NAMING, acknowledge_findings=True
    )
    assert addendum.text == NAMING and addendum.author == cast.sally
    acknowledged = AuditEvent.objects.get(action="guard.acknowledge")
    assert acknowledged.detail == {"doing": "added to", "findings": 1, "kinds": ["CASE_ID"], "places": ["addendum"]}
    assert acknowledged.actor_id == cast.sally.pk and CASELOAD_ID not in json.dumps(acknowledged.detail)
    added = AuditEvent.objects.get(action="record.addendum")
    assert added.detail == {"addendum": addendum.pk}
    # what was let through stays on the check, to be dismissed with a reason
    [found] = check_record(record).unresolved
    assert (found.place, found.object_pk, found.match) == ("addendum", addendum.pk, CASELOAD_ID)


def test_the_acknowledgement_is_written_in_the_addendums_own_transaction(
    cast: Cast, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An addendum that fails to save leaves no acknowledgement behind."""
    record = final(cast)

    def fails(**kwargs: Any) -> Addendum:
        raise DatabaseError("the disk is full")

    monkeypatch.setattr(Addendum.objects, "create", fails)
    with pytest.raises(DatabaseError):
        record_add_addendum(record=record, by=cast.sally, reason="Correction", text=NAMING, acknowledge_findings=True)
    assert not AuditEvent.objects.filter(action="guard.acknowledge").exists()


def test_a_clean_addendum_is_saved_at_once_and_nothing_is_acknowledged(cast: Cast) -> None:
    record = final(cast)
    addendum = record_add_addendum(record=record, by=cast.theo, reason="Typo", text=CLEAN)
    assert Addendum.objects.get() == addendum
    assert not AuditEvent.objects.filter(action="guard.acknowledge").exists()


def test_a_finding_the_councils_rules_only_note_does_not_hold_an_addendum_back() -> None:
    """Bristol keeps case IDs as notes to check (as on share and finalise): the addendum is saved."""
    cast = make_cast("bristol-2020", "bristol-addenda")
    relationship_start(
        organisation=cast.org, by=cast.maria, supervisor=cast.theo, supervisee=cast.sally, start=date(2024, 1, 8)
    )
    Child.objects.create(organisation=cast.org, case_id=CASELOAD_ID, status="cin", worker=cast.sally, allocated=DAY)
    from oversight.sessions.services import session_hold, session_schedule

    session = session_schedule(
        organisation=cast.org, by=cast.theo, kind="personal", supervisor=cast.theo, supervisee=cast.sally, date=DAY
    )
    session_hold(session=session, by=cast.theo, today=DAY)
    record = record_share(record=Record.objects.get(session=session), by=cast.theo, on=DAY)
    record = record_finalise(record=record_agree(record=record, by=cast.sally, on=DAY), by=cast.theo)
    addendum = record_add_addendum(record=record, by=cast.theo, reason="Note", text=NAMING)
    assert addendum.pk is not None and not AuditEvent.objects.filter(action="guard.acknowledge").exists()
    assert unresolved_in_addenda(record) == []


# --- the record's page ---------------------------------------------------------------------------


def test_the_page_refuses_it_keeps_the_text_and_shows_the_finding_in_its_sentence(cast: Cast) -> None:
    record = final(cast)
    sally = client_for(cast.sally)
    response = add(sally, record, NAMING, reason="Missed at the session")
    assert response.status_code == 200 and Addendum.objects.count() == 0
    page = response.content.decode()
    assert "<title>Error: " in page
    # the summary names the field, and each finding in its sentence, highlighted
    assert '<a href="#addendum-text">This addendum may hold children&#x27;s information (1 finding' in page
    assert (
        '<a href="#addendum-text">Case-system ID in the addendum: “Missed from the record: the review for '
        f"<mark>{CASELOAD_ID}</mark> is late.”</a>"
    ) in page
    assert 'id="addendum-text-error"' in page and 'id="addendum-findings"' in page
    # nothing lost: the text and the reason are in the form again
    assert f">{NAMING}</textarea>" in page and 'value="Missed at the session"' in page
    assert 'name="acknowledge" type="checkbox" value="yes"' in page
    assert "I have read the findings above and add the addendum as it is (this is recorded)" in page
    assert "Add addendum anyway" in page


def test_ticking_the_box_saves_it_and_audits_the_acknowledgement(cast: Cast) -> None:
    record = final(cast)
    sally = client_for(cast.sally)
    checked = checked_on(add(sally, record, NAMING).content.decode())
    # the box alone, without the text it was shown for, counts for nothing
    page = add(sally, record, NAMING, acknowledge="yes").content.decode()
    assert Addendum.objects.count() == 0 and 'href="#addendum-text"' in page
    response = add(sally, record, NAMING, acknowledge="yes", checked=checked)
    assert response.status_code == 302
    addendum = Addendum.objects.get()
    assert addendum.text == NAMING and addendum.author == cast.sally
    event = AuditEvent.objects.get(action="guard.acknowledge")
    assert event.actor_id == cast.sally.pk and event.detail["doing"] == "added to"
    assert AuditEvent.objects.get(action="record.addendum").detail == {"addendum": addendum.pk}


def test_a_text_changed_after_the_findings_were_shown_is_checked_again(cast: Cast) -> None:
    record = final(cast)
    theo = client_for(cast.theo)
    checked = checked_on(add(theo, record, "The review for LCS204913 is late.").content.decode())
    response = add(theo, record, NAMING, acknowledge="yes", checked=checked)
    page = response.content.decode()
    assert response.status_code == 200 and Addendum.objects.count() == 0
    assert f"<mark>{CASELOAD_ID}</mark>" in page and "LCS204913" not in page
    assert not AuditEvent.objects.filter(action="guard.acknowledge").exists()


def test_a_clean_addendum_is_added_at_once_on_the_page(cast: Cast) -> None:
    record = final(cast)
    response = add(client_for(cast.theo), record, CLEAN)
    assert response.status_code == 302 and Addendum.objects.get().text == CLEAN


def test_a_missing_reason_is_named_and_the_text_kept(cast: Cast) -> None:
    record = final(cast)
    page = add(client_for(cast.theo), record, CLEAN, reason=" ").content.decode()
    assert '<a href="#addendum-reason">Give the reason for the addendum</a>' in page
    assert 'id="addendum-reason-error"' in page and f">{escape(CLEAN)}</textarea>" in page
    assert Addendum.objects.count() == 0


# --- the link to the check -----------------------------------------------------------------------


def test_the_page_links_to_the_check_while_an_addendum_holds_a_finding(cast: Cast) -> None:
    record = final(cast)
    record_add_addendum(record=record, by=cast.sally, reason="Correction", text=NAMING, acknowledge_findings=True)
    check_url = reverse("guard:check", args=[record.pk])
    theo = client_for(cast.theo)
    page = theo.get(f"/records/{record.pk}/").content.decode()
    assert record.status == "final" and f'href="{check_url}"' in page
    assert "Check the addenda for children's information</a>: 1 finding not yet dismissed." in page
    assert theo.get(check_url).status_code == 200
    # the supervisee reads the record but may not open the check: no link to a 404
    sally = client_for(cast.sally)
    page = sally.get(f"/records/{record.pk}/").content.decode()
    assert "Addenda" in page and check_url not in page
    assert sally.get(check_url).status_code == 404
    # outsiders still get 404, on the record and on the check
    omar = client_for(cast.omar)
    assert omar.get(f"/records/{record.pk}/").status_code == 404 and omar.get(check_url).status_code == 404
    # dismissed with a reason, nothing is left to point to
    [found] = check_record(record).unresolved
    finding_dismiss(
        record=record, by=cast.theo, finding_id=found.id, expected_version=record.version, reason="On the child's file"
    )
    assert check_url not in theo.get(f"/records/{record.pk}/").content.decode()


def test_no_link_for_clean_addenda(cast: Cast) -> None:
    record = final(cast)
    record_add_addendum(record=record, by=cast.theo, reason="Typo", text=CLEAN)
    page = client_for(cast.theo).get(f"/records/{record.pk}/").content.decode()
    assert CLEAN.split()[0] in page and reverse("guard:check", args=[record.pk]) not in page


def test_the_api_has_no_addendum_endpoint() -> None:
    """Were one added, it would have to refuse with 400 on ``child_data`` and take an
    ``acknowledge_findings`` flag as share and finalise do: this test says to write that test."""
    from oversight.api.urls import urlpatterns

    routes = [str(p.pattern) for p in urlpatterns]
    assert any(route.startswith("^records/") for route in routes)  # the records' routes are read here
    assert not [route for route in routes if "addend" in route]
