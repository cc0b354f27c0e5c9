"""Quality assurance in the demo (oversight.quality.demo, called by oversight.demo.load_demo): each
authority has a completed audit, a draft, an observation with its response and training records,
all made through the services. Two authorities here (Leeds, whose pack sets a training period and
an observation method, and Lambeth, which sets neither); tests/test_demo.py loads all five."""

from __future__ import annotations

from datetime import date

import pytest
from django.test import Client

from oversight.audit.models import AuditEvent
from oversight.demo import load_demo
from oversight.quality.models import Audit, Observation, TrainingRecord
from oversight.quality.selectors import file_events
from oversight.quality.services import unanswered

pytestmark = pytest.mark.django_db

TODAY = date(2026, 11, 20)


def test_each_demo_authority_has_its_quality_assurance() -> None:
    demo = load_demo(today=TODAY, only=("leeds-2023", "lambeth-2021"))
    assert len(demo) == 2
    for org in demo:
        audits = Audit.objects.filter(organisation=org)
        done = audits.get(state="moderated")  # completed, then moderated by quality assurance
        assert done.moderated_by.user.username == f"{org.slug}.ap1" and done.moderated_outcome == done.outcome
        assert done.auditor.user.username == f"{org.slug}.sm" and done.supervisor.user.username == f"{org.slug}.tm1"
        assert done.files.count() >= 1 and unanswered(done) == []
        assert done.findings.get().done_on is not None
        assert audits.filter(state="draft").count() == 1
        observation = Observation.objects.get(organisation=org)
        assert observation.response and observation.strengths
        trained = set(TrainingRecord.objects.filter(organisation=org).values_list("person__user__username", flat=True))
        assert trained == {f"{org.slug}.sm", f"{org.slug}.tm1", f"{org.slug}.tm2"}
        assert {e["kind"] for e in file_events(org)} == {"training", "supervision_observed", "file_audit"}
        assert AuditEvent.objects.filter(organisation_id=org.pk, action="quality_audit.complete").count() == 1
    leeds = next(o for o in demo if o.policy_pack == "leeds-2023")
    assert Observation.objects.get(organisation=leeds).elements  # Leeds 4.19's elements
    assert Observation.objects.get(organisation=leeds).session is not None

    client = Client()
    client.force_login(leeds.people.get(user__username="leeds.sm").user)
    body = client.get("/quality/").content.decode()
    draft = Audit.objects.get(organisation=leeds, state="draft")
    done = Audit.objects.get(organisation=leeds, state="moderated")
    assert f'href="/quality/audits/{draft.pk}/"' in body and f'href="/quality/audits/{done.pk}/"' in body
    assert client.get(f"/quality/audits/{done.pk}/").status_code == 200
    file = done.files.first()
    assert client.get(f"/quality/audits/{done.pk}/files/{file.pk}/").status_code == 200
    training = client.get("/quality/training/").content.decode()
    assert "overdue" in training and "in date" in training and "4.18" in training
