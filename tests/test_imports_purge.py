"""Import files are kept no longer than needed: 30 days after they are applied, 7 days after
they are uploaded if never applied; then the daily job deletes the file's content (audited),
and the row stays as the record of the import."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, timedelta

import pytest
import time_machine

from oversight.audit.models import AuditEvent
from oversight.audit.services import verify_chain
from oversight.imports.models import ImportUpload
from oversight.imports.services import uploads_purge
from oversight.organisations.models import Organisation
from oversight.people.models import Person
from oversight.reminders.services import daily_job

from . import test_imports_pages as pages
from .personas import Cast
from .test_imports_pages import BAD, GOOD, NOW, _fingerprint, client_for, hana, upload

pytestmark = pytest.mark.django_db
UTC_NOW = NOW.astimezone(UTC)  # days counted in elapsed time (British Summer Time starts in between)


@pytest.fixture(autouse=True)
def frozen() -> Iterator[None]:
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def cast() -> Cast:
    return pages.cast.__wrapped__()  # the pages' cast: Hana in HR, Maria a senior manager


def _applied(cast: Cast) -> ImportUpload:
    client = client_for(hana(cast))
    page = client.get(upload(client, GOOD)["Location"]).content.decode()
    stored = ImportUpload.objects.get()
    client.post(f"/imports/{stored.pk}/apply/", {"sha256": stored.sha256, "fingerprint": _fingerprint(page)})
    stored.refresh_from_db()
    assert stored.applied_at is not None
    return stored


def test_an_applied_file_is_deleted_30_days_after_it_was_applied(cast: Cast) -> None:
    stored = _applied(cast)
    with time_machine.travel(UTC_NOW + timedelta(days=29, hours=23), tick=False):
        assert uploads_purge() == 0
    stored.refresh_from_db()
    assert bytes(stored.content) == GOOD and stored.purged_at is None
    with time_machine.travel(UTC_NOW + timedelta(days=30, minutes=1), tick=False):
        assert uploads_purge() == 1
        assert uploads_purge() == 0  # once
        stored.refresh_from_db()
        assert bytes(stored.content) == b"" and stored.purged_at is not None
        assert stored.sha256 and stored.summary and stored.applied_by == hana(cast)  # the record stays
        event = AuditEvent.objects.get(action="import.upload.purge", object_id=str(stored.pk))
        assert event.actor_id is None and event.detail["bytes"] == len(GOOD)
        assert event.detail["after"] == "applied" and event.detail["kept_days"] == 30
        assert verify_chain().intact
        client = client_for(hana(cast))
        page = client.get(f"/imports/{stored.pk}/").content.decode()
        assert "The file was deleted on 9 April 2026, 30 days after it was applied" in page
        assert stored.sha256 in page and "Nia New" not in page  # no preview of what is gone
        listing = client.get("/imports/").content.decode()
        assert "File deleted 9 April 2026" in listing


def test_a_file_never_applied_is_deleted_after_7_days_and_cannot_be_applied(cast: Cast) -> None:
    client = client_for(cast.maria)
    page = client.get(upload(client, BAD)["Location"]).content.decode()
    assert "1 error in the file" in page
    stored = ImportUpload.objects.get()
    with time_machine.travel(NOW + timedelta(days=7, minutes=1), tick=False):
        summary = daily_job(today=date(2026, 3, 17), organisations=[cast.org])
        assert summary[cast.org.slug]["import_files_deleted"] == 1  # type: ignore[index]
        stored.refresh_from_db()
        assert bytes(stored.content) == b"" and stored.applied_at is None
        client = client_for(cast.maria)  # signed in again a week later
        page = client.get(f"/imports/{stored.pk}/").content.decode()
        assert "without being applied: upload it again" in page
        before = Person.objects.count()
        done = client.post(
            f"/imports/{stored.pk}/apply/", {"sha256": stored.sha256, "fingerprint": "x"}, follow=True
        ).content.decode()
        assert "Nothing was changed: The file was deleted on 17 March 2026" in done
        assert Person.objects.count() == before


def test_a_file_being_worked_on_is_kept(cast: Cast) -> None:
    client = client_for(hana(cast))
    upload(client, GOOD)
    with time_machine.travel(NOW + timedelta(days=6, hours=23), tick=False):
        assert uploads_purge() == 0
    assert bytes(ImportUpload.objects.get().content) == GOOD


def test_only_the_organisation_asked_for(cast: Cast) -> None:
    _applied(cast)
    other = Organisation.objects.create(name="Elsewhere", slug="elsewhere", policy_pack=cast.org.policy_pack)
    with time_machine.travel(NOW + timedelta(days=31), tick=False):
        assert uploads_purge(organisation=other) == 0
        assert uploads_purge(organisation=cast.org) == 1
