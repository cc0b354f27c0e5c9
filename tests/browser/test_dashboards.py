"""The dashboards in a real browser (issue 5 acceptance: "a browser test drills from an
authority figure down to a person and a session").

On the Leeds demo authority, the service manager at the top of the line-management tree signs
in, follows "Dashboards" in the navigation to the authority dashboard, reads the disruption log
(its chart and the table behind it), follows a number to the cancelled sessions behind it, and
from there opens a supervisee's file and one of the sessions. Every page is screenshotted and
checked with axe-core (WCAG 2.2 A and AA): no violations.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.utils import timezone

from oversight.compliance.store import refresh_organisation
from oversight.demo import DEMO_PASSWORD, load_demo
from oversight.organisations.models import Organisation

from .conftest import Walk

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("flush_past_append_only_triggers")]


@pytest.fixture
def leeds(transactional_db: None) -> Organisation:
    (org,) = load_demo(only=("leeds-2023",))
    refresh_organisation(org, timezone.localdate())
    return org


def test_drill_from_an_authority_figure_to_a_person_and_a_session(
    leeds: Organisation, live_server: Any, walk: Walk
) -> None:
    base = live_server.url
    page = walk.page
    page.goto(f"{base}/sign-in/")
    page.get_by_label("Username").fill("leeds.sm")
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"{base}/")

    page.get_by_role("link", name="Dashboards").click()
    page.wait_for_url(f"{base}/dashboards/")
    walk.step("the dashboards the service manager may open")
    page.get_by_role("link", name=leeds.name, exact=True).click()
    page.wait_for_url(f"{base}/dashboards/authority/")
    assert page.get_by_role("heading", name=leeds.name, level=1).is_visible()
    walk.step("the authority dashboard")

    # The disruption log: a chart with its title, and the table alternative behind a details.
    log = page.locator("section", has=page.get_by_role("heading", name="The disruption log: cancelled sessions"))
    chart = log.get_by_role("img", name=re.compile("Cancelled sessions, by month and reason"))
    assert chart.is_visible()
    log.get_by_text("Cancelled sessions, by month and reason: as a table").click()
    assert log.get_by_role("table", name="Cancelled sessions, by month and reason").is_visible()
    assert log.get_by_text("leeds.disruption_log").count() == 1

    # A number in the log's table leads to the sessions behind it.
    row = log.get_by_role("row", name=re.compile("^The supervisee"))
    row.get_by_role("link").last.click()
    page.wait_for_url(re.compile(r"/dashboards/authority/figures/disruption/\?.*who=supervisee"))
    assert page.get_by_role("heading", name="The people and sessions behind it").is_visible()
    walk.step("the cancelled sessions behind the figure")
    rows = page.get_by_role("table", name="Cancelled sessions", exact=True).locator("tbody tr")
    assert rows.count() >= 1
    first = rows.first
    person_name = first.locator("td").first.inner_text()
    behind = page.url

    # ... down to a person ...
    first.get_by_role("link", name=person_name).click()
    page.wait_for_url(re.compile(r"/people/\d+/$"))
    assert page.get_by_role("heading", name=person_name, level=1).is_visible()
    walk.step("the supervisee's file")

    # ... and to a session.
    page.goto(behind)
    page.get_by_role("table", name="Cancelled sessions", exact=True).locator("tbody tr").first.locator("th a").click()
    page.wait_for_url(re.compile(r"/sessions/\d+/$"))
    assert page.get_by_text("cancelled", exact=False).first.is_visible()
    walk.step("the cancelled session")

    assert not walk.violations, (
        f"axe found WCAG 2.2 A/AA violations on {len(walk.violations)} page checks:\n" + "\n".join(walk.violations)
    )
