"""Issue 9 in a real browser, on the Leeds pack: Theo writes Sally's record with the council's
reflective prompts beside its sections and ticks what the session covered; sharing is held back
because the record names a child on Sally's caseload; the check page shows the finding in place
and moves it to a case direction in one click; the record is shared. Then his supervisees'
4x4x4 coverage and his team's supervisor capacity, with a what-if and a bad quarter named in the
error summary. Every page is screenshotted and checked with axe-core (WCAG 2.2 A and AA)."""

from __future__ import annotations

import re
from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.utils import timezone

from oversight.compliance.store import refresh_organisation
from oversight.imports.services import caseload_import_apply
from oversight.people.models import Person
from oversight.records.models import Record
from oversight.sessions.services import session_hold, session_schedule
from oversight.supervision.services import relationship_start

from ..personas import Cast, make_cast
from .conftest import Walk

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("flush_past_append_only_triggers")]

PASSWORD = "correct-horse-battery-staple"
CASELOAD = (
    b"Child ID,Allocated worker ID,Status,Allocated date,First name,Surname\nLCS204913,S1,CP,2025-06-02,Jayden,Clarke\n"
)
SENTENCE = "Talked about Jayden Clarke (LCS204913), who was upset after contact."


@pytest.fixture
def world(transactional_db: None) -> tuple[Cast, Record]:
    from django.contrib.auth import get_user_model

    cast = make_cast("leeds-2023", "leeds-practice")
    today = timezone.localdate()
    for person in (cast.theo, cast.sally):
        person.user = get_user_model().objects.create_user(username=f"practice-{person.staff_id}", password=PASSWORD)
        person.save()
    Person.objects.filter(pk__in=[cast.theo.pk, cast.sally.pk]).update(weekly_hours=Decimal(37))
    relationship_start(
        organisation=cast.org,
        by=cast.maria,
        supervisor=cast.theo,
        supervisee=cast.sally,
        start=today - timedelta(days=400),
    )
    caseload_import_apply(organisation=cast.org, data=CASELOAD, by=cast.maria, today=today)
    session = session_schedule(
        organisation=cast.org,
        by=cast.theo,
        kind="personal",
        supervisor=cast.theo,
        supervisee=cast.sally,
        date=today - timedelta(days=2),
    )
    session_hold(session=session, by=cast.theo, today=today)
    refresh_organisation(cast.org, today)
    return cast, Record.objects.get(session=session)


def test_prompts_coverage_guard_and_capacity(world: tuple[Cast, Record], live_server: Any, walk: Walk) -> None:
    cast, record = world
    username = cast.theo.user.username  # type: ignore[union-attr]  (no ORM once the browser's loop runs)
    base, page = live_server.url, walk.page
    page.goto(f"{base}/sign-in/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"{base}/")

    # The draft: the council's prompts beside its sections, the coverage ticks in the same form.
    record_url = f"{base}/records/{record.pk}/"
    page.goto(record_url)
    prompts = page.get_by_text(re.compile("^Prompts for reflection")).first
    assert prompts.is_visible()
    prompts.click()  # open the details
    walk.step("the draft with Leeds's reflective prompts")
    page.locator("textarea").first.fill(SENTENCE)
    page.get_by_label("Support", exact=True).check()
    page.get_by_label("Management", exact=True).check()
    page.get_by_role("button", name="Save draft").click()
    page.wait_for_url(record_url)
    assert page.get_by_text("Draft saved.").is_visible()
    assert page.get_by_label("Support", exact=True).is_checked()

    # Sharing is held back: the record names a child on Sally's caseload.
    page.get_by_role("button", name=re.compile("^Share with")).click()
    summary = page.locator(".govuk-error-summary")
    assert summary.is_visible() and "children's information" in summary.inner_text()
    walk.step("sharing held back by the child-data guard")

    # The check page: the finding in place, moved to a case direction in one click.
    page.get_by_role("link", name="Check for children's information").first.click()
    page.wait_for_url(f"{base}/records/{record.pk}/check/")
    assert page.get_by_role("heading", name="Check for children's information", level=1).is_visible()
    assert page.locator("mark").first.is_visible()
    walk.step("the guard's findings in place")
    page.get_by_role("button", name=re.compile("^Move to a case direction")).first.click()
    page.wait_for_url(re.compile(r"/records/\d+/check/$"))
    assert page.get_by_text("No children's information was found in this record.").is_visible()
    walk.step("moved: nothing left to check")
    page.get_by_role("button", name=re.compile("^Share with")).click()
    page.wait_for_url(record_url)
    assert page.get_by_text(re.compile("shared", re.IGNORECASE)).first.is_visible()
    assert "Jayden" not in page.content()
    walk.step("shared")

    # 4x4x4 coverage of his supervisees, from the dashboards.
    page.goto(f"{base}/dashboards/")
    page.get_by_role("link", name="Coverage: my supervisees").click()
    page.wait_for_url(f"{base}/dashboards/supervisor/coverage/")
    assert page.get_by_text("Sally Social").first.is_visible()
    walk.step("4x4x4 coverage of my supervisees")

    # Supervisor capacity for his team, a bad quarter named, then a what-if.
    page.goto(f"{base}/dashboards/")
    page.get_by_role("link", name="Supervisor capacity").click()
    page.wait_for_url(f"{base}/capacity/")
    walk.step("capacity: the plans")
    page.get_by_role("link", name="Team A").click()
    page.wait_for_url(re.compile(r"/capacity/team-\d+/$"))
    assert page.get_by_role("heading", level=1).is_visible()
    walk.step("capacity: Team A next quarter")
    page.get_by_label("Quarter").fill("2026-Q9")
    page.get_by_role("button", name="Recompute").click()
    assert page.locator(".govuk-error-summary").get_by_role("link", name=re.compile("^Quarter")).is_visible()
    assert page.get_by_label("Quarter").input_value() == "2026-Q9"  # kept as typed
    walk.step("capacity: a bad quarter named")
    page.get_by_label("Quarter").fill("")
    page.get_by_label("Share of contracted hours available for supervision (%)").fill("10")
    page.get_by_label("What if this rule's frequency changed").select_option(index=1)
    page.get_by_label("to every").fill("2")
    page.get_by_role("button", name="Recompute").click()
    page.wait_for_url(re.compile(r"/capacity/team-\d+/\?"))
    assert page.get_by_role("heading", name=re.compile("after the what-if")).is_visible()
    walk.step("capacity: a what-if")

    assert not walk.violations, (
        f"axe found WCAG 2.2 A/AA violations on {len(walk.violations)} page checks:\n" + "\n".join(walk.violations)
    )
