"""The REST API (issue 7): tokens (hashed, scoped, expiring, revocable), the same access policy as
the pages (outsiders 404, lists filtered, reads audited), filters, pagination, and changes made
through the service functions with their audit rows. The access matrix walks every API URL too
(tests/matrix_api.py); schemathesis fuzzes the schema (tests/test_api_schemathesis.py)."""

from __future__ import annotations

import hashlib
import io
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.test import Client

from oversight.access import services as access_services
from oversight.api.models import ApiToken
from oversight.api.services import api_token_create, api_token_revoke
from oversight.audit.models import AuditEvent
from oversight.compliance.models import Obligation
from oversight.compliance.store import refresh_organisation
from oversight.errors import ServiceError
from oversight.people.models import Person
from oversight.records.models import Record
from oversight.records.services import record_save_draft
from oversight.sessions.models import Session
from oversight.sessions.services import session_hold, session_schedule
from oversight.supervision.services import relationship_start

from .personas import Cast, make_cast

pytestmark = pytest.mark.django_db

LONDON = ZoneInfo("Europe/London")
UTC = UTC
NOW = datetime(2026, 3, 10, 10, 30, tzinfo=LONDON)
TODAY = NOW.date()


@pytest.fixture(autouse=True)
def frozen() -> Iterator[None]:
    with time_machine.travel(NOW, tick=False):
        yield


class World:
    def __init__(self) -> None:
        cast: Cast = make_cast("lambeth-2021", "lambeth-api")
        self.cast = cast
        User = get_user_model()
        for key in ("sally", "asha", "theo", "maria", "omar"):
            person: Person = getattr(cast, key)
            person.user = User.objects.create_user(username=f"api-{key}", password="x")
            person.save()
        self.qa = Person.objects.create(
            organisation=cast.org,
            staff_id="Q1",
            name="Quinn Quality",
            role="business_support",
            started=date(2015, 1, 5),
        )
        self.qa.user = User.objects.create_user(username="api-qa", password="x")
        self.qa.save()
        access_services.capability_grant(
            person=cast.maria,
            capability="senior_manager",
            by=None,
            reason="Service manager",
            at=NOW - timedelta(days=9),
        )
        access_services.capability_grant(
            person=self.qa,
            capability="qa",
            service=cast.sally.team.service,  # type: ignore[union-attr]
            by=cast.maria,
            reason="QA",
        )
        org, theo, sally = cast.org, cast.theo, cast.sally
        relationship_start(organisation=org, by=cast.maria, supervisor=theo, supervisee=sally, start=date(2024, 1, 8))
        relationship_start(
            organisation=org, by=cast.maria, supervisor=theo, supervisee=cast.asha, start=date(2026, 1, 5)
        )
        self.planned = session_schedule(
            organisation=org, by=theo, kind="personal", supervisor=theo, supervisee=sally, date=date(2026, 3, 9)
        )
        held = session_schedule(
            organisation=org, by=theo, kind="personal", supervisor=theo, supervisee=sally, date=date(2026, 2, 10)
        )
        session_hold(session=held, by=theo, today=TODAY)
        record = Record.objects.get(session=held)
        self.record = record_save_draft(
            record=record,
            by=theo,
            content={"health_wellbeing": "SECTION-TEXT", "check_in": "CONFIDENTIAL-TEXT"},
            expected_version=record.version,
        )
        self.asha_session = session_schedule(
            organisation=org, by=theo, kind="personal", supervisor=theo, supervisee=cast.asha, date=date(2026, 3, 12)
        )

    def token(self, who: str, scopes: tuple[str, ...] = ("read", "write"), days: int = 30) -> str:
        user = self.qa.user if who == "qa" else getattr(self.cast, who).user
        _, key = api_token_create(user=user, name=f"{who} test", scopes=scopes, days=days)
        return key


@pytest.fixture
def w() -> World:
    return World()


def call(key: str | None, method: str, url: str, data: dict[str, Any] | None = None) -> Any:
    client = Client()
    headers = {"Authorization": f"Token {key}"} if key else {}
    if method == "get":
        return client.get(url, data or {}, headers=headers)
    return client.post(url, data or {}, content_type="application/json", headers=headers)


def ids(response: Any) -> set[int]:
    assert response.status_code == 200, response.content
    return {row["id"] for row in response.json()["results"]}


# --- tokens --------------------------------------------------------------------------------------


def test_a_token_is_stored_hashed_and_shown_once(w: World) -> None:
    user = w.cast.theo.user
    token, key = api_token_create(user=user, name="LCS sync", scopes=["read"], days=90)
    assert key.startswith("ovs_") and len(key) > 40
    assert token.key_hash == hashlib.sha256(key.encode()).hexdigest()
    assert key not in str(ApiToken.objects.filter(pk=token.pk).values().first())
    assert token.expires_at == NOW.astimezone(UTC) + timedelta(days=90)
    assert AuditEvent.objects.filter(action="api_token.create", object_id=str(token.pk)).exists()
    with pytest.raises(ServiceError) as refused:
        api_token_create(user=user, name="x", scopes=["admin"], days=10)
    assert refused.value.field == "scopes"
    with pytest.raises(ServiceError) as refused:
        api_token_create(user=user, name="x", scopes=["read"], days=1000)
    assert refused.value.field == "days"


def test_a_token_works_until_it_expires_or_is_revoked(w: World) -> None:
    key = w.token("theo", days=2)
    assert call(key, "get", "/api/people/").status_code == 200
    token = ApiToken.objects.get(prefix=key[:10])
    assert token.last_used_at == NOW
    with time_machine.travel(NOW + timedelta(days=2, seconds=1), tick=False):
        expired = call(key, "get", "/api/people/")
    assert expired.status_code == 401
    assert "expired" in expired.json()["detail"]
    assert expired["WWW-Authenticate"].startswith("Token")
    api_token_revoke(token=token)
    revoked = call(key, "get", "/api/people/")
    assert revoked.status_code == 401 and "revoked" in revoked.json()["detail"]
    assert AuditEvent.objects.filter(action="api_token.revoke", object_id=str(token.pk)).exists()
    with pytest.raises(ServiceError):
        api_token_revoke(token=token)
    assert call("ovs_not-a-key", "get", "/api/people/").status_code == 401


def test_scopes_limit_the_methods(w: World) -> None:
    read_only = w.token("theo", scopes=("read",))
    assert call(read_only, "get", f"/api/sessions/{w.planned.pk}/").status_code == 200
    refused = call(read_only, "post", f"/api/sessions/{w.planned.pk}/hold/")
    assert refused.status_code == 403 and "write" in refused.json()["detail"]
    assert Session.objects.get(pk=w.planned.pk).status == "planned"
    write_only = w.token("theo", scopes=("write",))
    assert call(write_only, "get", "/api/sessions/").status_code == 403


def test_no_credentials_is_an_outsider(w: World) -> None:
    assert call(None, "get", "/api/people/").status_code == 404
    assert call(None, "get", f"/api/people/{w.cast.sally.pk}/").status_code == 404
    assert call(None, "post", f"/api/sessions/{w.planned.pk}/hold/").status_code == 404


def test_the_management_command_creates_lists_and_revokes(w: World) -> None:
    out, err = io.StringIO(), io.StringIO()
    call_command(
        "api_token", "create", "--person", "T1", "--scopes", "read,write", "--days", "30", stdout=out, stderr=err
    )
    key = out.getvalue().strip()
    assert key.startswith("ovs_") and "shown once" in err.getvalue()
    assert call(key, "get", "/api/people/").status_code == 200
    listing = io.StringIO()
    call_command("api_token", "list", stdout=listing)
    assert key[:10] in listing.getvalue() and key not in listing.getvalue() and "live" in listing.getvalue()
    call_command("api_token", "revoke", key[:10], stdout=io.StringIO())
    assert call(key, "get", "/api/people/").status_code == 401
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="scopes"):
        call_command("api_token", "create", "--user", "api-theo", "--scopes", "admin", stdout=io.StringIO())


# --- the access policy -----------------------------------------------------------------------------


def test_lists_are_filtered_and_outsiders_get_404(w: World) -> None:
    c = w.cast
    theo, omar, sally = w.token("theo"), w.token("omar"), w.token("sally")
    assert ids(call(theo, "get", "/api/people/")) == {c.theo.pk, c.sally.pk, c.asha.pk}
    assert ids(call(sally, "get", "/api/people/")) == {c.sally.pk}
    assert ids(call(omar, "get", "/api/people/")) == {c.omar.pk}
    assert ids(call(omar, "get", "/api/sessions/")) == set()
    assert ids(call(sally, "get", "/api/sessions/")) == {w.planned.pk, w.record.session_id}
    for url in (
        f"/api/people/{c.sally.pk}/",
        f"/api/sessions/{w.planned.pk}/",
        f"/api/records/{w.record.pk}/",
        "/api/people/999999/",
        "/api/people/-3/",
        "/api/people/99999999999999999999999/",
    ):
        response = call(omar, "get", url)
        assert response.status_code == 404, url
        assert response["Content-Type"] == "application/json"
    assert call(omar, "post", f"/api/sessions/{w.planned.pk}/hold/").status_code == 404


def test_reads_of_one_object_are_audited_and_confidential_sections_follow_the_policy(w: World) -> None:
    url = f"/api/records/{w.record.pk}/"
    theo = call(w.token("theo"), "get", url).json()
    sections = {s["id"]: s for s in theo["sections"]}
    assert sections["check_in"]["text"] == "CONFIDENTIAL-TEXT" and not sections["check_in"]["hidden"]
    maria = call(w.token("maria"), "get", url)
    assert maria.status_code == 200
    sections = {s["id"]: s for s in maria.json()["sections"]}
    assert sections["health_wellbeing"]["text"] == "SECTION-TEXT"
    assert sections["check_in"] == {**sections["check_in"], "hidden": True, "text": None}
    assert "CONFIDENTIAL-TEXT" not in maria.content.decode()
    reads = AuditEvent.objects.filter(action="record.view", object_id=str(w.record.pk))
    assert sorted(reads.values_list("actor_label", flat=True)) == ["Maria Service", "Theo Team"]
    # Lists carry no free text, and are not a way round the audit.
    listing = call(w.token("maria"), "get", "/api/records/")
    assert "SECTION-TEXT" not in listing.content.decode()


def test_quality_assurance_states_a_purpose_that_is_logged(w: World) -> None:
    key = w.token("qa")
    url = f"/api/records/{w.record.pk}/"
    refused = call(key, "get", url)
    assert refused.status_code == 400 and "purpose" in refused.json()
    assert call(key, "post", f"/api/records/{w.record.pk}/share/").status_code == 404  # QA reads only
    read = call(key, "get", url + "?purpose=Quarterly+audit")
    assert read.status_code == 200
    event = AuditEvent.objects.get(action="record.view", actor_label="Quinn Quality")
    assert event.purpose == "Quarterly audit" and event.acting_as == "qa"


# --- filters and pages -------------------------------------------------------------------------------


def test_filters_by_status_team_role_and_dates(w: World) -> None:
    key = w.token("theo")
    assert ids(call(key, "get", "/api/sessions/", {"status": "planned"})) == {w.planned.pk, w.asha_session.pk}
    assert ids(call(key, "get", "/api/sessions/", {"status": "held"})) == {w.record.session_id}
    assert ids(call(key, "get", "/api/sessions/", {"date_from": "2026-03-10", "date_to": "2026-03-31"})) == {
        w.asha_session.pk
    }
    assert ids(call(key, "get", "/api/sessions/", {"role": "nqsw_asye"})) == {w.asha_session.pk}
    team = w.cast.sally.team
    assert team is not None
    assert ids(call(key, "get", "/api/people/", {"team": team.pk, "role": "social_worker"})) == {w.cast.sally.pk}
    assert ids(call(key, "get", "/api/records/", {"status": "draft"})) == {w.record.pk}
    assert ids(call(key, "get", "/api/records/", {"status": "final"})) == set()


@pytest.mark.parametrize(
    ("url", "parameter"),
    [
        ("/api/sessions/?status=lost", "status"),
        ("/api/sessions/?date_from=2026-13-01", "date_from"),
        ("/api/sessions/?team=99999", "team"),
        ("/api/sessions/?supervisee=abc", "supervisee"),
        ("/api/people/?leaver=perhaps", "leaver"),
        ("/api/obligations/?due_to=2026-02-30", "due_to"),
        ("/api/people/?page=abc", "page"),
        ("/api/people/?page_size=5000", "page_size"),
    ],
)
def test_a_bad_filter_value_is_a_400_naming_the_parameter(w: World, url: str, parameter: str) -> None:
    response = call(w.token("theo"), "get", url)
    assert response.status_code == 400, response.content
    assert parameter in response.json()


def test_another_organisations_team_is_not_a_filter_value(w: World) -> None:
    other = make_cast("leeds-2023", "leeds-api")
    team = other.sally.team
    assert team is not None
    assert call(w.token("theo"), "get", f"/api/people/?team={team.pk}").status_code == 400


def test_lists_are_paginated(w: World) -> None:
    key = w.token("theo")
    first = call(key, "get", "/api/people/?page_size=2").json()
    assert first["count"] == 3 and len(first["results"]) == 2 and first["next"]
    second = call(key, "get", "/api/people/?page_size=2&page=2").json()
    assert len(second["results"]) == 1
    assert call(key, "get", "/api/people/?page=9").status_code == 404


def test_obligations_are_those_of_visible_people(w: World) -> None:
    assert refresh_organisation(w.cast.org, TODAY) > 0
    theo = call(w.token("theo"), "get", "/api/obligations/?page_size=200").json()
    people = {row["person"] for row in theo["results"]}
    assert people and people <= {w.cast.theo.pk, w.cast.sally.pk, w.cast.asha.pk}
    assert (
        theo["count"] == Obligation.objects.filter(person__in=[w.cast.theo.pk, w.cast.sally.pk, w.cast.asha.pk]).count()
    )
    sally = call(w.token("sally"), "get", "/api/obligations/?page_size=200").json()
    assert {row["person"] for row in sally["results"]} == {w.cast.sally.pk}
    overdue = call(w.token("theo"), "get", "/api/obligations/?overdue=true&page_size=200").json()
    assert all(row["overdue"] for row in overdue["results"])


# --- changes through the services ----------------------------------------------------------------------


def test_holding_sharing_and_agreeing_write_the_same_audit_rows_as_the_pages(w: World) -> None:
    theo, sally = w.token("theo"), w.token("sally")
    held = call(theo, "post", f"/api/sessions/{w.planned.pk}/hold/", {"late_reason": ""})
    assert held.status_code == 200 and held.json()["status"] == "held"
    record_id = held.json()["record"]
    actions = list(AuditEvent.objects.order_by("-seq").values_list("action", flat=True)[:2])
    assert actions == ["record.open", "session.hold"]
    version = call(theo, "get", f"/api/records/{record_id}/").json()["version"]
    saved = call(
        theo,
        "post",
        f"/api/records/{record_id}/save-draft/",
        {"content": {"health_wellbeing": "ok"}, "expected_version": version},
    )
    assert saved.status_code == 200 and saved.json()["version"] == version + 1
    stale = call(theo, "post", f"/api/records/{record_id}/save-draft/", {"content": {}, "expected_version": version})
    assert stale.status_code == 400 and "non_field_errors" in stale.json()
    unknown = call(
        theo,
        "post",
        f"/api/records/{record_id}/save-draft/",
        {"content": {"nonsense": "x"}, "expected_version": version + 1},
    )
    assert unknown.status_code == 400 and "nonsense" in unknown.json()
    assert call(sally, "post", f"/api/records/{record_id}/share/").status_code == 404  # the supervisor shares
    shared = call(theo, "post", f"/api/records/{record_id}/share/")
    assert shared.status_code == 200 and shared.json()["status"] == "shared"
    again = call(theo, "post", f"/api/records/{record_id}/share/")
    assert again.status_code == 400 and "shared" in again.json()["non_field_errors"][0]
    blank = call(sally, "post", f"/api/records/{record_id}/dispute/", {"view": "   "})
    assert blank.status_code == 400 and "view" in blank.json()
    agreed = call(sally, "post", f"/api/records/{record_id}/agree/")
    assert agreed.status_code == 200 and agreed.json()["status"] == "agreed"
    final = call(theo, "post", f"/api/records/{record_id}/finalise/")
    assert final.status_code == 200 and final.json()["status"] == "final"
    trail = list(
        AuditEvent.objects.filter(object_id=str(record_id), action__startswith="record.")
        .exclude(action="record.view")
        .order_by("seq")
        .values_list("action", "actor_label")
    )
    assert trail == [
        ("record.open", "Theo Team"),
        ("record.save", "Theo Team"),
        ("record.share", "Theo Team"),
        ("record.agree", "Sally Social"),
        ("record.finalise", "Theo Team"),
    ]


def test_booking_moving_and_cancelling(w: World) -> None:
    theo, sally = w.token("theo"), w.token("sally")
    booked = call(
        theo,
        "post",
        "/api/sessions/schedule/",
        {"kind": "personal", "supervisee": w.cast.sally.pk, "date": "2026-04-07"},
    )
    assert booked.status_code == 200, booked.content
    pk = booked.json()["id"]
    assert AuditEvent.objects.filter(action="session.schedule", object_id=str(pk)).exists()
    # Nobody books for someone outside their working list: a 404, as for any outsider.
    assert (
        call(
            theo,
            "post",
            "/api/sessions/schedule/",
            {"kind": "personal", "supervisee": w.cast.omar.pk, "date": "2026-04-07"},
        ).status_code
        == 404
    )
    missing = call(theo, "post", "/api/sessions/schedule/", {"kind": "personal", "date": "2026-04-07"})
    assert missing.status_code == 400 and "supervisee" in missing.json()
    assert call(theo, "post", "/api/sessions/schedule/", {"kind": "chat", "date": "2026-04-07"}).json().keys() == {
        "kind"
    }
    far = call(theo, "post", f"/api/sessions/{pk}/move/", {"date": "9999-01-01"})
    assert far.status_code == 400 and "date" in far.json()
    before = call(theo, "post", f"/api/sessions/{pk}/move/", {"date": "2019-01-01"})
    assert before.status_code == 400 and "date" in before.json()  # before Sally started
    moved = call(theo, "post", f"/api/sessions/{pk}/move/", {"date": "2026-04-09", "start_time": "10:00"})
    assert moved.status_code == 200 and moved.json()["date"] == "2026-04-09"
    assert call(sally, "post", f"/api/sessions/{pk}/move/", {"date": "2026-04-10"}).status_code == 404
    no_reason = call(sally, "post", f"/api/sessions/{pk}/cancel/", {})
    assert no_reason.status_code == 400 and "reason" in no_reason.json()
    cancelled = call(sally, "post", f"/api/sessions/{pk}/cancel/", {"reason": "sickness"})
    assert cancelled.status_code == 200 and cancelled.json()["status"] == "cancelled"
    event = AuditEvent.objects.filter(action="session.cancel", object_id=str(pk)).get()
    assert event.actor_label == "Sally Social"
    assert call(theo, "post", f"/api/sessions/{pk}/hold/").status_code == 400


def test_a_malformed_body_is_a_400_not_a_500(w: World) -> None:
    client = Client()
    headers = {"Authorization": f"Token {w.token('theo')}"}
    response = client.post(
        f"/api/sessions/{w.planned.pk}/move/", "{not json", content_type="application/json", headers=headers
    )
    assert response.status_code == 400
    response = client.post("/api/sessions/schedule/", [1, 2], content_type="application/json", headers=headers)
    assert response.status_code == 400


# --- the browser: the signed-in session, with CSRF ---------------------------------------------------


def test_the_browser_session_works_and_needs_the_csrf_token(w: World) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(w.cast.theo.user)
    assert client.get("/api/people/").status_code == 200
    refused = client.post(f"/api/sessions/{w.planned.pk}/hold/", {}, content_type="application/json")
    assert refused.status_code == 403 and "CSRF" in refused.json()["detail"]
    docs = client.get("/api/docs/")
    token = docs.cookies["csrftoken"].value
    held = client.post(
        f"/api/sessions/{w.planned.pk}/hold/", {}, content_type="application/json", headers={"X-CSRFToken": token}
    )
    assert held.status_code == 200


# --- the schema and its documentation -----------------------------------------------------------------


def test_the_schema_and_the_docs_page(w: World) -> None:
    from django.contrib.staticfiles import finders

    from .test_static import csp_problems, parse

    client = Client()
    schema = client.get("/api/schema/?format=json")
    assert schema.status_code == 200
    paths = schema.json()["paths"]
    assert "/api/records/{id}/share/" in paths and "/api/obligations/" in paths
    docs = client.get("/api/docs/")
    assert docs.status_code == 200
    html = docs.content.decode()
    assert csp_problems(html) == []
    assert "script-src 'self'" in docs["Content-Security-Policy"]
    assert "unsafe" not in docs["Content-Security-Policy"]
    sources = [attrs.get("src") or attrs.get("href") for tag, attrs, _ in parse(html).tags if tag in ("script", "link")]
    assert len(sources) == 6
    for source in sources:
        assert source and source.startswith("/static/"), source  # our own static files, no CDN
        assert finders.find(source.removeprefix("/static/")), source


@pytest.mark.parametrize(
    "url", ["/api/sessions/", "/api/records/", "/api/agreements/", "/api/people/", "/api/relationships/"]
)
def test_a_list_costs_the_same_queries_however_long_it_is(w: World, url: str) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from oversight.supervision.services import agreement_create

    key = w.token("theo")

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert call(key, "get", url).status_code == 200
        return len(captured)

    c = w.cast
    relationship = relationship_start(
        organisation=c.org, by=c.maria, supervisor=c.maria, supervisee=c.theo, start=date(2026, 1, 5)
    )
    agreement_create(relationship=relationship, by=c.maria, content={})  # no list is empty to start with
    queries()  # the first call also notes the token's last use
    before = queries()
    for day in (date(2026, 1, 6), date(2026, 1, 13), date(2026, 1, 20)):
        session = session_schedule(
            organisation=c.org, by=c.theo, kind="personal", supervisor=c.theo, supervisee=c.asha, date=day
        )
        session_hold(session=session, by=c.theo, today=TODAY)
    relationship_start(organisation=c.org, by=c.maria, supervisor=c.maria, supervisee=c.sally, start=date(2026, 1, 5))
    agreement_create(relationship=relationship, by=c.maria, content={})
    agreement_create(relationship=relationship, by=c.maria, content={})
    assert queries() == before
