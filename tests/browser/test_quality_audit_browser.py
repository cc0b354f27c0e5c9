"""The quality assurance audit of one supervisor's files, start to finish in a real browser (issue 8
acceptance), on the Leeds pack.

Maria, Theo's line manager, follows "Quality assurance" in the navigation, starts an audit of
Theo's supervision files sampling Sally's and Asha's, answers the Leeds questions on each file
beside its facts, records a finding with an action for Theo, and completes the audit as
"requires improvement". Quinn, quality assurance in their service, finds it in her moderation
queue and moderates it to "good" with a note; both outcomes stay on the page. Theo opens the
audit from his own file and marks his action done. Every page is screenshotted and checked with
axe-core against WCAG 2.2 A and AA: no violations.
"""

from __future__ import annotations

import re
import time
from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from oversight.compliance.store import refresh_organisation
from oversight.records.models import Record
from oversight.records.services import record_save_draft, record_share
from oversight.sessions.services import session_hold, session_schedule

from ..test_quality import QualityWorld, build_quality_world
from .conftest import Walk

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("flush_past_append_only_triggers")]

PASSWORD = "correct-horse-battery-staple"
SUMMARY = "Supervision is regular and reflective; planning the next date needs work."
MODERATION_NOTE = "The frequency was met for both files: the partly met answers are about planning only."
ACTION = "Agree and record the next date at the end of each session"


@pytest.fixture
def world(transactional_db: None) -> QualityWorld:
    w = build_quality_world("leeds-2023", "leeds-browser")
    c = w.cast
    for person in (c.maria, c.theo, c.sally, w.quinn):
        assert person.user is not None
        person.user.set_password(PASSWORD)
        person.user.save()
    today = timezone.localdate()
    session = session_schedule(
        organisation=c.org,
        by=c.theo,
        kind="personal",
        supervisor=c.theo,
        supervisee=c.sally,
        date=today - timedelta(days=6),
    )
    session = session_hold(session=session, by=c.theo, today=today)
    record = Record.objects.get(session=session)
    section = c.org.pack.template(record.template_id).sections[0].id
    record = record_save_draft(
        record=record, by=c.theo, content={section: "Caseload and wellbeing."}, expected_version=1
    )
    record_share(record=record, by=c.theo, on=today - timedelta(days=5))
    refresh_organisation(c.org, today)
    return w


def sign_in(walk: Walk, base: str, username: str, who: str) -> None:
    page = walk.page
    page.goto(f"{base}/sign-in/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"{base}/")
    assert page.get_by_role("heading", name="My supervision", level=1).is_visible()
    walk.step(f"my supervision as {who}")


def sign_out(walk: Walk, base: str) -> None:
    walk.page.get_by_role("button", name="Sign out").click()
    walk.page.wait_for_url(f"{base}/")


def answer_file(walk: Walk, name: str, partly: int) -> None:
    """On a sampled file's page: the first answer of every question, and "partly met" on the
    ``partly``th; then save."""
    page = walk.page
    assert page.get_by_role("heading", name=f"{name}'s file", level=1).is_visible()
    assert page.get_by_role("heading", name="The file at a glance").is_visible()
    groups = page.locator(".govuk-radios")
    assert groups.count() == 11  # the Leeds audit's questions
    for index in range(groups.count()):
        pick = 1 if index == partly else 0
        groups.nth(index).locator("label").nth(pick).click()
    walk.step(f"the questions answered on {name}'s file")
    page.get_by_role("button", name=f"Save answers for {name}'s file").click()
    page.wait_for_url(re.compile(r"/quality/audits/\d+/files/\d+/$"))
    assert page.get_by_text(f"Answers saved for {name}'s file: 11 of 11.").is_visible()


def test_an_audit_from_start_to_completed_and_moderated(world: QualityWorld, live_server: Any, walk: Walk) -> None:
    started = time.monotonic()
    base = live_server.url
    page = walk.page
    c = world.cast
    due = timezone.localdate() + timedelta(days=30)

    # Maria, Theo's line manager: from the navigation to a new audit of Theo's files.
    sign_in(walk, base, c.maria.user.username, "Maria")  # type: ignore[union-attr]
    page.locator("#navigation").get_by_role("link", name="Quality assurance").click()
    page.wait_for_url(f"{base}/quality/")
    assert page.get_by_role("heading", name="Quality assurance of supervision", level=1).is_visible()
    walk.step("quality assurance home")
    page.get_by_role("link", name="Start an audit of Theo Team's files").click()
    page.wait_for_url(re.compile(r"/quality/audits/new/\?supervisor=\d+$"))
    walk.step("start an audit of Theo's files")
    page.get_by_role("button", name="Start the audit").click()  # nothing chosen: the field is named
    assert page.get_by_role("link", name="Choose at least one supervisee whose file to sample").is_visible()
    walk.step("the sample is required")
    page.get_by_label("Sally Social (social worker)").check()
    page.get_by_label("Asha Asye (nqsw asye)").check()
    page.get_by_role("button", name="Start the audit").click()
    page.wait_for_url(re.compile(r"/quality/audits/\d+/$"))
    audit_url = page.url
    assert page.get_by_text("Audit of Theo Team's supervision files started.").is_visible()
    walk.step("the audit started")

    # Each file beside the Leeds questions.
    page.get_by_role("link", name="Answer the questions for Asha Asye's file").click()
    answer_file(walk, "Asha Asye", partly=2)
    page.get_by_role("link", name=re.compile("Next file")).click()
    answer_file(walk, "Sally Social", partly=-1)
    assert page.get_by_text("shared", exact=False).first.is_visible()  # Sally's file: the shared record
    page.get_by_role("link", name="Back to the audit of Theo Team's files").click()
    page.wait_for_url(audit_url)
    assert page.get_by_role("cell", name="11 of 11 done").count() == 2

    # A finding with an action for Theo, then the outcome.
    page.get_by_text("Add a finding and its action").click()
    page.get_by_label("Finding").fill("The next session's date is not always agreed at the end.")
    page.get_by_label("Action").fill(ACTION)
    page.get_by_label("Who").select_option(label="Theo Team")
    page.locator("#id_due_0").fill(str(due.day))
    page.locator("#id_due_1").fill(str(due.month))
    page.locator("#id_due_2").fill(str(due.year))
    page.get_by_role("button", name="Add the finding").click()
    page.wait_for_url(audit_url)
    assert page.get_by_text("Finding and action added.").is_visible()
    walk.step("a finding with its action")
    page.get_by_label("Requires improvement").check()
    page.get_by_label("Summary: the good practice found and what requires development").fill(SUMMARY)
    page.get_by_role("button", name="Complete the audit").click()
    page.wait_for_url(audit_url)
    assert page.get_by_text("Audit completed.").is_visible()
    assert page.get_by_text(SUMMARY).is_visible()
    walk.step("the audit completed")
    sign_out(walk, base)

    # Quinn, quality assurance: the moderation queue, and a changed outcome with her reasons.
    sign_in(walk, base, world.quinn.user.username, "Quinn")  # type: ignore[union-attr]
    page.locator("#navigation").get_by_role("link", name="Quality assurance").click()
    queue = page.get_by_role("table", name="Audits waiting for your moderation")
    assert queue.is_visible()
    walk.step("the moderation queue")
    queue.get_by_role("link", name=re.compile("Theo Team")).click()
    page.wait_for_url(audit_url)
    page.get_by_role("button", name="Record the moderation").click()  # nothing chosen
    assert page.get_by_role("link", name="Choose the moderated outcome").is_visible()
    page.get_by_label("Good", exact=True).check()
    page.get_by_role("button", name="Record the moderation").click()  # changed, with no reason
    assert page.get_by_role("link", name="Say why you changed the outcome").is_visible()
    walk.step("moderation needs a reason for a change")
    page.get_by_label("Good", exact=True).check()
    page.get_by_label("Moderation note").fill(MODERATION_NOTE)
    page.get_by_role("button", name="Record the moderation").click()
    page.wait_for_url(audit_url)
    assert page.get_by_text("Moderation recorded beside the auditor's outcome.").is_visible()
    assert page.get_by_text("changed from the auditor's Requires improvement").is_visible()
    assert page.get_by_text(MODERATION_NOTE).is_visible()
    walk.step("the audit moderated, both outcomes kept")
    sign_out(walk, base)

    # Theo: the audit from his own file, and his action marked done.
    sign_in(walk, base, c.theo.user.username, "Theo")  # type: ignore[union-attr]
    page.goto(f"{base}/people/{c.theo.pk}/")
    page.get_by_role("link", name=re.compile("Audit of Theo Team's files, started")).click()
    page.wait_for_url(audit_url)
    page.get_by_role("button", name=re.compile("Mark as done")).click()
    page.wait_for_url(audit_url)
    assert page.get_by_text("Action marked as done.").is_visible()
    walk.step("Theo's action done")

    elapsed = time.monotonic() - started
    print(f"\nquality audit walk: {len(walk.steps)} pages in {elapsed:.1f} s; screenshots in {walk.output}")
    assert not walk.violations, (
        f"axe found WCAG 2.2 A/AA violations on {len(walk.violations)} page checks:\n" + "\n".join(walk.violations)
    )
