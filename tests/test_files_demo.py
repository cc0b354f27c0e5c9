"""The demo's supervision file items (oversight.files.demo): a social worker's file holds an
item of every part, written through the services (so audited), and her team manager reads them
on the pages. Two authorities here (Leeds, and Buckinghamshire's quarterly objectives);
tests/test_demo.py checks every part in all five as the demo loads them."""

from __future__ import annotations

import random
from datetime import date

import pytest
from django.test import Client

from oversight.audit.models import AuditEvent
from oversight.demo import COUNCILS, _build
from oversight.files.demo import seed_demo
from oversight.files.kinds import base
from oversight.files.models import FileItem
from oversight.files.selectors import file_events

TODAY = date(2026, 11, 20)
SOME = [c for c in COUNCILS if c[0] in ("leeds-2023", "buckinghamshire-2024")]


@pytest.mark.django_db
@pytest.mark.parametrize(("pack_id", "name", "slug"), SOME, ids=[c[0] for c in SOME])
def test_each_demo_authority_has_an_item_of_every_part(pack_id: str, name: str, slug: str) -> None:
    org = _build(pack_id, name, slug, TODAY, random.Random(f"7-{slug}"))
    made = seed_demo(org, TODAY)
    worker = org.people.get(user__username=f"{slug}.sw1")
    parts = {item.part for item in made if item.person_id == worker.pk}
    assert parts == {p.id for p in base().parts}, pack_id
    assert FileItem.objects.filter(organisation=org).count() == len(made)
    created = AuditEvent.objects.filter(organisation_id=org.pk, action="file_item.create").count()
    assert created == len(made)
    prep = next(i for i in made if i.kind == "preparation")
    assert prep.session is not None and prep.session.date >= TODAY  # for her next planned session
    kinds = {e["kind"] for e in file_events(org, people=[worker.pk])}
    assert {"self_care_plan", "self_care_review", "objectives_set"} <= kinds
    plan = FileItem.objects.get(organisation=org, kind="improvement_plan")
    assert plan.events.filter(kind="review").exists()
    if pack_id == "leeds-2023":
        assert plan.events.filter(kind="escalated_to_hr").exists()
        assert FileItem.objects.filter(organisation=org, kind="asye_portfolio_review").exists()

    manager = org.people.get(user__username=f"{slug}.tm1")
    client = Client()
    client.force_login(manager.user)
    body = client.get(f"/people/{worker.pk}/file/").content.decode()
    for part in base().parts:
        assert part.label in body
    confidential = FileItem.objects.filter(person=worker, confidential=True).first()
    assert confidential is not None
    assert client.get(f"/people/{worker.pk}/file/items/{confidential.pk}/").status_code == 200
    head = org.people.get(user__username=f"{slug}.sm")
    above = Client()
    above.force_login(head.user)
    assert above.get(f"/people/{worker.pk}/file/items/{confidential.pk}/").status_code == 404
