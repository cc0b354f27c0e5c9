"""The supervision walk in a real browser, on the Leeds pack, as the people who do it.

Theo (team manager) books a session with Sally for yesterday, marks it held, writes the record on
the Leeds template with an action for Sally, and shares it. Sally disputes a line in her own
words. Theo finalises it with both views. The next session's record shows the open action on
its agenda. Every page is screenshotted into test-output/browser/ and checked with axe-core
against WCAG 2.0, 2.1 and 2.2 A and AA: it must have no violations.
"""

from __future__ import annotations

import calendar
import re
import time
from datetime import date, timedelta
from typing import Any

import pytest
from django.utils import timezone

from oversight.supervision.services import relationship_start

from ..personas import Cast, give_sign_ins, make_cast
from .conftest import Walk

# live_server needs data committed where its thread can see it: transactional_db, emptied by flush.
pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("flush_past_append_only_triggers")]

PASSWORD = "correct-horse-battery-staple"
SECTION_TEXT = "We talked about Sally's caseload of 24 and the two children waiting for a plan."
ACTION_TEXT = "Book Sally onto the April court skills training"
SALLY_VIEW = "I said my caseload is too high to do the visits well, not that it is manageable."
WALK_SECONDS = 60


def add_month(day: date) -> date:
    month = day.month % 12 + 1
    year = day.year + (day.month == 12)
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


@pytest.fixture
def cast(transactional_db: None) -> Cast:
    """The persona cast on the Leeds pack, each with a sign-in and a known password."""
    cast = make_cast("leeds-2023")
    give_sign_ins(cast, password=PASSWORD)
    relationship_start(
        organisation=cast.org, by=cast.maria, supervisor=cast.theo, supervisee=cast.sally, start=date(2024, 1, 8)
    )
    return cast


def sign_in(walk: Walk, base: str, username: str, who: str) -> None:
    page = walk.page
    page.goto(f"{base}/sign-in/")
    walk.step(f"sign in page for {who}")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"{base}/")
    assert page.get_by_role("heading", name="My supervision", level=1).is_visible()
    walk.step(f"my supervision as {who}")


def sign_out(walk: Walk, base: str, who: str) -> None:
    page = walk.page
    page.get_by_role("button", name="Sign out").click()
    page.wait_for_url(f"{base}/")
    assert page.get_by_role("link", name="Sign in").is_visible()
    walk.step(f"signed out {who}")


def book_and_hold(walk: Walk, base: str, day: date, what: str) -> None:
    """From Sally's file: book a personal session on `day`, then mark it held (opens the record)."""
    page = walk.page
    page.get_by_role("button", name="Book a session").click()
    page.wait_for_url(re.compile(r"/sessions/new/"))
    page.get_by_label("Kind of session").select_option("personal")
    assert page.get_by_label("Supervisee", exact=True).input_value() != ""  # chosen from Sally's file
    page.locator("#id_date_0").fill(str(day.day))
    page.locator("#id_date_1").fill(str(day.month))
    page.locator("#id_date_2").fill(str(day.year))
    page.get_by_label("Place").fill("Room 4, Merrion House")
    walk.step(f"book the {what} session")
    page.get_by_role("button", name="Book session").click()
    page.wait_for_url(re.compile(r"/sessions/\d+/$"))
    assert page.get_by_text("Session booked for").is_visible()
    walk.step(f"{what} session booked")
    page.get_by_role("button", name="Mark as held and write the record").click()
    page.wait_for_url(re.compile(r"/records/\d+/$"))
    walk.step(f"{what} record opened on the Leeds template")


def test_walk_schedule_record_share_dispute_finalise_next_agenda(cast: Cast, live_server: Any, walk: Walk) -> None:
    started = time.monotonic()
    base = live_server.url
    page = walk.page
    today = timezone.localdate()
    yesterday = today - timedelta(days=1)
    due = add_month(today)

    # Theo, the team manager: sign in through the form, open Sally's file, book and hold a session.
    sign_in(walk, base, "t1", "Theo")
    page.get_by_role("link", name="Sally Social").click()
    page.wait_for_url(f"{base}/people/{cast.sally.pk}/")
    assert page.get_by_role("heading", name="Sally Social", level=1).is_visible()
    walk.step("Sally's supervision file")
    book_and_hold(walk, base, yesterday, "first")
    record_url = page.url
    assert "Leeds City Council" in page.locator(".govuk-caption-l").inner_text()

    # The Leeds template's own sections: write two of them and save the draft.
    sections = page.locator("textarea[name^='section-']")
    assert sections.count() >= 2
    sections.nth(0).fill(SECTION_TEXT)
    sections.nth(1).fill("Sally is tired; we agreed a self-care plan review next month.")
    page.get_by_role("button", name="Save draft").click()
    page.wait_for_url(record_url)
    assert page.get_by_text("Draft saved.").is_visible()
    assert page.locator("textarea[name^='section-']").nth(0).input_value() == SECTION_TEXT
    walk.step("record draft saved")

    # An action for Sally, due in a month.
    page.get_by_label("Action", exact=True).fill(ACTION_TEXT)
    page.get_by_label("Who").select_option(label="Sally Social")
    page.locator("#id_due_0").fill(str(due.day))
    page.locator("#id_due_1").fill(str(due.month))
    page.locator("#id_due_2").fill(str(due.year))
    page.get_by_role("button", name="Add action").click()
    page.wait_for_url(record_url)
    assert page.get_by_text("Action added.").is_visible()
    assert page.get_by_text(ACTION_TEXT).is_visible()
    walk.step("action added for Sally")

    page.get_by_role("button", name="Share with Sally Social").click()
    page.wait_for_url(record_url)
    assert page.get_by_text("Record shared with the supervisee.").is_visible()
    walk.step("record shared with Sally")
    sign_out(walk, base, "Theo")

    # Sally: the shared record is on My supervision; she disputes one line in her own words.
    sign_in(walk, base, "s1", "Sally")
    shared = page.get_by_role("heading", name="Records shared with me to agree")
    assert shared.is_visible()
    page.locator("h2:has-text('Records shared with me to agree') + ul a").first.click()
    page.wait_for_url(record_url)
    assert page.get_by_text(SECTION_TEXT).is_visible()
    walk.step("Sally reads the shared record")
    page.get_by_label("Or say what you disagree with, in your own words").fill(SALLY_VIEW)
    page.get_by_role("button", name="Record my disagreement").click()
    page.wait_for_url(record_url)
    assert page.get_by_text("Your view is recorded beside the supervisor's.").is_visible()
    walk.step("Sally's disagreement recorded")
    sign_out(walk, base, "Sally")

    # Theo finalises with both views.
    sign_in(walk, base, "t1", "Theo")
    assert page.get_by_role("heading", name="Records waiting for me").is_visible()
    page.goto(record_url)
    walk.step("Theo reads the disputed record")
    page.get_by_role("button", name="Finalise the record with both views").click()
    page.wait_for_url(record_url)
    assert page.get_by_text("Record finalised. It can now only be added to.").is_visible()
    assert page.get_by_text(SECTION_TEXT).is_visible()  # the supervisor's words ...
    assert page.get_by_text(SALLY_VIEW).is_visible()  # ... and Sally's, side by side
    assert page.get_by_text("Final since").is_visible()
    walk.step("record final with both views")

    # The next session: booked for today and held; its record carries the open action.
    page.locator("#navigation").get_by_role("link", name="My supervision").click()
    page.get_by_role("link", name="Sally Social").click()
    page.wait_for_url(f"{base}/people/{cast.sally.pk}/")
    assert page.get_by_role("heading", name="Open actions").is_visible()
    walk.step("Sally's file with the open action")
    book_and_hold(walk, base, today, "next")
    assert page.url != record_url
    agenda = page.locator(
        ".govuk-inset-text", has=page.get_by_role("heading", name="Open actions carried from earlier sessions")
    )
    assert agenda.is_visible()
    assert ACTION_TEXT in agenda.inner_text()
    assert f"Sally Social, by {due.day} {due:%b} {due.year}" in agenda.inner_text()

    elapsed = time.monotonic() - started
    print(f"\nbrowser walk: {len(walk.steps)} pages in {elapsed:.1f} s; screenshots in {walk.output}")
    assert not walk.violations, (
        f"axe found WCAG 2.2 A/AA violations on {len(walk.violations)} page checks:\n" + "\n".join(walk.violations)
    )
    assert elapsed < WALK_SECONDS * 2, f"the walk took {elapsed:.0f} s; keep it near {WALK_SECONDS} s"
