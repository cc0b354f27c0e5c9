"""A leaver deleted under the retention rule leaves no sign-in account behind: with the staff
record, the account goes (its API tokens and second-factor devices too); where an access grant
it held is kept for the record, the account stays with nothing personal in it and cannot sign
in. A leaver whose staff record is kept (a child on the case system names them) keeps theirs."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from oversight.access.models import Grant
from oversight.api.models import ApiToken
from oversight.people.models import Person
from oversight.retention.models import DeletionMarker
from oversight.retention.selectors import retention_plan

from . import test_retention as retention
from .personas import Cast
from .test_retention import TODAY, apply, dry_run, listed

pytestmark = pytest.mark.django_db
User = get_user_model()


@pytest.fixture
def org() -> Cast:
    """test_retention's authority (Sally's record is kept, Lee and Sam go), each with an account;
    Sam's account once held an investigating officer's grant, kept for the record."""
    cast = retention.org.__wrapped__()
    for person in (cast.sally, cast.lee, cast.sam):  # type: ignore[attr-defined]
        person.user = User.objects.create_user(
            username=f"{person.staff_id.lower()}@council.example", password="a long passphrase", email="x@y.example"
        )
        person.save()
    now = timezone.now()
    lee = cast.lee.user  # type: ignore[attr-defined]
    ApiToken.objects.create(
        user=lee,
        name="sync",
        prefix="abc",
        key_hash="0" * 64,
        scopes=["read"],
        created_at=now,
        expires_at=now + timedelta(days=30),
    )
    TOTPDevice.objects.create(user=lee, name="phone", confirmed=True)
    Grant.objects.create(
        organisation=cast.org,
        kind="investigator",
        holder=cast.sam.user,
        subject=cast.omar,  # type: ignore[attr-defined]
        reason="Complaint investigation",
        created_by=cast.maria,
        created=now - timedelta(days=4000),
        starts=now - timedelta(days=4000),
        expires=now - timedelta(days=3990),
    )
    return cast


def test_the_plan_counts_the_accounts_and_the_run_closes_them(org: Cast) -> None:
    lee, sam, sally = org.lee, org.sam, org.sally  # type: ignore[attr-defined]
    plan = {p.staff_id: p for p in retention_plan(org.org, TODAY).due}
    assert plan["LEE1"].counts["sign-in account"] == 1 and plan["SAM1"].counts["sign-in account"] == 1
    assert "sign-in account" not in plan["S1"].counts  # her staff record, and so her account, stays
    before = dry_run()
    assert "sign-in accounts to be closed: SAM1, LEE1" in before
    applied = apply()
    assert "sign-in accounts closed: SAM1, LEE1" in applied
    assert listed(applied, "to be deleted:") == listed(before, "to be deleted:")
    assert DeletionMarker.objects.get(former_person_id=lee.pk).counts["sign-in account"] == 1

    assert not User.objects.filter(pk=lee.user_id).exists()  # gone, with its token and device
    assert not ApiToken.objects.exists() and not TOTPDevice.objects.exists()

    kept = User.objects.get(pk=sam.user_id)  # the grant it held is kept: the row stays, emptied
    assert Grant.objects.filter(holder=kept).count() == 1
    assert kept.username == f"deleted-{kept.pk}" and not kept.email and not kept.first_name and not kept.last_name
    assert not kept.is_active and not kept.has_usable_password() and kept.last_login is None
    assert not Client().login(username="sam1@council.example", password="a long passphrase")

    assert Person.objects.get(pk=sally.pk).user.username == "s1@council.example"  # type: ignore[union-attr]
