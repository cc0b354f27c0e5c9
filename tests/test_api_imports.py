"""Imports through the API: a dry run keeps the file and changes nothing else, applying takes
exactly the dry-run file (its SHA-256 and fingerprint), all of it or nothing; HR and senior
managers only, everyone else 404; the same audit rows as the pages."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.test import Client

from oversight.access import services as access_services
from oversight.api.services import api_token_create
from oversight.audit.models import AuditEvent
from oversight.people.models import Person

from .personas import Cast, make_cast

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 3, 10, 10, 30, tzinfo=ZoneInfo("Europe/London"))
GOOD = (
    "Employee ID,Name,Role,Team,Manager ID,Started\n"
    "T1,Theo Team,Team manager,Team A,M1,2015-01-05\n"
    "N1,Nia New,Social worker,Team A,T1,2026-01-05\n"
)
BAD = "Employee ID,Name,Role,Started\nN2,Noor Bad,Wizard,2026-01-05\n"


@pytest.fixture(autouse=True)
def frozen() -> Iterator[None]:
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def cast() -> Cast:
    cast = make_cast("lambeth-2021", "lambeth-imports")
    User = get_user_model()
    for key in ("maria", "theo"):
        person: Person = getattr(cast, key)
        person.user = User.objects.create_user(username=f"imp-{key}", password="x")
        person.save()
    access_services.capability_grant(
        person=cast.maria, capability="senior_manager", by=None, reason="Service manager", at=NOW - timedelta(days=5)
    )
    return cast


def key_for(person: Person) -> str:
    return api_token_create(user=person.user, name="imports", scopes=["read", "write"], days=10)[1]


def post(key: str, url: str, data: dict[str, Any]) -> Any:
    return Client().post(url, data, content_type="application/json", headers={"Authorization": f"Token {key}"})


def test_dry_run_then_apply_exactly_that_file(cast: Cast) -> None:
    key = key_for(cast.maria)
    dry = post(key, "/api/imports/dry-run/", {"kind": "hr", "filename": "hr.csv", "content": GOOD})
    assert dry.status_code == 200, dry.content
    plan = dry.json()
    assert plan["ok"] and plan["counts"]["create"] == 1 and not plan["applied"]
    assert [row["key"] for row in plan["rows"] if row["action"] == "create"] == ["N1"]
    assert not Person.objects.filter(staff_id="N1").exists()  # a dry run changes nothing
    assert AuditEvent.objects.filter(action="import.preview", object_id=str(plan["upload"])).exists()
    url = f"/api/imports/{plan['upload']}/apply/"
    wrong = post(key, url, {"sha256": plan["sha256"], "fingerprint": "0" * 64})
    assert wrong.status_code == 400 and not Person.objects.filter(staff_id="N1").exists()
    applied = post(key, url, {"sha256": plan["sha256"], "fingerprint": plan["fingerprint"]})
    assert applied.status_code == 200, applied.content
    assert applied.json()["applied"] is True
    assert Person.objects.get(staff_id="N1").name == "Nia New"
    assert AuditEvent.objects.filter(action="import.upload.apply", object_id=str(plan["upload"])).exists()
    again = post(key, url, {"sha256": plan["sha256"], "fingerprint": plan["fingerprint"]})
    assert again.status_code == 400 and "already been applied" in again.json()["non_field_errors"][0]


def test_a_file_with_errors_is_refused_whole_with_each_error_at_its_row(cast: Cast) -> None:
    key = key_for(cast.maria)
    plan = post(key, "/api/imports/dry-run/", {"kind": "hr", "content": BAD}).json()
    assert not plan["ok"] and plan["errors"][0]["row"] == 2
    refused = post(
        key, f"/api/imports/{plan['upload']}/apply/", {"sha256": plan["sha256"], "fingerprint": plan["fingerprint"]}
    )
    assert refused.status_code == 400 and refused.json()["errors"]
    assert not Person.objects.filter(staff_id="N2").exists()
    missing = post(key, "/api/imports/dry-run/", {"kind": "payroll", "content": ""})
    assert missing.status_code == 400 and set(missing.json()) == {"kind", "content"}


def test_only_importers_and_only_their_organisation(cast: Cast) -> None:
    theo = key_for(cast.theo)
    assert post(theo, "/api/imports/dry-run/", {"kind": "hr", "content": GOOD}).status_code == 404
    plan = post(key_for(cast.maria), "/api/imports/dry-run/", {"kind": "hr", "content": GOOD}).json()
    apply = {"sha256": plan["sha256"], "fingerprint": plan["fingerprint"]}
    assert post(theo, f"/api/imports/{plan['upload']}/apply/", apply).status_code == 404
    other = make_cast("leeds-2023", "leeds-imports")
    other.maria.user = get_user_model().objects.create_user(username="imp-other", password="x")
    other.maria.save()
    access_services.capability_grant(
        person=other.maria, capability="senior_manager", by=None, reason="SM", at=NOW - timedelta(days=5)
    )
    assert post(key_for(other.maria), f"/api/imports/{plan['upload']}/apply/", apply).status_code == 404
    assert not Person.objects.filter(staff_id="N1").exists()
