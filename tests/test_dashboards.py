"""The dashboards on the five demo authorities (issue 5: "The dashboards render for every demo
authority"): every level renders for each, every figure's numbers lead to the people and
sessions behind them, the exports parse, and the filters narrow and refuse bad values.

The demo is loaded once for the module (about 20 s) inside a transaction that is rolled back
at the end; each test runs in a savepoint inside it.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator
from typing import Any

import pytest
from django.core.management import call_command
from django.db import transaction
from django.test import Client
from django.utils import timezone

from oversight.audit.models import AuditEvent
from oversight.compliance.models import Obligation
from oversight.compliance.store import refresh_organisation
from oversight.dashboards.selectors import FIGURES
from oversight.organisations.models import Organisation
from oversight.people.models import Person

pytestmark = pytest.mark.django_db

SLUGS = ("bristol", "leeds", "lambeth", "bucks", "blackpool")
EVERY_LEVEL_FIGURES = [slug for slug, spec in FIGURES.items() if spec.levels is None]
HREF = re.compile(r'href="([^"]+)"')


@pytest.fixture(scope="module")
def demo(django_db_setup: None, django_db_blocker: Any) -> Iterator[dict[str, Organisation]]:
    """The five demo authorities with their obligation stores filled, for the whole module."""
    with django_db_blocker.unblock():
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            call_command("load_demo", force=True, stdout=io.StringIO())
            today = timezone.localdate()
            organisations = {org.slug: org for org in Organisation.objects.filter(slug__in=SLUGS)}
            for org in organisations.values():
                refresh_organisation(org, today)
            yield organisations
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


def login(username: str) -> Client:
    client = Client()
    client.force_login(Person.objects.get(user__username=username).user)
    return client


def links(html: str, prefix: str) -> list[str]:
    return [h.replace("&amp;", "&") for h in HREF.findall(html) if h.startswith(prefix)]


@pytest.mark.parametrize("slug", SLUGS)
def test_every_level_renders_for_every_demo_authority(demo: dict[str, Organisation], slug: str) -> None:
    org = demo[slug]
    assert Obligation.objects.filter(organisation=org).exists()
    sm = login(f"{slug}.sm")
    index = sm.get("/dashboards/")
    assert index.status_code == 200
    page = index.content.decode()
    team = org.teams.get(name="Assessment team")
    service = org.services.get()
    for url in ("/dashboards/authority/", f"/dashboards/service/{service.pk}/", f"/dashboards/team/{team.pk}/"):
        assert f'href="{url}"' in page, url
        response = sm.get(url)
        assert response.status_code == 200, url
        html = response.content.decode()
        for figure in response.context["figures"]:
            assert f'id="figure-{figure.slug}"' in html
        assert [f.slug for f in response.context["figures"]] == EVERY_LEVEL_FIGURES
        trends = [f for f in response.context["figures"] if f.trend is not None]
        assert [f.slug for f in trends] == ["on-time", "records", "directions", "disruption"]
        assert html.count('role="img"') == len(trends)  # each with its table alternative
        assert html.count("as a table</span>") == len(trends)
    # the team manager: their supervisees, and their team
    tm = login(f"{slug}.tm1")
    response = tm.get("/dashboards/supervisor/")
    assert response.status_code == 200
    slugs = [f.slug for f in response.context["figures"]]
    assert slugs[:4] == ["due-this-week", "overdue", "awaiting-sign-off", "open-actions"]
    assert tm.get(f"/dashboards/team/{team.pk}/").status_code == 200
    assert tm.get("/dashboards/authority/").status_code == 404
    assert tm.get(f"/dashboards/service/{service.pk}/").status_code == 404
    # a social worker has none
    assert login(f"{slug}.sw1").get("/dashboards/").status_code == 404


def test_every_figure_names_its_rule_with_the_pack_words_and_seed(demo: dict[str, Organisation]) -> None:
    org = demo["leeds"]
    html = login("leeds.sm").get("/dashboards/authority/").content.decode()
    pack = org.pack
    # the ratio figure measures Leeds 4.1, in the pack's own words, with its seed file
    assert "leeds.ratio" in html and "Leeds City Council 4.1" in html
    assert pack.cite(pack.ratio) in html
    # the disruption log measures Leeds 4.9 (the pack's "disruption_log" rule)
    assert "leeds.disruption_log" in html and "log planned, re-arranged and held sessions" in html


def test_drill_down_from_an_authority_figure_to_a_person_and_a_session(demo: dict[str, Organisation]) -> None:
    sm = login("leeds.sm")
    html = sm.get("/dashboards/authority/").content.decode()
    drills = links(html, "/dashboards/authority/figures/overdue/?")
    assert drills, "the overdue figure's numbers link to their rows"
    rows = sm.get(drills[0])
    assert rows.status_code == 200
    detail = rows.context["detail"]
    assert detail.rows and all(row[7].value == "overdue" for row in detail.rows)
    person_url = links(rows.content.decode(), "/people/")[0]
    assert sm.get(person_url).status_code == 200
    # the disruption log's cancelled sessions lead to each session
    drill = links(html, "/dashboards/authority/figures/disruption/?")[0]
    session_url = links(sm.get(drill).content.decode(), "/sessions/")[0]
    assert sm.get(session_url).status_code == 200
    # every figure's own page renders, at every level
    for slug in EVERY_LEVEL_FIGURES:
        assert sm.get(f"/dashboards/authority/figures/{slug}/").status_code == 200, slug
    # reads are audited as the file pages are
    assert AuditEvent.objects.filter(action="dashboard.view", acting_as="authority dashboard").exists()


def test_exports_parse_as_csv_and_xlsx(demo: dict[str, Organisation]) -> None:
    from openpyxl import load_workbook

    sm = login("leeds.sm")
    page = sm.get("/dashboards/authority/figures/overdue/")
    detail = page.context["detail"]
    response = sm.get("/dashboards/authority/figures/overdue/rows.csv")
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0] == detail.headers
    assert len(rows) - 1 == detail.total > 0
    assert {row[7] for row in rows[1:]} == {"overdue"}
    response = sm.get("/dashboards/authority/figures/overdue/rows.xlsx")
    sheet = load_workbook(io.BytesIO(response.content)).active
    values = list(sheet.iter_rows(values_only=True))
    assert list(values[0]) == detail.headers and len(values) - 1 == detail.total
    # a figure's own table
    summary = sm.get("/dashboards/authority/figures/disruption/summary.csv")
    table = list(csv.reader(io.StringIO(summary.content.decode())))
    assert table[0] == ["Cancelled by", "Sickness", "Leave", "Other", "All"]
    assert sum(int(row[-1]) for row in table[1:]) > 0
    assert AuditEvent.objects.filter(action="dashboard.export").count() == 3


def test_filters_narrow_every_figure(demo: dict[str, Organisation]) -> None:
    org = demo["leeds"]
    sm = login("leeds.sm")
    team = org.teams.get(name="Family support team")
    response = sm.get("/dashboards/authority/figures/overdue/rows.csv", {"role": "social_worker"})
    rows = list(csv.reader(io.StringIO(response.content.decode())))[1:]
    assert rows and {row[2] for row in rows} == {"Social worker"}
    response = sm.get("/dashboards/authority/figures/overdue/rows.csv", {"team": team.pk})
    rows = list(csv.reader(io.StringIO(response.content.decode())))[1:]
    assert rows and {row[1] for row in rows} == {team.name}
    response = sm.get("/dashboards/authority/figures/disruption/rows.csv", {"kind": "personal"})
    rows = list(csv.reader(io.StringIO(response.content.decode())))[1:]
    assert rows and all(row[0].startswith("Personal") for row in rows)
    # the filters carry into each figure's drill-down links
    html = sm.get("/dashboards/authority/", {"role": "social_worker"}).content.decode()
    assert all("role=social_worker" in link for link in links(html, "/dashboards/authority/figures/"))


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"team": "abc"}, "Team must be one of the teams listed"),
        ({"team": "999999"}, "Team must be one of the teams listed"),
        ({"role": "wizard"}, "Role must be one of the values listed"),
        ({"kind": "tea"}, "Kind of supervision must be one of the values listed"),
        ({"start": "2026-13-01"}, "From must be a real date"),
        ({"end": "yesterday"}, "To must be a real date"),
        ({"start": "2026-06-01", "end": "2026-01-01"}, "From must be on or before To"),
        ({"start": "2001-01-01", "end": "2026-01-01"}, "From must be no more than 6 years before To"),
        ({"month": "2026-1"}, "Month must be a year and month"),
        ({"status": "fine"}, "Status must be one of the values listed"),
    ],
)
def test_bad_filters_get_a_message_naming_the_field(
    demo: dict[str, Organisation], params: dict[str, str], message: str
) -> None:
    sm = login("leeds.sm")
    pages = ("/dashboards/authority/", "/dashboards/authority/figures/overdue/")
    for url in (*pages, "/dashboards/authority/figures/overdue/rows.csv"):
        response = sm.get(url, params)
        assert response.status_code == 400, url
        html = response.content.decode()
        assert "There is a problem" in html and message in html, url
        field = next(iter(params)) if len(params) == 1 else "start"
        assert f'href="#id_{field}"' in html, url  # the error summary leads to the field
        for name, value in params.items():
            if name in ("start", "end", "month"):  # typed values are kept as typed
                assert f'value="{value}"' in html, url


def test_the_navigation_links_to_the_dashboards_for_those_who_have_one(demo: dict[str, Organisation]) -> None:
    assert 'href="/dashboards/"' in login("leeds.tm1").get("/home/").content.decode()
    assert 'href="/dashboards/"' in login("leeds.sm").get("/home/").content.decode()
    assert 'href="/dashboards/"' not in login("leeds.sw1").get("/home/").content.decode()
