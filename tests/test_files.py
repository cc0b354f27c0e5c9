"""Supervision file items (oversight.files; Leeds 4.12): the services (history kept, audit
rows, no uploads, who writes what, confidentiality, a change of supervisor) and the events the
obligation engine reads (the kinds as data: tests/test_files_kinds.py). Theo supervises Sally; Maria is above Theo; Fiona supervised Sally
until 2023; Omar manages another team. Time is frozen on Tuesday 10 March 2026."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.contrib.auth import get_user_model
from hypothesis import given, settings
from hypothesis import strategies as st

from oversight.access.reach import Viewer
from oversight.access.services import capability_grant, consent_give, consent_withdraw
from oversight.audit.models import AuditEvent
from oversight.errors import ServiceError
from oversight.files import access
from oversight.files.kinds import file_kinds
from oversight.files.models import FileItem, FileItemEvent, FileItemVersion
from oversight.files.selectors import file_events
from oversight.files.services import (
    change_of_supervisor_record,
    clean_content,
    item_create,
    item_edit,
    item_review,
    item_step,
)
from oversight.people.models import Person
from oversight.sessions.models import Session
from oversight.sessions.services import session_schedule
from oversight.supervision.models import Relationship
from oversight.supervision.services import relationship_end, relationship_start

from .personas import Cast, make_cast

LONDON = ZoneInfo("Europe/London")
NOW = datetime(2026, 3, 10, 10, 30, tzinfo=LONDON)
TODAY = NOW.date()


@pytest.fixture(autouse=True)
def frozen() -> Iterator[None]:
    with time_machine.travel(NOW, tick=False):
        yield


@dataclass
class FileWorld:
    cast: Cast
    fiona: Person
    qa: Person
    relationship: Relationship

    @property
    def sally(self) -> Person:
        return self.cast.sally


def build_file_world(pack: str = "leeds-2023", slug: str = "files-test") -> FileWorld:
    cast = make_cast(pack, slug)
    org, maria = cast.org, cast.maria
    fiona = Person.objects.create(
        organisation=org, staff_id="F1", name="Fiona Former", role="team_manager", started=date(2015, 1, 5),
        line_manager=maria, team=cast.omar.team,
    )  # fmt: skip
    qa = Person.objects.create(
        organisation=org, staff_id="Q1", name="Quinn Quality", role="business_support", started=date(2015, 1, 5)
    )
    User = get_user_model()
    for person in (maria, cast.theo, cast.omar, cast.sally, cast.asha, fiona, qa):
        person.user = User.objects.create_user(username=f"{slug}-{person.staff_id.lower()}", password="x")
        person.save()
    capability_grant(person=maria, capability="senior_manager", by=None, reason="Service manager", at=NOW)
    team = cast.sally.team
    assert team is not None
    capability_grant(person=qa, capability="qa", service=team.service, by=maria, reason="Supervision QA group")
    old = relationship_start(
        organisation=org, by=maria, supervisor=fiona, supervisee=cast.sally, start=date(2022, 1, 3)
    )
    relationship_end(relationship=old, by=maria, end=date(2023, 12, 31))
    rel = relationship_start(
        organisation=org, by=maria, supervisor=cast.theo, supervisee=cast.sally, start=date(2024, 1, 8)
    )
    relationship_start(organisation=org, by=maria, supervisor=cast.theo, supervisee=cast.asha, start=date(2026, 1, 5))
    return FileWorld(cast=cast, fiona=fiona, qa=qa, relationship=rel)


@pytest.fixture
def w(db: Any) -> FileWorld:
    return build_file_world()


SELF_CARE = {"plan": "Walk at lunchtime", "formulation": "Court weeks drain me", "barriers": ""}


def self_care(w: FileWorld, **extra: Any) -> FileItem:
    return item_create(
        subject=w.sally, kind_id="self_care_plan", by=w.sally, on=date(2026, 3, 2), content=SELF_CARE, **extra
    )


def events(action: str) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(action=action).order_by("seq"))


# --- services --------------------------------------------------------------------------------------


def test_an_edit_keeps_the_previous_version_and_both_are_audited(w: FileWorld) -> None:
    item = self_care(w)
    assert item.version == 1 and item.content == {"plan": "Walk at lunchtime", "formulation": "Court weeks drain me"}
    edited = item_edit(
        item=item, by=w.cast.theo, on=item.on, content={**SELF_CARE, "fit": "Fits school pick-up"}, expected_version=1
    )
    assert edited.version == 2 and edited.content["fit"] == "Fits school pick-up"
    versions = list(FileItemVersion.objects.filter(item=item).order_by("version"))
    assert [(v.version, v.by_id) for v in versions] == [(1, w.sally.pk), (2, w.cast.theo.pk)]
    assert "fit" not in versions[0].content and versions[1].content["fit"] == "Fits school pick-up"
    created, changed = events("file_item.create"), events("file_item.edit")
    assert [e.object_id for e in created] == [str(item.pk)] and created[0].acting_as == "self"
    assert changed[0].detail["changed"] == ["fit"] and changed[0].detail["version"] == 2
    assert changed[0].acting_as == "supervisor"
    assert "Walk at lunchtime" not in str(changed[0].detail)  # the trail names questions, not what was written


def test_a_stale_edit_is_refused_and_changes_nothing(w: FileWorld) -> None:
    item = self_care(w)
    item_edit(item=item, by=w.sally, on=item.on, content={"plan": "New"}, expected_version=1)
    with pytest.raises(ServiceError, match="Someone else saved"):
        item_edit(item=item, by=w.cast.theo, on=item.on, content={"plan": "Mine"}, expected_version=1)
    assert FileItemVersion.objects.filter(item=item).count() == 2
    with pytest.raises(ServiceError, match="Nothing has changed"):
        item_edit(item=item, by=w.sally, on=item.on, content={"plan": "New"}, expected_version=2)


def test_attendance_notes_take_no_upload_and_say_why(w: FileWorld) -> None:
    content = {"note_type": "return_to_work", "discussion": "Back after five days; fit to return."}
    with pytest.raises(ServiceError) as refused:
        item_create(
            subject=w.sally,
            kind_id="attendance_note",
            by=w.cast.theo,
            on=TODAY,
            content=content,
            attachments=["fitnote.pdf"],
        )
    assert refused.value.field == "attachment" and "sick notes" in refused.value.message
    assert "GDPR" in refused.value.message and "4.12" in refused.value.message
    assert not FileItem.objects.exists() and not events("file_item.create")
    note = item_create(subject=w.sally, kind_id="attendance_note", by=w.cast.theo, on=TODAY, content=content)
    with pytest.raises(ServiceError, match="sick notes"):
        item_edit(item=note, by=w.cast.theo, on=TODAY, content=content, expected_version=1, attachments=["x.jpg"])


def test_content_is_checked_against_the_council_s_form(w: FileWorld) -> None:
    leeds = file_kinds("leeds-2023")
    referral = leeds.kind("support_referral")
    assert referral is not None
    with pytest.raises(ServiceError) as unknown:
        clean_content(referral, {"service": "occupational_health", "complainant_name": "A. Person"})
    assert unknown.value.field == "complainant_name"
    with pytest.raises(ServiceError, match="Referred to: choose one of the options"):
        clean_content(referral, {"service": "astrology", "referred_on": "2026-03-01", "reason": "x"})
    with pytest.raises(ServiceError, match="Date referred: enter a real date"):
        clean_content(referral, {"service": "occupational_health", "referred_on": "2026-02-30", "reason": "x"})
    with pytest.raises(ServiceError) as missing:
        clean_content(referral, {"service": "occupational_health", "referred_on": "2026-03-01"})
    assert missing.value.field == "reason" and "Why" in missing.value.message
    prep = leeds.kind("preparation")
    assert prep is not None
    assert clean_content(prep, {"agenda_items": "Workload\n\n  Leave \n"}) == {"agenda_items": ["Workload", "Leave"]}


@settings(max_examples=40, deadline=None)
@given(lines=st.lists(st.text(max_size=40), max_size=12))
def test_a_list_answer_keeps_its_lines_in_order(lines: list[str]) -> None:
    prep = file_kinds("leeds-2023").kind("preparation")
    assert prep is not None
    expected = [line.strip() for line in "\n".join(lines).splitlines() if line.strip()]
    if not expected:
        with pytest.raises(ServiceError):
            clean_content(prep, {"agenda_items": "\n".join(lines)})
    else:
        assert clean_content(prep, {"agenda_items": "\n".join(lines)})["agenda_items"] == expected


def test_who_writes_each_kind(w: FileWorld) -> None:
    content = {"concern": "Late assessments", "goals": ["On time"], "review_by": "2026-04-10"}
    for outsider in (w.sally, w.fiona, w.cast.omar, w.qa):  # the supervisee does not write her own plan
        with pytest.raises(ServiceError, match="only"):
            item_create(subject=w.sally, kind_id="improvement_plan", by=outsider, on=TODAY, content=content)
    plan = item_create(subject=w.sally, kind_id="improvement_plan", by=w.cast.maria, on=TODAY, content=content)
    assert events("file_item.create")[-1].acting_as == "line management"
    with pytest.raises(ServiceError, match="only"):
        item_create(subject=w.sally, kind_id="preparation", by=w.cast.theo, on=TODAY, content={"agenda_items": ["x"]})
    with pytest.raises(ServiceError, match="keeps no"):
        item_create(subject=w.sally, kind_id="wellness_action_plan", by=w.sally, on=TODAY, content={"x": "y"})
    with pytest.raises(ServiceError, match="future"):
        item_create(subject=w.sally, kind_id="improvement_plan", by=w.cast.theo, on=date(2026, 3, 11), content=content)
    assert FileItem.objects.get() == plan


def test_reviews_and_steps_are_dated_events_and_a_closing_step_closes(w: FileWorld) -> None:
    content = {"concern": "Late assessments", "goals": ["On time"], "review_by": "2026-04-10"}
    plan = item_create(
        subject=w.sally, kind_id="improvement_plan", by=w.cast.theo, on=date(2026, 1, 5), content=content
    )
    with pytest.raises(ServiceError) as no_note:
        item_review(item=plan, by=w.cast.theo, on=date(2026, 2, 5), note="  ")
    assert no_note.value.field == "note"
    with pytest.raises(ServiceError, match="before the item"):
        item_review(item=plan, by=w.cast.theo, on=date(2026, 1, 4), note="Early")
    with pytest.raises(ServiceError, match="only"):
        item_review(item=plan, by=w.sally, on=date(2026, 2, 5), note="I reviewed it")
    review = item_review(item=plan, by=w.cast.theo, on=date(2026, 2, 5), note="Better; recording still behind")
    assert review.kind == FileItemEvent.REVIEW and events("file_item.review")[-1].detail["on"] == "2026-02-05"
    step = item_step(item=plan, by=w.cast.maria, step_id="escalated_to_hr", on=date(2026, 3, 2), note="HR adviser met")
    assert step.kind == "escalated_to_hr" and events("file_item.step.escalated_to_hr")
    with pytest.raises(ServiceError, match="already recorded"):
        item_step(item=plan, by=w.cast.theo, step_id="escalated_to_hr", on=date(2026, 3, 3))
    item_step(item=plan, by=w.cast.theo, step_id="closed", on=date(2026, 3, 9))
    plan.refresh_from_db()
    assert plan.closed_on == date(2026, 3, 9)
    with pytest.raises(ServiceError, match="closed"):
        item_review(item=plan, by=w.cast.theo, on=TODAY, note="After closing")
    with pytest.raises(ServiceError, match="closed"):
        item_edit(item=plan, by=w.cast.theo, on=plan.on, content={**content, "concern": "x"}, expected_version=1)


def test_a_leaver_s_file_is_kept_not_added_to(w: FileWorld) -> None:
    item = self_care(w)
    w.sally.left = date(2026, 3, 6)
    w.sally.save()
    with pytest.raises(ServiceError, match="left on 6 March 2026"):
        item_edit(item=item, by=w.sally, on=item.on, content={"plan": "x"}, expected_version=1)


def test_preparation_links_only_to_a_planned_session_of_the_supervisee(w: FileWorld) -> None:
    planned = session_schedule(
        organisation=w.cast.org,
        by=w.cast.theo,
        kind="personal",
        supervisor=w.cast.theo,
        supervisee=w.sally,
        date=date(2026, 3, 17),
    )
    other = session_schedule(
        organisation=w.cast.org,
        by=w.cast.theo,
        kind="personal",
        supervisor=w.cast.theo,
        supervisee=w.cast.asha,
        date=date(2026, 3, 17),
    )
    with pytest.raises(ServiceError) as wrong:
        item_create(
            subject=w.sally, kind_id="preparation", by=w.sally, on=TODAY, content={"agenda_items": ["x"]}, session=other
        )
    assert wrong.value.field == "session"
    prep = item_create(
        subject=w.sally, kind_id="preparation", by=w.sally, on=TODAY, content={"agenda_items": ["x"]}, session=planned
    )
    assert prep.session == planned and events("file_item.create")[-1].detail["session"] == planned.pk
    with pytest.raises(ServiceError, match="not linked to a session"):
        self_care(w, session=planned)
    Session.objects.filter(pk=planned.pk).update(status=Session.Status.HELD)
    edited = item_edit(
        item=prep, by=w.sally, on=TODAY, content={"agenda_items": ["x", "y"]}, expected_version=1, session=planned
    )
    assert edited.session_id == planned.pk  # held since it was linked: the link stays


def test_confidential_items_are_for_the_supervisee_and_current_supervisors_unless_she_consents(w: FileWorld) -> None:
    confidential = self_care(w)
    open_item = item_create(
        subject=w.sally, kind_id="objectives", by=w.cast.theo, on=TODAY, content={"objective": "Chair core groups"}
    )
    assert confidential.confidential and not open_item.confidential

    def readers() -> dict[str, set[int]]:
        seen = {}
        for name, person in (("sally", w.sally), ("theo", w.cast.theo), ("maria", w.cast.maria), ("qa", w.qa),
                             ("fiona", w.fiona), ("omar", w.cast.omar)):  # fmt: skip
            viewer = Viewer.for_person(person, TODAY)
            standing = access.standing_on_file(viewer, w.sally)
            ids = set(access.readable_items(viewer, w.sally, standing).values_list("pk", flat=True))
            for item in (confidential, open_item):  # one rule: the queryset and the predicate agree
                assert access.may_read(viewer, item, standing) == (item.pk in ids), (name, item)
            seen[name] = ids
        return seen

    seen = readers()
    assert seen["sally"] == seen["theo"] == {confidential.pk, open_item.pk}
    assert seen["maria"] == seen["qa"] == {open_item.pk}  # the line above and QA: not the confidential one
    assert seen["fiona"] == seen["omar"] == set()  # a previous supervisor and an outsider: nothing
    consent = consent_give(person=w.sally, by=w.sally)
    seen = readers()
    assert seen["maria"] == seen["qa"] == {confidential.pk, open_item.pk}
    assert seen["fiona"] == set()
    consent_withdraw(consent=consent, by=w.sally)
    assert readers()["maria"] == {open_item.pk}


def test_a_change_of_supervisor_uses_the_relationship_services_in_one_transaction(w: FileWorld) -> None:
    content = {"what_was_tried": "Conversation on 2 Feb; line manager meeting on 16 Feb", "why": "Trust not restored"}
    with pytest.raises(ServiceError, match="only"):
        change_of_supervisor_record(
            relationship=w.relationship,
            by=w.cast.theo,
            new_supervisor=w.cast.omar,
            on=date(2026, 3, 16),
            content=content,
        )
    with pytest.raises(ServiceError) as no_evidence:
        change_of_supervisor_record(
            relationship=w.relationship,
            by=w.cast.maria,
            new_supervisor=w.cast.omar,
            on=date(2026, 3, 16),
            content={"why": "x"},
        )
    assert no_evidence.value.field == "what_was_tried"
    with pytest.raises(ServiceError) as same:  # refused by relationship_change_supervisor: nothing is kept
        change_of_supervisor_record(
            relationship=w.relationship,
            by=w.cast.maria,
            new_supervisor=w.cast.theo,
            on=date(2026, 3, 16),
            content=content,
        )
    assert same.value.field == "new_supervisor" and not FileItem.objects.exists()
    item = change_of_supervisor_record(
        relationship=w.relationship, by=w.cast.maria, new_supervisor=w.cast.omar, on=date(2026, 3, 16), content=content
    )
    w.relationship.refresh_from_db()
    assert w.relationship.end == date(2026, 3, 15)
    assert item.relationship is not None and item.relationship.supervisor == w.cast.omar
    assert item.relationship.start == date(2026, 3, 16) and item.previous_relationship == w.relationship
    actions = [e.action for e in AuditEvent.objects.filter(seq__gt=0).order_by("seq")][-3:]
    assert actions == ["relationship.end", "relationship.start", "file_item.change_supervisor"]
    with pytest.raises(ServiceError, match="recorded with the change"):
        item_create(subject=w.sally, kind_id="change_of_supervisor", by=w.cast.maria, on=TODAY, content=content)


def test_file_events_for_the_obligation_engine(w: FileWorld) -> None:
    plan = self_care(w)
    item_review(item=plan, by=w.cast.theo, on=date(2026, 3, 9), note="Still working")
    objective = item_create(
        subject=w.sally, kind_id="objectives", by=w.cast.theo, on=date(2026, 1, 12), content={"objective": "Chair"}
    )
    item_review(item=objective, by=w.cast.theo, on=date(2026, 2, 9), note="On track")
    item_edit(item=objective, by=w.cast.theo, on=objective.on, content={"objective": "Chair two"}, expected_version=1)
    item_step(item=objective, by=w.cast.theo, step_id="achieved", on=date(2026, 3, 3))  # a step is not a review
    other = item_create(
        subject=w.cast.asha, kind_id="self_care_plan", by=w.cast.asha, on=date(2026, 2, 2), content={"plan": "Rest"}
    )
    item_create(
        subject=w.sally, kind_id="stress_risk_assessment", by=w.sally, on=TODAY, content={"pressures": ["Demands"]}
    )
    everything = file_events(w.cast.org)
    assert {"person": w.sally.pk, "kind": "self_care_plan", "date": date(2026, 3, 2)} in everything
    assert {"person": w.sally.pk, "kind": "self_care_review", "date": date(2026, 3, 9)} in everything
    assert {"person": w.sally.pk, "kind": "objectives_set", "date": date(2026, 1, 12)} in everything
    assert {"person": w.sally.pk, "kind": "objectives_set", "date": date(2026, 2, 9)} in everything
    assert {"person": w.sally.pk, "kind": "objectives_set", "date": TODAY} in everything  # reset
    assert {"person": w.cast.asha.pk, "kind": "self_care_plan", "date": other.on} in everything
    assert len(everything) == 6 and {e["kind"] for e in everything} == {
        "self_care_plan",
        "self_care_review",
        "objectives_set",
    }
    assert all(e["person"] == w.cast.asha.pk for e in file_events(w.cast.org, people=[w.cast.asha.pk]))
    assert file_events(w.cast.org, people=[]) == []


def test_buckinghamshire_c4p_is_reviewed_quarterly_and_feeds_objectives_set(db: Any) -> None:
    w = build_file_world("buckinghamshire-2024", "files-bucks")
    c4p = item_create(
        subject=w.sally, kind_id="c4p_objectives", by=w.cast.theo, on=date(2025, 11, 3),
        content={"quarter": "October to December 2025", "objectives": ["Assessments on time"]},
    )  # fmt: skip
    from oversight.files.selectors import item_row

    kind = file_kinds("buckinghamshire-2024").kind("c4p_objectives")
    row = item_row(c4p, kind, TODAY)
    assert row.review_due == date(2026, 2, 3) and "overdue" in row.status
    item_review(item=c4p, by=w.cast.theo, on=date(2026, 2, 2), note="Discussed in supervision")
    c4p = FileItem.objects.get(pk=c4p.pk)
    assert item_row(c4p, kind, TODAY).review_due == date(2026, 5, 2)
    assert [e["kind"] for e in file_events(w.cast.org)] == ["objectives_set", "objectives_set"]


def test_a_self_care_plan_written_refreshes_her_obligation_in_the_store(w: FileWorld) -> None:
    """The obligation store follows the file: writing a plan is a file event (Leeds 4.11), and
    the service notes it (oversight.compliance.hooks.touch_people) in its own transaction; what
    the transaction noted is refreshed at commit, or when a page reads the store first
    (flush_pending, as here: the test's transaction never commits)."""
    from oversight.compliance.hooks import flush_pending
    from oversight.compliance.models import Obligation
    from oversight.compliance.store import refresh_organisation

    refresh_organisation(w.cast.org, TODAY)
    key = f"file:self_care_plan:p{w.sally.pk}"
    assert Obligation.objects.get(organisation=w.cast.org, key=key).done is None
    self_care(w)
    flush_pending()
    row = Obligation.objects.get(organisation=w.cast.org, key=key)
    assert (row.status, row.done) == ("late", date(2026, 3, 2))  # owed a month after the relationship began


def test_the_list_summarises_the_first_answer_in_the_form_s_order_whatever_the_stored_key_order(w: FileWorld) -> None:
    """PostgreSQL's jsonb does not keep key order: the summary follows the council's form."""
    from oversight.files.kinds import kinds_for
    from oversight.files.selectors import _summary

    kind = kinds_for(w.cast.org).kind("improvement_plan")
    first = kind.fields[0].id
    content = {f.id: f"answer to {f.id}" for f in reversed(kind.fields) if f.type != "date"}
    assert _summary(content, kind) == f"answer to {first}"
