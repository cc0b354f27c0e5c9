"""The pre-supervision pack (issue 5; Leeds 4.7, Buckinghamshire Preparation, Bristol App. 2),
walked by the personas. Theo supervises Sally; Maria is the service manager above Theo; Omar
manages another team; Asha is Sally's colleague. Time is frozen on Tuesday 10 March 2026.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from oversight.audit.models import AuditEvent
from oversight.cases.models import CaseReview, Child
from oversight.compliance.store import refresh_organisation
from oversight.people.models import Absence, Person
from oversight.preparation import views as preparation_views
from oversight.records.models import Record
from oversight.records.services import action_add, record_agree, record_save_draft, record_share
from oversight.sessions.models import Session
from oversight.sessions.services import session_hold, session_schedule
from oversight.supervision.models import Relationship
from oversight.supervision.services import agreement_create, agreement_sign, relationship_start

from .personas import Cast, give_sign_ins, make_cast

pytestmark = pytest.mark.django_db

LONDON = ZoneInfo("Europe/London")
NOW = datetime(2026, 3, 10, 10, 30, tzinfo=LONDON)
TODAY = NOW.date()


@pytest.fixture(autouse=True)
def frozen() -> Iterator[None]:
    with time_machine.travel(NOW, tick=False):
        yield


def with_users(cast: Cast, *extra: Person) -> Cast:
    give_sign_ins(cast, *extra, prefix=f"{cast.org.slug}-")
    return cast


def client_for(person: Person) -> Client:
    client = Client()
    client.force_login(person.user)
    return client


def held(supervisor: Person, supervisee: Person, day: date, kind: str = "personal") -> Session:
    session = session_schedule(
        organisation=supervisor.organisation,
        by=supervisor,
        kind=kind,
        supervisor=supervisor,
        supervisee=supervisee,
        date=day,
    )
    return session_hold(session=session, by=supervisor, today=max(day, TODAY))


def shared_record(
    session: Session,
    content: dict[str, str],
    *,
    agreed: bool = True,
    actions: tuple[tuple[str, Person, date], ...] = (),
) -> Record:
    record = Record.objects.get(session=session)
    record = record_save_draft(record=record, by=session.supervisor, content=content, expected_version=record.version)
    for text, owner, due in actions:
        action_add(record=record, by=session.supervisor, text=text, owner=owner, due=due)
    record_share(record=record, by=session.supervisor, on=session.date + timedelta(days=1))
    if agreed:
        record_agree(record=record, by=session.supervisee, on=session.date + timedelta(days=2))
    return Record.objects.get(pk=record.pk)


@pytest.fixture
def leeds() -> dict[str, Any]:
    """Sally's supervision under Leeds: two children, a shared record with decisions and an
    open action, a signed agreement, an absence and planned leave, a session booked."""
    cast = with_users(make_cast())
    org = cast.org
    relationship = relationship_start(
        organisation=org, by=cast.maria, supervisor=cast.theo, supervisee=cast.sally, start=date(2024, 1, 8)
    )
    agreement = agreement_create(relationship=relationship, by=cast.theo, content={"parties": "AGREEMENT-TEXT"})
    agreement_sign(agreement=agreement, by=cast.theo, at=NOW - timedelta(days=60))
    agreement_sign(agreement=agreement, by=cast.sally, at=NOW - timedelta(days=59))
    cp = Child.objects.create(
        organisation=org,
        case_id="LCS-104233",
        status="cp",
        worker=cast.sally,
        allocated=date(2025, 6, 2),
        last_seen=date(2026, 3, 2),
        plan_review=date(2026, 4, 1),
        key_dates={"core_group": "2026-03-20", "initial_conference": "2025-06-20"},
    )
    eh = Child.objects.create(
        organisation=org, case_id="EHM-77", status="early_help", worker=cast.sally, allocated=date(2026, 2, 2)
    )
    CaseReview.objects.create(child=eh, by=cast.theo, date=date(2026, 2, 17), direction="DIRECTION-TEXT")
    session = held(cast.theo, cast.sally, date(2026, 2, 10))
    record = shared_record(
        session,
        {
            "decisions": "Sally leads the next core group; caseload capped at 18.",
            "wellbeing": "WELLBEING-TEXT",
            "actions": "Book the court skills course.",
        },
        actions=(
            ("Book the court skills course", cast.sally, date(2026, 3, 31)),
            ("Ask HR about cover", cast.theo, date(2026, 3, 1)),
        ),
    )
    Absence.objects.create(person=cast.sally, start=date(2026, 3, 9), end=date(2026, 3, 11), planned=False)
    Absence.objects.create(person=cast.sally, start=date(2026, 4, 6), end=date(2026, 4, 10), planned=True)
    planned = session_schedule(
        organisation=org,
        by=cast.theo,
        kind="personal",
        supervisor=cast.theo,
        supervisee=cast.sally,
        date=date(2026, 3, 17),
    )
    refresh_organisation(org, TODAY)
    return {"cast": cast, "cp": cp, "eh": eh, "planned": planned, "record": record, "relationship": relationship}


def pack_of(viewer: Person, subject: Person, query: str = "") -> str:
    response = client_for(viewer).get(f"/people/{subject.pk}/preparation/{query}")
    assert response.status_code == 200, response.status_code
    return response.content.decode()


# --- what the pack holds -------------------------------------------------------------------------


def test_the_supervisor_reads_the_whole_pack(leeds: dict[str, Any]) -> None:
    cast = leeds["cast"]
    body = pack_of(cast.theo, cast.sally)
    # The session it is for: the next one booked.
    assert "Personal / professional (1:1) on Tuesday 17 March 2026 with Theo Team" in body
    # Children with status, last seen and key dates.
    assert "LCS-104233" in body and "EHM-77" in body
    assert "Child protection" in body and "Early help" in body
    assert "2 Mar 2026" in body  # last seen
    assert "Plan review 1 Apr 2026" in body
    assert "Core group 20 Mar 2026" in body and "Initial conference 20 Jun 2025" in body
    assert "not recorded" in body  # EHM-77 has no last-seen date
    # Due for case review by the session plus two weeks: the CP child (overdue since
    # 2 Sep 2025, Leeds 4.4 every 3 months from allocation), not the early-help child
    # reviewed on 17 Feb 2026.
    due_part = body.split("Due for case review by 31 March 2026")[1].split("Open actions")[0]
    assert "LCS-104233" in due_part and "overdue" in due_part and "2 Sep 2025" in due_part
    assert "EHM-77" not in due_part
    # Case directions' text never shows; only that one is not yet on the child's record.
    assert "DIRECTION-TEXT" not in body
    assert "a direction is not yet on the child's record" in body
    # Open actions, with who and by when; the late one is flagged.
    actions = body.split("Open actions")[1].split("The last record")[0]
    assert "Book the court skills course" in actions and "Sally Social" in actions and "31 Mar 2026" in actions
    assert "Ask HR about cover" in actions and "Theo Team" in actions and "overdue" in actions
    # The last record's decisions, not its other sections.
    assert "Sally leads the next core group; caseload capped at 18." in body
    assert "Decisions and the reasons for them" in body
    assert "WELLBEING-TEXT" not in body
    # The agreement: signed by both, when its review is due; never its content.
    assert "Signed by both on 10 Jan 2026" in body
    assert "AGREEMENT-TEXT" not in body
    assert "Review" in body and "10 Jan 2027" in body  # Leeds 4.3: annually
    # Leave and absence.
    assert "Absent now: unplanned absence since 9 Mar 2026 until 11 Mar 2026" in body
    assert "Planned leave from 6 Apr 2026 to 10 Apr 2026" in body
    # What supervision is due, from the obligation store: monthly 1:1 from 10 Feb.
    owed = body.split("What supervision is due")[1].split("Children allocated")[0]
    assert "Personal supervision" in owed and "10 Mar 2026" in owed
    assert "Nothing to show yet" not in body


def test_the_pack_reads_the_obligation_store(leeds: dict[str, Any]) -> None:
    """A stale upcoming row past its due date reads as overdue (ObligationQuerySet.overdue_on)."""
    from oversight.compliance.models import Obligation

    cast = leeds["cast"]
    row = Obligation.objects.get(key=f"supervision:personal:p{cast.sally.pk}")
    Obligation.objects.filter(pk=row.pk).update(due=date(2026, 3, 1), status="upcoming")
    owed = pack_of(cast.theo, cast.sally).split("What supervision is due")[1].split("Children allocated")[0]
    assert "Personal supervision" in owed and "1 Mar 2026" in owed and "overdue" in owed


def test_the_supervisee_and_the_line_manager_read_it_too(leeds: dict[str, Any]) -> None:
    cast = leeds["cast"]
    for reader in (cast.sally, cast.maria):
        body = pack_of(reader, cast.sally)
        assert "LCS-104233" in body and "Sally leads the next core group" in body, reader


@pytest.mark.parametrize("who", ["omar", "asha"])
def test_outsiders_get_404(leeds: dict[str, Any], who: str) -> None:
    cast = leeds["cast"]
    outsider = getattr(cast, who)
    for url in (f"/people/{cast.sally.pk}/preparation/", f"/people/{cast.sally.pk}/preparation.pdf"):
        assert client_for(outsider).get(url).status_code == 404, (who, url)
    assert client_for(cast.theo).get("/people/999999/preparation/").status_code == 404


def test_the_anonymous_visitor_is_sent_to_sign_in(leeds: dict[str, Any]) -> None:
    response = Client().get(f"/people/{leeds['cast'].sally.pk}/preparation/")
    assert response.status_code == 302 and response["Location"].startswith("/sign-in/")


def test_a_previous_supervisor_loses_the_pack(leeds: dict[str, Any]) -> None:
    from oversight.supervision.services import relationship_end

    cast = leeds["cast"]
    relationship_end(relationship=leeds["relationship"], by=cast.maria, end=TODAY - timedelta(days=1))
    assert client_for(cast.theo).get(f"/people/{cast.sally.pk}/preparation/").status_code == 404


def test_reads_and_exports_are_audited(leeds: dict[str, Any]) -> None:
    cast = leeds["cast"]
    pack_of(cast.maria, cast.sally)
    client_for(cast.theo).get(f"/people/{cast.sally.pk}/preparation.pdf")
    view = AuditEvent.objects.get(action="preparation.view")
    assert view.actor_id == cast.maria.pk and view.acting_as == "line management"
    assert view.object_id == str(cast.sally.pk) and view.organisation_id == cast.org.pk
    export = AuditEvent.objects.get(action="preparation.export")
    assert export.actor_id == cast.theo.pk and export.acting_as == "supervisor"
    assert export.detail["session"] == leeds["planned"].pk and export.detail["children"] == 2


# --- the PDF -------------------------------------------------------------------------------------


def test_the_pdf_is_made_from_html_holding_the_child_ids(leeds: dict[str, Any], monkeypatch: Any) -> None:
    cast = leeds["cast"]
    made_from: list[str] = []
    real = preparation_views.html_to_pdf

    def capture(html: str) -> bytes:
        made_from.append(html)
        return real(html)

    monkeypatch.setattr(preparation_views, "html_to_pdf", capture)
    response = client_for(cast.sally).get(f"/people/{cast.sally.pk}/preparation.pdf")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    assert f'filename="pre-supervision-S1-{TODAY:%Y-%m-%d}.pdf"' in response["Content-Disposition"]
    (html,) = made_from
    assert "LCS-104233" in html and "EHM-77" in html
    assert "Sally leads the next core group" in html and "Book the court skills course" in html
    assert "<style" not in html and "style=" not in html and "<script" not in html
    assert "DIRECTION-TEXT" not in html and "WELLBEING-TEXT" not in html


def test_the_screen_links_to_the_pdf_for_the_same_session(leeds: dict[str, Any]) -> None:
    cast = leeds["cast"]
    body = pack_of(cast.theo, cast.sally)
    assert f'href="/people/{cast.sally.pk}/preparation.pdf?session={leeds["planned"].pk}"' in body


# --- for a planned session -----------------------------------------------------------------------


def test_the_pack_for_a_given_planned_session(leeds: dict[str, Any]) -> None:
    cast = leeds["cast"]
    later = session_schedule(
        organisation=cast.org,
        by=cast.theo,
        kind="personal",
        supervisor=cast.theo,
        supervisee=cast.sally,
        date=date(2026, 4, 28),
    )
    body = pack_of(cast.theo, cast.sally, f"?session={later.pk}")
    assert "Tuesday 28 April 2026 with Theo Team" in body
    assert "Due for case review by 12 May 2026" in body
    assert "There is a problem" not in body


@pytest.mark.parametrize("given", ["abc", "999999", "own-session"])
def test_a_bad_session_names_the_field_and_still_shows_the_pack(leeds: dict[str, Any], given: str) -> None:
    cast = leeds["cast"]
    if given == "own-session":  # a session of someone else: the same answer as one that does not exist
        given = str(
            session_schedule(
                organisation=cast.org,
                by=cast.theo,
                kind="personal",
                supervisor=cast.theo,
                supervisee=cast.asha,
                date=date(2026, 3, 20),
            ).pk
        )
    body = pack_of(cast.theo, cast.sally, f"?session={given}")
    assert "There is a problem" in body and "session: there is no planned session" in body
    assert "LCS-104233" in body and "Tuesday 17 March 2026" in body  # the next one booked instead


def test_links_from_the_session_page_and_the_supervision_file(leeds: dict[str, Any]) -> None:
    cast = leeds["cast"]
    planned = leeds["planned"]
    session_page = client_for(cast.theo).get(f"/sessions/{planned.pk}/").content.decode()
    assert f'href="/people/{cast.sally.pk}/preparation/?session={planned.pk}"' in session_page
    file_page = client_for(cast.sally).get(f"/people/{cast.sally.pk}/").content.decode()
    assert f'href="/people/{cast.sally.pk}/preparation/"' in file_page


def test_the_pack_changes_nothing_but_the_audit_trail(leeds: dict[str, Any]) -> None:
    cast = leeds["cast"]
    assert client_for(cast.theo).post(f"/people/{cast.sally.pk}/preparation/").status_code == 405


def test_queries_do_not_grow_with_the_caseload(leeds: dict[str, Any]) -> None:
    cast = leeds["cast"]
    theo = client_for(cast.theo)
    url = f"/people/{cast.sally.pk}/preparation/"
    theo.get(url)
    with CaptureQueriesContext(connection) as before:
        theo.get(url)
    for n in range(5):
        child = Child.objects.create(
            organisation=cast.org, case_id=f"LCS-9{n}", status="cin", worker=cast.sally, allocated=date(2025, 9, 1)
        )
        CaseReview.objects.create(child=child, by=cast.theo, date=date(2026, 1, 5), direction="Visit.")
    refresh_organisation(cast.org, TODAY)
    with CaptureQueriesContext(connection) as after:
        body = theo.get(url).content.decode()
    assert "LCS-94" in body
    assert len(after) == len(before)


# --- a new starter -------------------------------------------------------------------------------


def test_a_new_starter_has_nothing_to_show_yet() -> None:
    cast = with_users(make_cast())
    newcomer = Person.objects.create(
        organisation=cast.org,
        staff_id="N1",
        name="Nia New",
        role="social_worker",
        team=cast.sally.team,
        line_manager=cast.theo,
        started=TODAY,
    )
    newcomer.user = get_user_model().objects.create_user(username="nia", password="x")
    newcomer.save()
    # Before anyone supervises her: only she reads her pack, and it is empty.
    refresh_organisation(cast.org, TODAY)
    body = pack_of(newcomer, newcomer)
    assert "Nothing to show yet" in body
    assert "No current supervisor recorded." in body
    assert client_for(cast.theo).get(f"/people/{newcomer.pk}/preparation/").status_code == 404
    # Theo starts supervising her today: still nothing to prepare from, but the first
    # agreement and supervision are owed from the start, and the pack says so.
    relationship_start(organisation=cast.org, by=cast.maria, supervisor=cast.theo, supervisee=newcomer, start=TODAY)
    refresh_organisation(cast.org, TODAY)
    body = pack_of(cast.theo, newcomer)
    assert "Nothing to show yet" in body
    assert "Personal supervision" in body and "Supervision agreement" in body
    assert "no agreement" in body
    assert "No record has been shared yet" not in body  # the empty sections are not repeated
    pdf = client_for(cast.theo).get(f"/people/{newcomer.pk}/preparation.pdf")
    assert pdf.content.startswith(b"%PDF")


# --- Lambeth: confidential sections and a case-only supervisor -----------------------------------


@pytest.fixture
def lambeth() -> dict[str, Any]:
    """Theo supervises Sally (all kinds); Cara, an advanced practitioner, her case work only
    (Lambeth 3.6). Theo's last record has a confidential check-in (Lambeth App. A)."""
    cast = make_cast("lambeth-2021", "lambeth-prep")
    cara = Person.objects.create(
        organisation=cast.org,
        staff_id="C1",
        name="Cara Case",
        role="advanced_practitioner",
        team=cast.sally.team,
        line_manager=cast.theo,
        started=date(2015, 1, 5),
    )
    with_users(cast, cara)
    relationship_start(
        organisation=cast.org, by=cast.maria, supervisor=cast.theo, supervisee=cast.sally, start=date(2024, 1, 8)
    )
    cara_rel = relationship_start(
        organisation=cast.org,
        by=cast.maria,
        supervisor=cara,
        supervisee=cast.sally,
        start=date(2024, 1, 8),
        kinds=["case"],
    )
    agreement_create(relationship=cara_rel, by=cara, content={"parties": "CARA-AGREEMENT"})
    child = Child.objects.create(
        organisation=cast.org, case_id="MOS-1234", status="cp", worker=cast.sally, allocated=date(2025, 6, 2)
    )
    personal = held(cast.theo, cast.sally, date(2026, 2, 10))
    shared_record(
        personal,
        {
            "check_in": "CONFIDENTIAL-CHECK-IN",
            "health_wellbeing": "WELLBEING-TEXT",
            "actions": "PERSONAL-DECISION: a reduced caseload for a month.",
        },
        actions=(("PERSONAL-ACTION", cast.sally, date(2026, 3, 31)),),
    )
    # Case supervision keeps no personal record in Lambeth: its decision is a case direction.
    case_session = held(cara, cast.sally, date(2026, 2, 17), kind="case")
    CaseReview.objects.create(
        child=child, session=case_session, by=cara, date=date(2026, 2, 17), direction="CASE-DIRECTION-TEXT"
    )
    refresh_organisation(cast.org, TODAY)
    return {"cast": cast, "cara": cara, "child": child}


def test_confidential_sections_are_never_in_the_pack(lambeth: dict[str, Any], monkeypatch: Any) -> None:
    cast = lambeth["cast"]
    made_from: list[str] = []
    real = preparation_views.html_to_pdf
    monkeypatch.setattr(preparation_views, "html_to_pdf", lambda html: made_from.append(html) or real(html))
    # Theo led the session and may read its check-in on the record's page; not in the pack.
    record_page = (
        client_for(cast.theo).get(f"/records/{Record.objects.get(session__supervisor=cast.theo).pk}/").content.decode()
    )
    assert "CONFIDENTIAL-CHECK-IN" in record_page
    for reader in (cast.theo, cast.sally, cast.maria):
        body = pack_of(reader, cast.sally, "?session=")
        assert "CONFIDENTIAL-CHECK-IN" not in body and "WELLBEING-TEXT" not in body, reader
        client_for(reader).get(f"/people/{cast.sally.pk}/preparation.pdf")
    assert len(made_from) == 3
    assert all("CONFIDENTIAL-CHECK-IN" not in html and "MOS-1234" in html for html in made_from)


def test_the_case_only_supervisor_gets_the_pack_cut_to_case_work(lambeth: dict[str, Any]) -> None:
    cast, cara = lambeth["cast"], lambeth["cara"]
    body = pack_of(cara, cast.sally)
    assert "case supervision only: the kinds you supervise" in body
    assert "MOS-1234" in body  # the children: her kind
    assert "last 17 Feb 2026; a direction is not yet on the child's record" in body
    assert "CASE-DIRECTION-TEXT" not in body
    assert "No record has been shared yet" in body  # none of the personal ones are hers to read
    # Nothing of the personal supervision she has no part in.
    for marker in ("PERSONAL-DECISION", "PERSONAL-ACTION", "WELLBEING-TEXT", "CONFIDENTIAL-CHECK-IN"):
        assert marker not in body, marker
    assert "With Cara Case (case)" in body and "With Theo Team" not in body
    assert "CARA-AGREEMENT" not in body and "waiting for the supervisor and supervisee" in body
    owed = body.split("What supervision is due")[1].split("Children allocated")[0]
    assert "Personal supervision" not in owed
    # Theo, supervising every kind, reads the personal record's decisions instead.
    theo = pack_of(cast.theo, cast.sally)
    assert "PERSONAL-DECISION" in theo and "PERSONAL-ACTION" in theo and "With Theo Team" in theo


def test_a_personal_only_supervisor_sees_no_children() -> None:
    cast = with_users(make_cast())
    relationship_start(
        organisation=cast.org,
        by=cast.maria,
        supervisor=cast.theo,
        supervisee=cast.sally,
        start=date(2024, 1, 8),
        kinds=["personal"],
    )
    Child.objects.create(
        organisation=cast.org, case_id="LCS-55", status="cin", worker=cast.sally, allocated=date(2025, 6, 2)
    )
    refresh_organisation(cast.org, TODAY)
    body = pack_of(cast.theo, cast.sally)
    assert "LCS-55" not in body and "Children allocated" not in body
    assert "LCS-55" in pack_of(cast.sally, cast.sally)
    assert Relationship.objects.filter(supervisee=cast.sally).count() == 1
