"""The pre-supervision pack on the demo authority whose records keep a confidential separate
record (Blackpool 8): every supervisee of the first team manager on screen, and a PDF. One
test, on one authority: loading a demo authority takes many seconds (tests/test_demo.py
loads all five)."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.test import Client

from oversight.demo import load_demo
from oversight.records.models import Record
from oversight.supervision.models import Relationship

NOW = datetime(2026, 11, 20, 9, 0, tzinfo=ZoneInfo("Europe/London"))


@pytest.mark.django_db
def test_the_pack_renders_for_the_demo_without_confidential_sections() -> None:
    with time_machine.travel(NOW, tick=False):
        today = NOW.date()
        demo = load_demo(today=today, only=("blackpool-2020",))
        assert len(demo) == 1
        # Mark every written confidential section (the demo fills sections with a few stock
        # lines, so a confidential one may read like a shown one): no mark may reach a pack.
        confidential_seen = 0
        for record in Record.objects.filter(session__organisation__in=demo).select_related("session__organisation"):
            template = record.session.organisation.pack.template(record.template_id)
            secret = {s.id for s in (template.sections if template else []) if s.confidential}
            if secret & {k for k, v in record.content.items() if v}:
                record.content = {
                    k: (f"CONF-MARK-{record.pk}" if k in secret and v else v) for k, v in record.content.items()
                }
                Record.objects.filter(pk=record.pk).update(content=record.content)
                confidential_seen += 1
        children_shown = shown_decisions = 0
        for org in demo:
            tm = org.people.get(user__username=f"{org.slug}.tm1")
            client = Client()
            client.force_login(tm.user)
            supervisees = [
                r.supervisee
                for r in Relationship.objects.filter(supervisor=tm, start__lte=today, end__isnull=True).select_related(
                    "supervisee"
                )
            ]
            assert supervisees, org
            for person in supervisees:
                response = client.get(f"/people/{person.pk}/preparation/")
                assert response.status_code == 200, (org, person)
                body = response.content.decode()
                assert f"Pre-supervision pack: {person.name}" in body
                shown_decisions += 'class="govuk-body decision"' in body
                for child in person.caseload.all():
                    assert child.case_id in body, (org, person, child)
                    children_shown += 1
                assert "CONF-MARK-" not in body, (org, person)
            pdf = client.get(f"/people/{supervisees[0].pk}/preparation.pdf")
            assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF"), org
        assert children_shown > 0
        assert confidential_seen > 0  # Blackpool's separate record is written in the demo
        assert shown_decisions > 0  # and the packs did show the last records' decisions
