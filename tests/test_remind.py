"""Reminders: who is told what, when, and why (issue 6)."""

from __future__ import annotations

from datetime import date
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from oversight.demo import load_demo
from oversight.people.services import absence_record
from oversight.reminders.selectors import BEFORE_DUE, ESCALATED, NEEDS_COVER, OVERDUE, Reminder, reminders_due
from oversight.sessions.services import session_hold, session_schedule
from oversight.supervision.services import relationship_start

from .personas import Cast, make_cast

pytestmark = pytest.mark.django_db

HELD = date(2026, 11, 3)  # Sally's last personal supervision; Leeds: monthly, so next due 3 December 2026
DUE = date(2026, 12, 3)
LEEDS_SOURCE = "001_8acf471507eacfb1.txt"


@pytest.fixture
def cast() -> Cast:
    cast = make_cast()
    for supervisee in (cast.sally, cast.asha):
        relationship_start(
            organisation=cast.org, by=cast.theo, supervisor=cast.theo, supervisee=supervisee, start=date(2026, 1, 5)
        )
    session = session_schedule(
        organisation=cast.org, by=cast.theo, kind="personal", supervisor=cast.theo, supervisee=cast.sally, date=HELD
    )
    session_hold(session=session, by=cast.theo, today=HELD)
    return cast


def sallys_personal(cast: Cast, today: date) -> list[Reminder]:
    ob_id = f"supervision:personal:p{cast.sally.pk}"
    return [r for r in reminders_due(cast.org, today) if r.obligation_id == ob_id]


def test_supervisee_and_supervisor_are_reminded_a_week_before_the_session_falls_due(cast: Cast) -> None:
    assert sallys_personal(cast, date(2026, 11, 25)) == []  # 8 days ahead: not yet

    reminders = sallys_personal(cast, date(2026, 11, 26))
    assert {(r.recipient, r.reason) for r in reminders} == {(cast.sally, BEFORE_DUE), (cast.theo, BEFORE_DUE)}
    for r in reminders:
        assert r.what == "Personal supervision with Sally Social is due on 3 December 2026"
        assert r.about == cast.sally
        assert r.due == DUE
        assert r.kind == "supervision"


def test_each_reminder_names_the_rule_and_its_seed_source(cast: Cast) -> None:
    reminders = reminders_due(cast.org, date(2026, 11, 26))
    assert reminders
    for r in reminders:
        rule, source = r.why.split(", ", 1)
        assert rule.startswith("leeds.")
        assert source.startswith(LEEDS_SOURCE)
    (personal, *_) = sallys_personal(cast, date(2026, 11, 26))
    assert personal.why == f"leeds.personal.monthly, {LEEDS_SOURCE} 4.4"


def test_the_line_manager_hears_only_once_it_has_stayed_overdue_past_14_days(cast: Cast) -> None:
    fortnight = sallys_personal(cast, date(2026, 12, 17))  # 14 days overdue
    assert {(r.recipient, r.reason) for r in fortnight} == {(cast.sally, OVERDUE), (cast.theo, OVERDUE)}
    assert fortnight[0].what == "Personal supervision with Sally Social was due on 3 December 2026 (14 days overdue)"

    later = sallys_personal(cast, date(2026, 12, 18))  # 15 days
    assert {(r.recipient, r.reason) for r in later} == {
        (cast.sally, OVERDUE),
        (cast.theo, OVERDUE),
        (cast.maria, ESCALATED),  # Theo's line manager
    }


def test_reminders_are_sorted_by_recipient_then_due_date(cast: Cast) -> None:
    reminders = reminders_due(cast.org, date(2026, 12, 18))
    keys = [(r.recipient.name, r.due) for r in reminders]
    assert keys == sorted(keys)


def test_an_absent_supervisors_supervisees_and_line_manager_are_told_who_needs_cover(cast: Cast) -> None:
    absence_record(person=cast.theo, by=cast.maria, start=date(2026, 11, 1), planned=False)
    cover = [r for r in reminders_due(cast.org, date(2026, 11, 20)) if r.kind == "absence_cover"]
    assert {(r.recipient, r.about) for r in cover} == {
        (cast.maria, cast.sally),
        (cast.maria, cast.asha),
        (cast.sally, cast.sally),
        (cast.asha, cast.asha),
    }
    assert all(r.reason == NEEDS_COVER for r in cover)
    sally = next(r for r in cover if r.recipient == cast.sally)
    assert sally.what == "Sally Social needs cover for supervision: Theo Team has been absent since 1 November 2026"
    assert sally.why.startswith("leeds.absence_cover, ")


def test_the_command_refuses_schedule_with_dry_run() -> None:
    with pytest.raises(CommandError, match="--schedule: cannot be used with --dry-run") as caught:
        call_command("remind", "--dry-run", "--schedule")
    assert caught.value.returncode == 2


def test_dry_run_on_the_demo_lists_each_kind_of_reminder_with_a_count() -> None:
    (org,) = load_demo(today=date(2026, 11, 20), only=("leeds-2023",))
    expected = reminders_due(org, date(2026, 11, 20))
    out = StringIO()
    call_command("remind", "--dry-run", "--today", "2026-11-20", "--organisation", org.slug, stdout=out)
    lines = out.getvalue().splitlines()

    assert lines[0].startswith(f"{org.name} ({org.slug}), 20 November 2026")
    assert lines[-1] == f"{len(expected)} reminders would be sent"
    body = lines[1:-1]
    assert len(body) == len(expected)
    kinds = {r.kind for r in expected}
    assert {"supervision", "agreement_review"} <= kinds
    for kind in kinds:
        r = next(r for r in expected if r.kind == kind)
        assert any(r.recipient.name in line and r.what in line and r.why in line for line in body), kind
