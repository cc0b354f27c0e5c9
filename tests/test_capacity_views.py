"""Supervisor capacity pages on the persona cast (Leeds): who opens which plan, what it shows,
the what-if (before and after, nothing saved), bad input, the CSV export and the query count.

Theo supervises Sally (a social worker, last seen 2 March) and Asha (ASYE from 5 January);
Maria supervises Theo. Today is 10 March 2026, so "next quarter" is 2026-Q2 (13 weeks).
Sally: Leeds 4.4 monthly, 2 April, 2 May, 2 June: 3 x 90 minutes (assumed) = 4.5 hours.
Asha: Leeds 4.4/4.6, never seen, so due a week after 5 January, overdue: held 1 April, then
fortnightly (6 weeks to 6 months): 15 and 29 April, 13 and 27 May, 10 and 24 June: 7 x 90 =
10.5 hours. Theo: 15 hours of 37 x 20% x 13 = 96.2 available.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from oversight.audit.models import AuditEvent
from oversight.people.models import Person
from oversight.sessions.services import session_hold, session_schedule
from oversight.supervision.models import Relationship
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
    for person in (cast.maria, cast.theo, cast.omar, cast.sally, cast.asha):
        person.weekly_hours = Decimal("37")
        person.save()
    for supervisee in (cast.sally, cast.asha):
        relationship_start(
            organisation=cast.org, by=cast.maria, supervisor=cast.theo, supervisee=supervisee, start=date(2026, 1, 5)
        )
    relationship_start(
        organisation=cast.org, by=cast.maria, supervisor=cast.maria, supervisee=cast.theo, start=date(2025, 1, 6)
    )
    session = session_schedule(
        organisation=cast.org,
        by=cast.theo,
        kind="personal",
        supervisor=cast.theo,
        supervisee=cast.sally,
        date=date(2026, 3, 2),
    )
    session_hold(session=session, by=cast.theo, today=TODAY)
    return cast


def client_for(person: Person) -> Client:
    client = Client()
    client.force_login(person.user)
    return client


def team_url(cast: Cast) -> str:
    return f"/capacity/team-{cast.theo.team_id}/"


def service_url(cast: Cast) -> str:
    assert cast.theo.team is not None
    return f"/capacity/service-{cast.theo.team.service_id}/"


def test_team_plan_for_the_team_manager(cast: Cast) -> None:
    response = client_for(cast.theo).get(team_url(cast))
    assert response.status_code == 200
    body = response.content.decode()
    assert "2026-Q2" in body and "Sally Social" in body and "Asha Asye" in body
    # Rules are cited as the other pages cite them: the council and its section; the seed file
    # is named only beside the rule in "Rules used", never in place of the council.
    assert (
        '<code>leeds.personal.asye</code> <span class="govuk-hint govuk-!-display-inline">Leeds City Council 4.4, 4.6</span>'
        in body
    )
    assert "(leeds.ratio, Leeds City Council 4.1)" in body
    above, rules_used = body.split(">Rules used<")
    assert "001_8acf471507eacfb1.txt" not in above
    assert "<br>Leeds City Council 4.1</dt>" in rules_used and "Source: 001_8acf471507eacfb1.txt 4.1" in rules_used
    plan = response.context["before"]
    theo = plan.load_of(f"p{cast.theo.pk}")
    assert theo.demanded_hours == pytest.approx(15.0)
    assert theo.available_hours == pytest.approx(96.2)
    assert theo.ratio.count == 2 and theo.ratio.status == "below"
    assert AuditEvent.objects.filter(action="capacity.view").count() == 1
    index = client_for(cast.theo).get("/capacity/")
    assert index.status_code == 200 and team_url(cast) in index.content.decode()
    assert "/capacity/" in client_for(cast.theo).get("/dashboards/").content.decode()


def test_outsiders_get_404(cast: Cast) -> None:
    for person in (cast.omar, cast.sally):
        client = client_for(person)
        assert client.get(team_url(cast)).status_code == 404
        assert client.get(team_url(cast) + "capacity.csv").status_code == 404
        assert client.get(service_url(cast)).status_code == 404
    assert client_for(cast.sally).get("/capacity/").status_code == 404
    assert client_for(cast.theo).get("/capacity/supervisor/").status_code == 404
    assert Client().get(team_url(cast)).status_code == 302  # to sign in


def test_what_if_moves_a_supervisee_and_saves_nothing(cast: Cast) -> None:
    before = list(Relationship.objects.order_by("pk").values_list("pk", "supervisor_id", "supervisee_id", "end"))
    query = {"supervisee": f"p{cast.sally.pk}", "to_supervisor": f"p{cast.maria.pk}"}
    response = client_for(cast.maria).get(service_url(cast), query)
    assert response.status_code == 200, response.context["form"].errors
    after_plan, before_plan = response.context["after"], response.context["before"]
    maria, theo = f"p{cast.maria.pk}", f"p{cast.theo.pk}"
    assert (before_plan.load_of(theo).ratio.count, after_plan.load_of(theo).ratio.count) == (2, 1)
    assert (before_plan.load_of(maria).ratio.count, after_plan.load_of(maria).ratio.count) == (1, 2)
    assert after_plan.load_of(theo).demanded_hours == pytest.approx(10.5)
    body = response.content.decode()
    assert "Sally Social supervised by Maria Service" in body and "2 → 1" in body
    assert (
        list(Relationship.objects.order_by("pk").values_list("pk", "supervisor_id", "supervisee_id", "end")) == before
    )


def test_what_if_changes_a_frequency_and_the_export_follows_it(cast: Cast) -> None:
    # Sally fortnightly instead of monthly: 16 March is overdue by 1 April, then 15 and 29
    # April, 13 and 27 May, 10 and 24 June: 7 sessions.
    query = {"rule": "leeds.personal.monthly", "every": "2", "unit": "weeks"}
    response = client_for(cast.theo).get(team_url(cast), query)
    assert response.status_code == 200
    assert response.context["after"].load_of(f"p{cast.theo.pk}").demanded_hours == pytest.approx(21.0)
    export = client_for(cast.theo).get(team_url(cast) + "capacity.csv", query)
    assert export.status_code == 200 and "attachment" in export["Content-Disposition"]
    rows = list(csv.DictReader(io.StringIO(export.content.decode())))
    sally = next(r for r in rows if r["supervisee"] == "Sally Social")
    assert (sally["rule"], sally["sessions"], sally["frequency"]) == ("leeds.personal.monthly", "7", "2 weeks")
    assert (sally["source"], sally["seed file"]) == ("Leeds City Council 4.4", "001_8acf471507eacfb1.txt 4.4")
    assert AuditEvent.objects.filter(action="capacity.export").count() == 1


def test_bad_input_names_the_field_and_keeps_what_was_typed(cast: Cast) -> None:
    client = client_for(cast.theo)
    response = client.get(team_url(cast), {"quarter": "2026-Q9", "every": "3", "share": "150"})
    assert response.status_code == 400
    body = response.content.decode()
    assert "Quarter: enter a quarter in the form 2026-Q2" in body
    assert "Rule: choose the rule whose frequency changes" in body
    assert "Share of hours: ensure this value is less than or equal to 100" in body
    assert 'value="2026-Q9"' in body and 'value="150"' in body
    moved = client.get(team_url(cast), {"supervisee": f"p{cast.sally.pk}", "to_supervisor": f"p{cast.omar.pk}"})
    assert moved.status_code == 400  # Omar is not someone this page may move Sally to
    assert "To this supervisor: select a valid choice" in moved.content.decode()
    assert client.get(team_url(cast) + "capacity.csv", {"quarter": "x"}).status_code == 400


def test_the_query_count_does_not_grow_with_the_team(cast: Cast) -> None:
    client = client_for(cast.theo)

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(team_url(cast)).status_code == 200
        return len(captured)

    def add(n: int) -> None:
        worker = Person.objects.create(
            organisation=cast.org,
            staff_id=f"X{n}",
            name=f"Extra {n}",
            role="student_social_worker" if n % 2 else "social_worker",
            employment="student" if n % 2 else "casual",
            team=cast.theo.team,
            line_manager=cast.theo,
            started=date(2024, 1, 1),
        )
        relationship_start(
            organisation=cast.org, by=cast.maria, supervisor=cast.theo, supervisee=worker, start=date(2026, 1, 5)
        )

    add(0)  # a casual worker: their hours are read (one query, whoever they are)
    few = queries()
    for n in range(1, 5):
        add(n)
    assert queries() == few


def test_demo_hours_fill_only_what_is_missing(cast: Cast) -> None:
    from oversight.capacity.demo import seed_demo

    cast.sally.weekly_hours = None
    cast.sally.save()
    cast.asha.weekly_hours, cast.asha.employment = None, "casual"
    cast.asha.save()
    cast.theo.weekly_hours = Decimal("30")
    cast.theo.save()
    assert seed_demo(cast.org) == 1
    hours = dict(Person.objects.filter(organisation=cast.org).values_list("staff_id", "weekly_hours"))
    assert (hours["S1"], hours["A1"], hours["T1"]) == (Decimal("37.00"), None, Decimal("30.00"))
