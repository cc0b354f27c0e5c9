"""The API's reads of the supervision file and quality assurance: a file's items as the file's
pages give them (confidential ones in confidence only, each read audited, quality assurance
states a purpose), audits, observations and training as oversight.quality.access gives them."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client

from oversight.api.services import api_token_create
from oversight.audit.models import AuditEvent
from oversight.quality.development import observation_record, training_record
from oversight.quality.services import audit_start

from .test_files import SELF_CARE, TODAY, FileWorld, build_file_world, frozen, self_care  # noqa: F401

pytestmark = pytest.mark.django_db


@pytest.fixture
def w() -> FileWorld:
    return build_file_world()


def get(w: FileWorld, who: Any, url: str) -> tuple[int, Any]:
    _, key = api_token_create(user=who.user, name="test", scopes=["read"], days=30)
    response = Client().get(url, HTTP_AUTHORIZATION=f"Token {key}")
    return response.status_code, json.loads(response.content) if response.content else None


def test_a_file_s_items_confidential_ones_in_confidence_only_and_each_read_audited(w: FileWorld) -> None:
    from oversight.files.services import item_create

    plan = self_care(w)  # confidential: Sally and Theo, her supervisor
    note = item_create(
        subject=w.sally,
        kind_id="attendance_note",
        by=w.cast.theo,
        on=TODAY,
        content={"note_type": "return_to_work", "discussion": "Back after five days."},
    )
    url = f"/api/people/{w.sally.pk}/file-items/"
    status, body = get(w, w.cast.theo, url)
    assert status == 200 and {i["id"] for i in body["results"]} == {plan.pk, note.pk}
    shown = next(i for i in body["results"] if i["id"] == plan.pk)
    assert shown["confidential"] is True and shown["kind_label"]
    assert any(a["text"] == SELF_CARE["plan"] for a in shown["answers"])
    reads = AuditEvent.objects.filter(action="file_item.view", actor_id=w.cast.theo.pk)
    assert {int(e.object_id) for e in reads} == {plan.pk, note.pk}
    # Maria, above Theo: the non-confidential note only
    status, body = get(w, w.cast.maria, url)
    assert status == 200 and [i["id"] for i in body["results"]] == [note.pk]
    assert SELF_CARE["plan"] not in json.dumps(body)
    # quality assurance states a purpose first, then reads as Maria does
    status, body = get(w, w.qa, url)
    assert status == 400 and "purpose" in body
    status, body = get(w, w.qa, url + "?purpose=Quarterly+audit")
    assert status == 200 and [i["id"] for i in body["results"]] == [note.pk]
    assert AuditEvent.objects.filter(action="file_item.view", actor_id=w.qa.pk, purpose="Quarterly audit").exists()
    # Fiona supervised Sally before: no standing now; Omar never did
    assert get(w, w.fiona, url)[0] == 404 and get(w, w.cast.omar, url)[0] == 404


def test_audits_observations_and_training_as_the_quality_policy_gives_them(w: FileWorld) -> None:
    theo, maria = w.cast.theo, w.cast.maria
    audit = audit_start(supervisor=theo, auditor=maria, supervisees=[w.sally], on=TODAY)
    observation = observation_record(
        supervisor=theo, observer=maria, observed_on=TODAY, strengths="Warm", areas_to_develop="Dates", on=TODAY
    )
    training_record(
        person=theo, by=maria, kind="initial", course="Supervising well", provider="P", completed_on=TODAY, on=TODAY
    )
    status, body = get(w, maria, "/api/quality/audits/")
    assert status == 200 and [a["id"] for a in body["results"]] == [audit.pk]
    status, body = get(w, theo, f"/api/quality/audits/{audit.pk}/")
    assert status == 200 and body["files"][0]["name"] == "Sally Social" and body["state"] == "draft"
    assert AuditEvent.objects.filter(action="quality_audit.view", actor_id=theo.pk).count() == 1
    status, body = get(w, theo, f"/api/quality/observations/{observation.pk}/")
    assert status == 200 and body["strengths"] == "Warm"
    status, body = get(w, maria, "/api/quality/training/")
    assert status == 200 and [t["course"] for t in body["results"]] == ["Supervising well"]
    # Sally, a supervisee: none of it; one audit or observation is a 404
    sally = w.sally
    assert get(w, sally, "/api/quality/audits/")[1]["results"] == []
    assert get(w, sally, "/api/quality/training/")[1]["results"] == []
    assert get(w, sally, f"/api/quality/audits/{audit.pk}/")[0] == 404
    assert get(w, sally, f"/api/quality/observations/{observation.pk}/")[0] == 404
    assert get(w, theo, "/api/quality/audits/999999/")[0] == 404
