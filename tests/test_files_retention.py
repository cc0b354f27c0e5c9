"""Supervision file items under the retention schedule (oversight.retention; Leeds 4.15: kept
six years after the member of staff left, then deleted): a leaver's items, their versions and
events go with the rest of the file, and the staff record can go too; an item a leaver wrote in
someone else's file keeps the leaver's staff record, as a session they led does."""

from __future__ import annotations

from datetime import date

import pytest

from oversight.files.models import FileItem, FileItemEvent, FileItemVersion
from oversight.files.services import item_create, item_edit, item_review
from oversight.people.models import Person
from oversight.retention.selectors import retention_plan
from oversight.retention.services import retention_apply
from oversight.supervision.services import relationship_end, relationship_start

from .personas import make_cast

pytestmark = pytest.mark.django_db

TODAY = date(2026, 11, 20)
THEN = date(2014, 6, 2)  # while the leavers were still here


def test_a_leaver_s_items_are_deleted_with_the_file_and_the_staff_record_goes_too() -> None:
    cast = make_cast("leeds-2023", "files-retention")
    org, theo = cast.org, cast.theo
    leaver = Person.objects.create(
        organisation=org,
        staff_id="L1",
        name="Lee Leaver",
        role="social_worker",
        started=date(2010, 1, 4),
        line_manager=theo,
    )
    rel = relationship_start(
        organisation=org, by=cast.maria, supervisor=theo, supervisee=leaver, start=date(2010, 1, 4)
    )
    plan = item_create(
        subject=leaver, kind_id="self_care_plan", by=leaver, on=THEN, content={"plan": "Rest"}, today=THEN
    )
    item_edit(item=plan, by=theo, on=THEN, content={"plan": "Rest more"}, expected_version=1, today=THEN)
    item_review(item=plan, by=theo, on=THEN, note="Working", today=THEN)
    item_create(
        subject=leaver, kind_id="preparation", by=leaver, on=THEN, content={"agenda_items": ["Leave"]}, today=THEN
    )
    relationship_end(relationship=rel, by=cast.maria, end=date(2015, 3, 31))
    Person.objects.filter(pk=leaver.pk).update(left=date(2015, 3, 31))

    retention = retention_plan(org, TODAY)
    due = {p.staff_id: p for p in retention.due}
    assert due["L1"].counts["file_items"] == 2
    assert due["L1"].counts["file_item_versions"] == 3 and due["L1"].counts["file_item_events"] == 1
    assert due["L1"].person_deletable, due["L1"].kept_references
    results = {r.leaver.staff_id: r for r in retention_apply(plan=retention)}
    assert results["L1"].matches_plan
    assert not FileItem.objects.exists() and not FileItemVersion.objects.exists() and not FileItemEvent.objects.exists()
    assert not Person.objects.filter(staff_id="L1").exists()


def test_an_item_a_leaver_wrote_in_another_file_keeps_their_staff_record() -> None:
    cast = make_cast("leeds-2023", "files-retention-2")
    org = cast.org
    former = Person.objects.create(
        organisation=org, staff_id="F9", name="Former Manager", role="team_manager", started=date(2008, 1, 7),
        line_manager=cast.maria,
    )  # fmt: skip
    relationship_start(
        organisation=org, by=cast.maria, supervisor=former, supervisee=cast.sally, start=date(2013, 1, 7)
    )
    item_create(
        subject=cast.sally,
        kind_id="objectives",
        by=former,
        on=THEN,
        content={"objective": "Chair core groups"},
        today=THEN,
    )
    Person.objects.filter(pk=former.pk).update(left=date(2015, 3, 31))
    plan = retention_plan(org, TODAY)
    leaver = next(p for p in [*plan.due, *plan.kept] if p.staff_id == "F9")
    assert leaver.kept_references.get("files.fileitem.created_by") == 1 and not leaver.person_deletable
