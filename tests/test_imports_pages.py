"""The imports pages: upload, the dry run, and applying exactly the previewed file. HR and
senior managers only; everyone else gets a 404."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from oversight.access.services import capability_grant, capability_revoke
from oversight.audit.models import AuditEvent
from oversight.imports.models import ImportUpload
from oversight.imports.reading import MAX_BYTES
from oversight.people.models import Person

from .personas import Cast, make_cast
from .test_imports import CAST_ROWS, HEADER

pytestmark = pytest.mark.django_db
NOW = datetime(2026, 3, 10, 10, 0, tzinfo=ZoneInfo("Europe/London"))
GOOD = (HEADER + CAST_ROWS + "N1,Nia New,Social worker,Team A,T1,02/03/2026,,,\n").encode()
BAD = (HEADER + CAST_ROWS + "N1,Nia New,Social worker,Team A,NOPE,02/03/2026,,,\n").encode()


@pytest.fixture(autouse=True)
def frozen() -> Iterator[None]:
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def cast() -> Cast:
    cast = make_cast()
    hana = Person.objects.create(
        organisation=cast.org, staff_id="H1", name="Hana Hr", role="business_support", started=NOW.date()
    )
    capability_grant(person=cast.maria, capability="senior_manager", by=None, reason="Service manager")
    capability_grant(person=hana, capability="hr", by=cast.maria, reason="HR adviser")
    return cast


def client_for(person: Person) -> Client:
    if person.user is None:
        person.user = get_user_model().objects.create_user(username=f"u-{person.staff_id}", password="x")
        person.save()
    client = Client()
    client.force_login(person.user)
    return client


def hana(cast: Cast) -> Person:
    return Person.objects.get(organisation=cast.org, staff_id="H1")


def upload(client: Client, data: bytes, kind: str = "hr", name: str = "staff.csv") -> Any:
    return client.post("/imports/", {"kind": kind, "file": SimpleUploadedFile(name, data, "text/csv")})


def test_hr_uploads_previews_and_applies_exactly_the_file(cast: Cast) -> None:
    client = client_for(hana(cast))
    assert "Import staff or caseloads" in client.get("/imports/").content.decode()
    response = upload(client, GOOD)
    stored = ImportUpload.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/imports/{stored.pk}/"
    page = client.get(response["Location"]).content.decode()
    assert "Nia New" in page and "create" in page and "Apply these changes" in page
    assert stored.sha256 in page
    assert not Person.objects.filter(staff_id="N1").exists()  # nothing yet
    assert AuditEvent.objects.filter(action="import.preview", object_id=str(stored.pk)).exists()
    form = {"sha256": stored.sha256, "fingerprint": _fingerprint(page)}
    done = client.post(f"/imports/{stored.pk}/apply/", form, follow=True).content.decode()
    assert "staff.csv applied: 1 to create" in done
    assert Person.objects.get(staff_id="N1").line_manager == cast.theo
    stored.refresh_from_db()
    assert stored.applied_at is not None and stored.applied_by == hana(cast)
    again = client.post(f"/imports/{stored.pk}/apply/", form, follow=True).content.decode()
    assert "already been applied" in again
    assert Person.objects.filter(staff_id="N1").count() == 1


def _fingerprint(page: str) -> str:
    marker = 'name="fingerprint" value="'
    start = page.index(marker) + len(marker)
    return page[start : page.index('"', start)]


def test_a_bad_file_lists_its_errors_by_row_and_column_and_cannot_be_applied(cast: Cast) -> None:
    client = client_for(cast.maria)  # a senior manager
    response = upload(client, BAD)
    page = client.get(response["Location"]).content.decode()
    assert "1 error in the file" in page
    assert "Row 7, column E (Manager ID): No member of staff with employee ID NOPE" in page
    assert "Apply these changes" not in page
    stored = ImportUpload.objects.get()
    before = Person.objects.count()
    done = client.post(f"/imports/{stored.pk}/apply/", {"sha256": stored.sha256, "fingerprint": "x"}, follow=True)
    assert "Nothing was changed" in done.content.decode()
    assert Person.objects.count() == before
    stored.refresh_from_db()
    assert stored.applied_at is None


def test_applying_checks_the_hash_and_the_preview(cast: Cast) -> None:
    client = client_for(hana(cast))
    response = upload(client, GOOD)
    stored = ImportUpload.objects.get()
    page = client.get(response["Location"]).content.decode()
    wrong_hash = client.post(
        f"/imports/{stored.pk}/apply/", {"sha256": "0" * 64, "fingerprint": _fingerprint(page)}, follow=True
    )
    assert "not the file that was previewed" in wrong_hash.content.decode()
    Person.objects.filter(staff_id="S1").update(name="Sally Renamed")  # changed since the preview
    stale = client.post(
        f"/imports/{stored.pk}/apply/", {"sha256": stored.sha256, "fingerprint": _fingerprint(page)}, follow=True
    )
    assert "changed since this file was previewed" in stale.content.decode()
    assert not Person.objects.filter(staff_id="N1").exists()


def test_the_upload_form_names_what_is_wrong(cast: Cast) -> None:
    client = client_for(hana(cast))
    page = client.post("/imports/", {"kind": "hr"}).content.decode()
    assert "Select a CSV file" in page
    page = client.post("/imports/", {"file": SimpleUploadedFile("a.csv", GOOD)}).content.decode()
    assert "Choose what the file is" in page
    big = upload(client, b"a" * (MAX_BYTES + 1)).content.decode()
    assert "it must be smaller than 2 MB" in big
    assert ImportUpload.objects.count() == 0
    # Not CSV text: stored, and the preview says why it cannot be read.
    response = upload(client, b"PK\x03\x04 a spreadsheet", name="staff.xlsx")
    page = client.get(response["Location"]).content.decode()
    assert "The file is not a CSV file" in page and "Apply these changes" not in page


def test_a_caseload_file_through_the_pages(cast: Cast) -> None:
    client = client_for(hana(cast))
    data = b"Child ID,Allocated worker ID,Status,Allocated date\nC1,S1,Child Protection,05/01/2026\n"
    response = upload(client, data, kind="caseload", name="cases.csv")
    page = client.get(response["Location"]).content.decode()
    assert "C1" in page and "Child protection" in page
    stored = ImportUpload.objects.get()
    client.post(f"/imports/{stored.pk}/apply/", {"sha256": stored.sha256, "fingerprint": _fingerprint(page)})
    assert cast.sally.caseload.get().case_id == "C1"


def test_everyone_else_gets_a_404(cast: Cast) -> None:
    stored = ImportUpload.objects.create(
        organisation=cast.org, kind="hr", filename="x.csv", content=GOOD, sha256="0" * 64,
        uploaded_by=cast.maria, uploaded_at=NOW,
    )  # fmt: skip
    for person in (cast.theo, cast.sally, cast.omar):  # line managers and staff without the capability
        client = client_for(person)
        assert client.get("/imports/").status_code == 404
        assert client.get(f"/imports/{stored.pk}/").status_code == 404
        assert client.post(f"/imports/{stored.pk}/apply/", {}).status_code == 404
    assert Client().get("/imports/").status_code == 302  # sent to sign in
    # HR of another organisation: 404 for this one's uploads.
    other = make_cast("bristol-2020", slug="elsewhere")
    capability_grant(person=other.maria, capability="senior_manager", by=None, reason="Service manager")
    assert client_for(other.maria).get(f"/imports/{stored.pk}/").status_code == 404
    # A revoked capability stops working.
    hr = hana(cast)
    capability = hr.capabilities.get()
    capability_revoke(capability=capability, by=cast.maria)
    assert client_for(hr).get("/imports/").status_code == 404
