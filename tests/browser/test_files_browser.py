"""The supervision file's items in a real browser (oversight.files), on the Leeds pack.

Sally signs in, opens her next session and writes her preparation form for it, then adds a
self-care plan to her supervision file. Theo, her supervisor, reads her preparation on the
session's page, opens her file, reads the self-care plan and records a review of it, and opens
the attendance note form, which says why nothing can be attached. Every page is screenshotted
and checked with axe-core against WCAG 2.2 A and AA: no violations.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from oversight.sessions.services import session_schedule

from ..test_files import FileWorld, build_file_world
from .conftest import Walk

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("flush_past_append_only_triggers")]

PASSWORD = "correct-horse-battery-staple"


@pytest.fixture
def world(transactional_db: None) -> tuple[FileWorld, int]:
    w = build_file_world("leeds-2023", "leeds-files-browser")
    for person in (w.sally, w.cast.theo):
        assert person.user is not None
        person.user.set_password(PASSWORD)
        person.user.save()
    session = session_schedule(
        organisation=w.cast.org,
        by=w.cast.theo,
        kind="personal",
        supervisor=w.cast.theo,
        supervisee=w.sally,
        date=timezone.localdate() + timedelta(days=7),
    )
    return w, session.pk


def sign_in(walk: Walk, base: str, username: str) -> None:
    page = walk.page
    page.goto(f"{base}/sign-in/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"{base}/")


def test_preparation_and_a_reviewed_self_care_plan_in_the_browser(
    world: tuple[FileWorld, int], live_server: Any, walk: Walk
) -> None:
    w, session_pk = world
    base, page = live_server.url, walk.page
    assert w.sally.user is not None and w.cast.theo.user is not None

    sign_in(walk, base, w.sally.user.username)
    page.goto(f"{base}/sessions/{session_pk}/")
    walk.step("sally's next session")
    page.get_by_role("link", name="Write your preparation for this session").click()
    walk.step("the preparation form")
    page.get_by_label("Items I want to add to the agenda").fill("Workload after the duty week\nBooking my CPD day")
    page.get_by_label("How I am looking after myself at the minute").fill("Walking at lunchtime again")
    page.get_by_role("button", name="Save").click()
    page.get_by_role("heading", name="Preparation for supervision", level=1).wait_for()
    walk.step("the preparation form saved")

    page.goto(f"{base}/people/{w.sally.pk}/file/")
    walk.step("sally's supervision file")
    page.get_by_role("link", name="Add: Self-care plan").click()
    page.get_by_label("Plan - how I will look after myself").fill("Protected lunch break three days a week")
    page.get_by_role("button", name="Save").click()
    page.get_by_role("heading", name="Self-care plan", level=1).wait_for()
    walk.step("the self-care plan saved")
    page.get_by_role("button", name="Sign out").click()

    sign_in(walk, base, w.cast.theo.user.username)
    page.goto(f"{base}/sessions/{session_pk}/")
    assert page.get_by_text("Workload after the duty week").is_visible()
    walk.step("theo reads her preparation before the session")
    page.goto(f"{base}/people/{w.sally.pk}/")
    walk.step("sally's file with its supervision file section")
    page.get_by_role("link", name="Self-care plan").first.click()
    page.get_by_role("link", name="Record a review").click()
    walk.step("the review form")
    page.get_by_label("What the review found").fill("Still working; added a debrief after court")
    page.get_by_role("button", name="Record").click()
    page.get_by_text("Still working; added a debrief after court").wait_for()
    walk.step("the plan with its review and history")
    page.goto(f"{base}/people/{w.sally.pk}/file/new/attendance_note/")
    assert page.get_by_text("Copies of sick notes must not be kept").is_visible()
    walk.step("the attendance note form says why nothing is attached")

    assert not walk.violations, "\n".join(walk.violations)
