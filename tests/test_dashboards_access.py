"""Dashboards on the persona cast, with obligation-store rows written by hand: who sees which
dashboard, what each counts, the trend from held sessions, and a query count that does not
grow with the number of people (issue 5: "a test asserts its query count is bounded").
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from oversight.access import services as access_services
from oversight.compliance.models import Obligation, SupervisionHeld
from oversight.dashboards.charts import Series, Trend
from oversight.people.models import Person
from oversight.sessions.models import Session
from oversight.supervision.services import relationship_start

from .personas import Cast, give_sign_ins, make_cast

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 3, 10, 10, 30, tzinfo=ZoneInfo("Europe/London"))
TODAY = NOW.date()


@pytest.fixture(autouse=True)
def frozen() -> Iterator[None]:
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def cast() -> Cast:
    cast = make_cast("leeds-2023")
    give_sign_ins(cast)
    for supervisee in (cast.sally, cast.asha):
        relationship_start(
            organisation=cast.org, by=cast.maria, supervisor=cast.theo, supervisee=supervisee, start=date(2026, 1, 5)
        )
    relationship_start(
        organisation=cast.org, by=cast.maria, supervisor=cast.maria, supervisee=cast.theo, start=date(2025, 1, 6)
    )
    return cast


def client_for(person: Person) -> Client:
    client = Client()
    client.force_login(person.user)
    return client


_keys = iter(range(1, 1_000_000))


def obligation(cast: Cast, person: Person, kind: str, status: str, due: date | None, **extra: object) -> Obligation:
    return Obligation.objects.create(
        organisation=cast.org,
        key=f"{kind}:{next(_keys)}",
        kind=kind,
        rule=str(extra.pop("rule", "leeds.personal.monthly")),
        source="001_8acf471507eacfb1.txt 4.4",
        person=person,
        status=status,
        due=due,
        computed_on=TODAY,
        **extra,
    )


def held(cast: Cast, person: Person, on: date, due: date, kind: str = "personal") -> SupervisionHeld:
    session = Session.objects.create(
        organisation=cast.org, kind=kind, supervisor=cast.theo, supervisee=person, date=on, status="held"
    )
    return SupervisionHeld.objects.create(
        organisation=cast.org,
        person=person,
        session=session,
        session_kind=kind,
        rule="leeds.personal.monthly",
        source="001_8acf471507eacfb1.txt 4.4",
        held=on,
        due=due,
        on_time=on <= due,
    )


def cancelled(cast: Cast, person: Person, on: date, by: Person | None, reason: str) -> Session:
    return Session.objects.create(
        organisation=cast.org,
        kind="personal",
        supervisor=cast.theo,
        supervisee=person,
        date=on,
        status="cancelled",
        cancelled_on=on - timedelta(days=1),
        cancelled_by=by,
        cancel_reason=reason,
    )


def test_who_sees_which_dashboard(cast: Cast) -> None:
    team_a, team_b = cast.theo.team, cast.omar.team
    assert team_a is not None and team_b is not None
    service = team_a.service
    sally = client_for(cast.sally)
    for url in ("/dashboards/", "/dashboards/supervisor/", f"/dashboards/team/{team_a.pk}/", "/dashboards/authority/"):
        assert sally.get(url).status_code == 404, url
    assert client_for(cast.omar).get("/dashboards/").status_code == 404
    theo = client_for(cast.theo)
    assert theo.get("/dashboards/supervisor/").status_code == 200
    assert theo.get(f"/dashboards/team/{team_a.pk}/").status_code == 200
    assert theo.get(f"/dashboards/team/{team_b.pk}/").status_code == 404
    assert theo.get(f"/dashboards/service/{service.pk}/").status_code == 404
    assert theo.get("/dashboards/authority/").status_code == 404
    assert theo.get("/dashboards/team-999/figures/overdue/").status_code == 404
    assert theo.get("/dashboards/supervisor/figures/no-such-figure/").status_code == 404
    maria = client_for(cast.maria)  # at the top of the line-management tree
    for url in ("/dashboards/authority/", f"/dashboards/service/{service.pk}/", f"/dashboards/team/{team_b.pk}/"):
        assert maria.get(url).status_code == 200, url
    # the figures a team manager's own team page shows stop at his team
    assert maria.get(f"/dashboards/team-{team_a.pk}/figures/overdue/").status_code == 200
    assert theo.get(f"/dashboards/team-{team_b.pk}/figures/overdue/rows.csv").status_code == 404


def test_quality_assurance_sees_its_service_not_the_authority(cast: Cast) -> None:
    team_a = cast.theo.team
    assert team_a is not None
    qa = Person.objects.create(
        organisation=cast.org, staff_id="Q1", name="Quinn Quality", role="business_support", started=date(2020, 1, 1)
    )
    qa.user = get_user_model().objects.create_user(username="q1", password="x")
    qa.save()
    access_services.capability_grant(
        person=cast.maria, capability="senior_manager", by=None, reason="Service manager", at=NOW - timedelta(days=1)
    )
    access_services.capability_grant(person=qa, capability="qa", service=team_a.service, by=cast.maria, reason="QA")
    client = client_for(qa)
    assert client.get(f"/dashboards/service/{team_a.service_id}/").status_code == 200
    assert client.get(f"/dashboards/team/{team_a.pk}/").status_code == 200
    assert client.get("/dashboards/authority/").status_code == 404
    assert client.get("/dashboards/supervisor/").status_code == 404


def test_the_figures_count_only_the_people_in_reach(cast: Cast) -> None:
    obligation(cast, cast.sally, "supervision", "overdue", date(2026, 2, 1), session_kind="personal")
    obligation(cast, cast.asha, "supervision", "upcoming", date(2026, 3, 1), session_kind="personal")  # overdue now
    obligation(cast, cast.asha, "supervision", "upcoming", date(2026, 3, 12), session_kind="personal")  # this week
    obligation(cast, cast.omar, "supervision", "overdue", date(2026, 2, 1), session_kind="personal")  # no one's reach
    theo = client_for(cast.theo)
    page = theo.get("/dashboards/supervisor/")
    figures = {f.slug: f for f in page.context["figures"]}
    assert figures["overdue"].headline == "2 overdue"
    assert figures["due-this-week"].headline == "1 due in the next 7 days"
    rows = list(csv.reader(io.StringIO(theo.get("/dashboards/supervisor/figures/overdue/rows.csv").content.decode())))
    assert sorted(r[0] for r in rows[1:]) == ["Asha Asye", "Sally Social"]
    # the rule it measures, in the pack's words and with its source
    html = page.content.decode()
    assert "leeds.personal.monthly" in html and "001_8acf471507eacfb1.txt" in html


def test_a_supervisor_of_case_work_only_sees_case_figures(cast: Cast) -> None:
    cara = Person.objects.create(
        organisation=cast.org,
        staff_id="C1",
        name="Cara Case",
        role="advanced_practitioner",
        team=cast.theo.team,
        line_manager=cast.theo,
        started=date(2015, 1, 5),
    )
    cara.user = get_user_model().objects.create_user(username="c1", password="x")
    cara.save()
    relationship_start(
        organisation=cast.org,
        by=cast.maria,
        supervisor=cara,
        supervisee=cast.sally,
        start=date(2026, 1, 5),
        kinds=["case"],
    )
    obligation(cast, cast.sally, "supervision", "overdue", date(2026, 2, 1), session_kind="personal")
    obligation(
        cast, cast.sally, "case_review", "overdue", date(2026, 2, 1), child_status="cp", rule="leeds.case.social_work"
    )
    obligation(cast, cast.sally, "agreement", "overdue", date(2026, 1, 5), supervisor=cast.theo, rule="leeds.agreement")
    rows = client_for(cara).get("/dashboards/supervisor/figures/overdue/rows.csv").content.decode()
    kinds = [r[3] for r in list(csv.reader(io.StringIO(rows)))[1:]]
    assert kinds == ["Case review of a child (Child protection)"]
    # Theo, who supervises every kind, sees all three
    rows = client_for(cast.theo).get("/dashboards/supervisor/figures/overdue/rows.csv").content.decode()
    assert len(list(csv.reader(io.StringIO(rows)))) == 4


def test_the_on_time_trend_and_its_table_alternative(cast: Cast) -> None:
    held(cast, cast.sally, date(2026, 1, 6), date(2026, 1, 10))
    held(cast, cast.asha, date(2026, 1, 12), date(2026, 1, 12))
    held(cast, cast.asha, date(2026, 1, 20), date(2026, 1, 14))  # late
    held(cast, cast.sally, date(2026, 2, 16), date(2026, 2, 6))  # late
    held(cast, cast.sally, date(2025, 1, 16), date(2025, 1, 6))  # before the 12 months
    page = client_for(cast.theo).get("/dashboards/supervisor/")
    on_time = next(f for f in page.context["figures"] if f.slug == "on-time")
    assert on_time.headline == "50% of 4 sessions held on time"
    trend = on_time.trend
    assert trend is not None and len(trend.months) == 12 and trend.months[0] == date(2025, 4, 1)
    (personal,) = trend.series
    by_month = dict(zip(trend.months, personal.values, strict=True))
    assert round(by_month[date(2026, 1, 1)] or 0) == 67 and by_month[date(2026, 2, 1)] == 0.0
    assert by_month[date(2025, 12, 1)] is None  # nothing held: a gap, not a zero
    assert ("Jan 2026", ["67%"]) in trend.table_rows
    # each month of the table alternative leads to the sessions held that month
    january = dict(trend.linked_rows)["Jan 2026"][0][1]
    assert "month=2026-01" in january and "session_kind=personal" in january
    held_in_january = client_for(cast.theo).get(january).context["detail"].rows
    assert len(held_in_january) == 3
    assert dict(trend.linked_rows)["Dec 2025"] == [("–", "")]
    html = page.content.decode()
    assert 'role="img"' in html and 'aria-labelledby="trend-on-time-title trend-on-time-desc"' in html
    assert '<title id="trend-on-time-title">' in html and '<desc id="trend-on-time-desc">' in html
    # the late ones, drilled down: the sessions behind them
    drill = client_for(cast.theo).get("/dashboards/supervisor/figures/on-time/", {"on_time": "no"})
    detail = drill.context["detail"]
    assert sorted(row[6].value for row in detail.rows) == [date(2026, 1, 20), date(2026, 2, 16)]
    assert all(row[8].href.startswith("/sessions/") for row in detail.rows)
    # a date range narrows it
    narrowed = client_for(cast.theo).get("/dashboards/supervisor/", {"start": "2026-02-01", "end": "2026-03-10"})
    on_time = next(f for f in narrowed.context["figures"] if f.slug == "on-time")
    assert on_time.headline == "0% of 1 sessions held on time"


def test_the_disruption_log_by_who_cancelled_and_why(cast: Cast) -> None:
    cancelled(cast, cast.sally, date(2026, 1, 7), cast.theo, "sickness")
    cancelled(cast, cast.sally, date(2026, 2, 4), cast.sally, "leave")
    cancelled(cast, cast.asha, date(2026, 2, 11), cast.sally, "other")  # someone else cancelled Asha's
    cancelled(cast, cast.asha, date(2026, 2, 18), None, "other")
    page = client_for(cast.theo).get("/dashboards/supervisor/")
    log = next(f for f in page.context["figures"] if f.slug == "disruption")
    table = {row[0].text: [c.text for c in row[1:]] for row in log.summary.rows}
    assert table == {
        "The supervisor": ["1", "0", "0", "1"],
        "The supervisee": ["0", "1", "0", "1"],
        "Someone else": ["0", "0", "1", "1"],
        "Not recorded": ["0", "0", "1", "1"],
    }
    other = next(s for s in log.trend.series if s.label == "Other")  # type: ignore[union-attr]
    assert other.values[-2] == 2.0  # February
    drill = client_for(cast.theo).get("/dashboards/supervisor/figures/disruption/", {"who": "supervisee"})
    (row,) = drill.context["detail"].rows
    assert row[0].href.startswith("/sessions/") and row[1].text == "Sally Social"


def test_the_svg_escapes_labels_and_marks_gaps() -> None:
    trend = Trend(
        chart_id="t",
        title="A <b> title",
        description="Desc & more",
        months=[date(2026, 1, 1), date(2026, 2, 1), date(2026, 3, 1)],
        series=[Series("<script>", [50.0, None, 100.0])],
    )
    svg = str(trend.svg())
    assert "<script>" not in svg and "&lt;script&gt;" in svg and "A &lt;b&gt; title" in svg
    assert " style=" not in svg
    assert trend.table_rows[1] == ("Feb 2026", ["–"])


def _authority_queries(client: Client) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get("/dashboards/authority/").status_code == 200
    return len(captured)


def _grow(cast: Cast, n: int) -> None:
    """n more supervisees of Theo, each with obligations, held and cancelled sessions."""
    for i in range(n):
        person = Person.objects.create(
            organisation=cast.org,
            staff_id=f"X{i}-{next(_keys)}",
            name=f"Worker {i}",
            role="social_worker",
            team=cast.theo.team,
            line_manager=cast.theo,
            started=date(2020, 1, 1),
        )
        relationship_start(
            organisation=cast.org, by=cast.maria, supervisor=cast.theo, supervisee=person, start=date(2026, 1, 5)
        )
        obligation(cast, person, "supervision", "overdue", date(2026, 2, 1), session_kind="personal")
        obligation(
            cast,
            person,
            "record_shared",
            "late",
            date(2026, 2, 3),
            session_kind="personal",
            rule="leeds.record.personal",
        )
        obligation(
            cast, person, "case_review", "upcoming", date(2026, 4, 1), child_status="cin", rule="leeds.case.social_work"
        )
        held(cast, person, date(2026, 1, 6), date(2026, 1, 10))
        cancelled(cast, person, date(2026, 2, 4), person, "leave")


def test_the_authority_dashboard_query_count_does_not_grow_with_the_people(cast: Cast) -> None:
    maria = client_for(cast.maria)
    _grow(cast, 3)
    few = _authority_queries(maria)
    _grow(cast, 20)
    many = _authority_queries(maria)
    assert many == few, (few, many)
    assert few <= 45
    # and a drill-down page too
    with CaptureQueriesContext(connection) as one:
        maria.get("/dashboards/authority/figures/overdue/")
    _grow(cast, 5)
    with CaptureQueriesContext(connection) as more:
        maria.get("/dashboards/authority/figures/overdue/")
    assert len(more) == len(one)
