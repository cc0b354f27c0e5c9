"""4x4x4 coverage: the supervisor tags a record with the functions it served and the stages it
reached (records.services.record_tag_coverage), the record page shows the tags and what the
council's policy asks of the session, and the coverage page of each dashboard shows, person by
person and quarter by quarter, what was missed (Leeds 3.4, Blackpool 3, Bristol 4.1)."""

from __future__ import annotations

from datetime import date, time

import pytest
import time_machine
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from oversight.audit.models import AuditEvent
from oversight.errors import ServiceError
from oversight.people.models import Person
from oversight.records.models import Record
from oversight.records.services import record_agree, record_finalise, record_share, record_tag_coverage
from oversight.sessions.services import session_hold, session_schedule
from oversight.supervision.services import relationship_start

from .personas import Cast, give_sign_ins, make_cast

pytestmark = pytest.mark.django_db

TODAY = date(2026, 3, 10)


def _cast(pack: str = "leeds-2023", slug: str = "leeds-test") -> Cast:
    cast = make_cast(pack, slug)
    give_sign_ins(cast, prefix=f"{slug}-")
    for supervisee in (cast.sally, cast.asha):
        relationship_start(
            organisation=cast.org, by=cast.maria, supervisor=cast.theo, supervisee=supervisee, start=date(2024, 1, 8)
        )
    return cast


@pytest.fixture
def cast() -> Cast:
    return _cast()


def _record(cast: Cast, day: date, supervisee: Person | None = None, kind: str = "personal") -> Record:
    session = session_schedule(
        organisation=cast.org,
        by=cast.theo,
        kind=kind,
        supervisor=cast.theo,
        supervisee=supervisee or cast.sally,
        date=day,
        start_time=time(10),
    )
    session_hold(session=session, by=cast.theo, today=day)
    return Record.objects.get(session=session)


def _client(person: Person) -> Client:
    client = Client()
    client.force_login(person.user)
    return client


# --- the service -----------------------------------------------------------------------------


def test_the_supervisor_tags_until_the_record_is_final_and_each_change_is_audited(cast: Cast) -> None:
    record = _record(cast, date(2026, 2, 2))
    record = record_tag_coverage(
        record=record, by=cast.theo, functions=["support", "management"], stages=["planning", "experience"]
    )
    assert record.functions == ["management", "support"]  # the model's order
    assert record.stages == ["experience", "planning"]
    assert record.coverage_tagged_at is not None
    record = record_share(record=record, by=cast.theo, on=date(2026, 2, 3))
    record = record_agree(record=record, by=cast.sally, on=date(2026, 2, 4))
    # agreed: the tags are the supervisor's account, not the text agreed, so still open
    record = record_tag_coverage(record=record, by=cast.theo, functions=["support"], stages=[])
    event = AuditEvent.objects.filter(action="record.tag_coverage").order_by("-seq").first()
    assert event is not None and event.actor_id == cast.theo.pk
    assert event.detail["before"]["functions"] == ["management", "support"]
    assert event.detail["after"] == {"functions": ["support"], "stages": [], "areas": []}
    record = record_finalise(record=record, by=cast.theo)
    with pytest.raises(ServiceError, match="final"):
        record_tag_coverage(record=record, by=cast.theo, functions=["mediation"], stages=[])
    assert Record.objects.get(pk=record.pk).functions == ["support"]


def test_only_the_supervisor_tags_and_only_with_known_words(cast: Cast) -> None:
    record = _record(cast, date(2026, 2, 2))
    with pytest.raises(ServiceError, match="Only the supervisor"):
        record_tag_coverage(record=record, by=cast.sally, functions=["support"], stages=[])
    with pytest.raises(ServiceError) as refused:
        record_tag_coverage(record=record, by=cast.theo, functions=["gossip"], stages=[])
    assert refused.value.field == "functions"
    with pytest.raises(ServiceError) as refused:
        record_tag_coverage(record=record, by=cast.theo, functions=[], stages=[], areas=["wellbeing"])
    assert refused.value.field == "areas"  # Leeds names no areas of its own; Bristol does
    assert not AuditEvent.objects.filter(action="record.tag_coverage").exists()


# --- the record page -------------------------------------------------------------------------


def test_the_record_page_tags_and_shows_what_bristol_asks_of_each_session() -> None:
    cast = _cast("bristol-2020", "bristol-test")
    record = _record(cast, date(2026, 2, 2))
    theo = _client(cast.theo)
    page = theo.get(f"/records/{record.pk}/").content.decode()
    assert 'name="functions" type="checkbox" value="mediation"' in page
    assert 'name="areas" type="checkbox" value="childrens_plans"' in page
    assert "000_d53851039f9fa32d.txt 4.1" in page
    response = theo.post(
        f"/records/{record.pk}/",
        {"step": "coverage", "functions": ["support", "management"], "stages": ["reflection"], "areas": ["wellbeing"]},
    )
    assert response.status_code == 302
    record.refresh_from_db()
    assert (record.functions, record.stages, record.areas) == (["management", "support"], ["reflection"], ["wellbeing"])
    page = theo.get(f"/records/{record.pk}/").content.decode()
    assert "This session did not cover" in page
    assert "Management oversight on children&#x27;s plans" in page  # an area it missed, in Bristol's words
    assert "Development" in page
    # the supervisee reads the tags of the shared record and is not offered the form
    theo.post(f"/records/{record.pk}/", {"step": "share"})
    page = _client(cast.sally).get(f"/records/{record.pk}/").content.decode()
    assert 'name="functions"' not in page
    assert "Functions served" in page and "Management, Support" in page
    assert "Health and wellbeing of the supervisee" in page
    # the supervisee's post changes nothing; an outsider gets a 404
    response = _client(cast.sally).post(f"/records/{record.pk}/", {"step": "coverage", "functions": ["mediation"]})
    assert "That cannot be done" in response.content.decode()
    assert _client(cast.omar).post(f"/records/{record.pk}/", {"step": "coverage"}).status_code == 404
    assert Record.objects.get(pk=record.pk).functions == ["management", "support"]


def test_a_refused_tag_keeps_what_was_ticked_and_names_the_problem(cast: Cast) -> None:
    record = _record(cast, date(2026, 2, 2))
    response = _client(cast.theo).post(
        f"/records/{record.pk}/", {"step": "coverage", "functions": ["support", "gossip"], "stages": ["analysis"]}
    )
    page = response.content.decode()
    assert "there is no &#x27;gossip&#x27;" in page
    assert 'value="support" checked' in page and 'value="analysis" checked' in page


# --- the coverage page ---------------------------------------------------------------------------


def _history(cast: Cast) -> None:
    """Sally: four records, never mediation, never planning; one untagged. Asha: one, all four."""
    tags = [
        (date(2025, 11, 3), ["management", "support"], ["experience", "reflection"]),
        (date(2025, 12, 1), ["management", "development"], ["experience", "analysis"]),
        (date(2026, 1, 5), ["support"], ["reflection"]),
        (date(2026, 2, 2), None, None),
    ]
    for day, functions, stages in tags:
        record = _record(cast, day)
        if functions is not None:
            record_tag_coverage(record=record, by=cast.theo, functions=functions, stages=stages or [])
    asha = _record(cast, date(2026, 2, 9), supervisee=cast.asha)
    record_tag_coverage(
        record=asha,
        by=cast.theo,
        functions=["management", "development", "support", "mediation"],
        stages=["experience", "reflection", "analysis", "planning"],
    )


def test_the_supervisor_sees_what_each_supervisee_missed_and_the_rules_behind_it(cast: Cast) -> None:
    _history(cast)
    with time_machine.travel(TODAY, tick=False):
        theo = _client(cast.theo)
        index = theo.get("/dashboards/").content.decode()
        assert 'href="/dashboards/supervisor/coverage/"' in index
        with CaptureQueriesContext(connection) as queries:
            response = theo.get("/dashboards/supervisor/coverage/")
        assert response.status_code == 200
        report = response.context["report"]
        sally = next(p for p in report.people if p.person == cast.sally)
        asha = next(p for p in report.people if p.person == cast.asha)
        assert (len(sally.sessions), sally.tagged) == (4, 3)
        assert sally.not_served == ["Mediation"] and sally.not_reached == ["Plans and action"]
        assert asha.not_served == [] and asha.not_reached == []
        # Leeds 3.4, across the recent sessions; Leeds 4.11 (support) in each: Dec 2025 had none
        assert [r["rule"].id for r in sally.period] == ["leeds.coverage.model"]
        assert sally.short == 1
        page = response.content.decode()
        assert "001_8acf471507eacfb1.txt 3.4" in page and "001_8acf471507eacfb1.txt 4.11" in page
        assert f'href="/records/{sally.sessions[0].record_id}/"' in page  # the supervisor opens the records
        q1 = next(q for q in report.quarters if q.label == "2026 Q1")
        assert (q1.held, q1.tagged, q1.counts["mediation"], q1.counts["support"]) == (3, 2, 1, 2)
        assert len(queries) < 25  # a handful, whatever the number of records
        assert AuditEvent.objects.filter(action="dashboard.view", detail__figure="coverage").exists()


def test_the_window_and_who_may_look(cast: Cast) -> None:
    _history(cast)
    with time_machine.travel(TODAY, tick=False):
        theo = _client(cast.theo)
        response = theo.get("/dashboards/supervisor/coverage/", {"last": "12"})
        assert response.status_code == 200 and response.context["report"].last == 12
        response = theo.get("/dashboards/supervisor/coverage/", {"last": "7"})
        assert response.status_code == 400
        assert "govuk-error-summary" in response.content.decode()
        # the service manager sees the team's coverage; nobody else's supervisees are counted
        team = cast.sally.team
        maria = _client(cast.maria)
        response = maria.get(f"/dashboards/team-{team.pk}/coverage/")
        assert response.status_code == 200
        assert {p.person for p in response.context["report"].people} >= {cast.sally, cast.asha}
        # Omar supervises no one and manages another team: 404 for both
        omar = _client(cast.omar)
        assert omar.get("/dashboards/supervisor/coverage/").status_code == 404
        assert omar.get(f"/dashboards/team-{team.pk}/coverage/").status_code == 404
        # Sally supervises no one
        assert _client(cast.sally).get("/dashboards/supervisor/coverage/").status_code == 404


def test_save_draft_saves_the_ticks_with_the_text(cast: Cast) -> None:
    record = _record(cast, date(2026, 2, 2))
    theo = _client(cast.theo)
    page = theo.get(f"/records/{record.pk}/").content.decode()
    form = page[page.index('<form method="post" id="record"') : page.index("</form>", page.index('id="record"'))]
    assert 'name="functions"' in form and 'name="coverage" value="1"' in form  # one form: one save
    response = theo.post(
        f"/records/{record.pk}/",
        {"step": "save", "version": record.version, "section-wellbeing": "Talked.", "coverage": "1"}
        | {"functions": ["development"], "stages": ["analysis"]},
    )
    assert response.status_code == 302
    record.refresh_from_db()
    assert record.content["wellbeing"] == "Talked."
    assert (record.functions, record.stages) == (["development"], ["analysis"])
    # Leeds 4.11 asks for support in each session: the page says this one had none
    assert "This session did not cover Support" in theo.get(f"/records/{record.pk}/").content.decode()


def test_the_coverage_downloads_as_csv_and_xlsx_with_the_page_s_words(cast: Cast) -> None:
    _history(cast)
    with time_machine.travel(TODAY, tick=False):
        theo = _client(cast.theo)
        page = theo.get("/dashboards/supervisor/coverage/").content.decode()
        assert 'href="?last=6&amp;format=csv"' in page
        response = theo.get("/dashboards/supervisor/coverage/", {"format": "csv"})
        assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
        assert "attachment" in response["Content-Disposition"]
        lines = response.content.decode().splitlines()
        assert lines[0].startswith("Person,Session,Kind,Tagged,Functions served,Stages reached")
        sally = [line for line in lines[1:] if line.startswith("Sally Social,")]
        assert len(sally) == 4 and sum(",no," in line for line in sally) == 1  # one record untagged
        assert any("001_8acf471507eacfb1.txt 4.11" in line for line in sally)  # the session short of 4.11
        xlsx = theo.get("/dashboards/supervisor/coverage/", {"format": "xlsx", "last": "12"})
        assert xlsx.status_code == 200 and xlsx.content[:2] == b"PK"
        exports = AuditEvent.objects.filter(action="dashboard.export", detail__figure="coverage")
        assert exports.count() == 2
        # a bad window is the page's 400, not a download
        assert theo.get("/dashboards/supervisor/coverage/", {"format": "csv", "last": "7"}).status_code == 400
        assert _client(cast.omar).get("/dashboards/supervisor/coverage/", {"format": "csv"}).status_code == 404
