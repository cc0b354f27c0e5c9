"""The demo that `make run` loads: five authorities, each on its own council's templates.

One test, because loading takes seconds and each test's transaction is rolled back.
"""

from __future__ import annotations

from datetime import date

import pytest
from django.core.management import call_command
from django.test import Client
from django.utils.html import escape

from oversight.compliance.selectors import obligations_for
from oversight.demo import load_demo
from oversight.files.models import FileItem
from oversight.records.models import Record


@pytest.mark.django_db
def test_demo_authorities(capsys: pytest.CaptureFixture[str]) -> None:
    today = date(2026, 11, 20)
    demo = load_demo(today=today)
    assert sorted(o.policy_pack for o in demo) == sorted(
        ["bristol-2020", "leeds-2023", "lambeth-2021", "buckinghamshire-2024", "blackpool-2020"]
    )
    assert load_demo(today=today) == []  # idempotent

    for org in demo:
        # each authority's records are on its own council's template sections
        records = Record.objects.filter(session__organisation=org)
        assert records.exists(), org
        for record in records:
            template = org.pack.template(record.template_id)
            assert template is not None, (org, record.template_id)
            assert set(record.content) <= {s.id for s in template.sections}
        # a year of history with late and cancelled sessions, and the roles the brief asks for
        statuses = {ob["status"] for ob in obligations_for(org, today).items}
        assert {"met", "late"} <= statuses, org
        assert org.sessions.filter(status="cancelled").exists()
        roles = {p.role for p in org.people.all()}
        assert {"nqsw_asye", "student_social_worker", "team_manager", "service_manager"} <= roles
        assert org.people.filter(employment="casual").exists()
        assert org.children.values("status").distinct().count() >= 5
        # a social worker's supervision file holds an item of every part (oversight.files.demo)
        parts = set(FileItem.objects.filter(person__user__username=f"{org.slug}.sw1").values_list("part", flat=True))
        assert parts == {"preparation", "wellbeing", "objectives", "performance", "restorative"}, org

    # and each renders its records on its own council's sections, for the team manager who wrote them
    for org in demo:
        slug = org.slug
        tm = org.people.get(user__username=f"{slug}.tm1")
        record = Record.objects.filter(session__supervisor=tm).exclude(content={}).order_by("-session__date").first()
        assert record is not None, org
        viewer = Client()
        viewer.force_login(tm.user)
        page = viewer.get(f"/records/{record.pk}/").content.decode()
        template = org.pack.template(record.template_id)
        assert escape(template.title) in page, org
        for section in template.sections:
            if not section.signature:
                assert escape(section.title) in page, (org, section.title)

    client = Client()
    assert client.login(username="leeds.tm1", password="demo")
    body = client.get("/").content.decode()
    assert "My supervision" in body and "Overdue" in body

    # Issue 9, each feature reachable from the demo: the team manager's dashboards index links the
    # coverage and capacity pages, which show their supervisees; their latest draft offers the
    # council's reflective prompts and its check finds the child the demo named in it.
    for org in demo:
        tm = org.people.get(user__username=f"{org.slug}.tm1")
        viewer = Client()
        viewer.force_login(tm.user)
        index = viewer.get("/dashboards/").content.decode()
        assert 'href="/capacity/"' in index and 'href="/dashboards/supervisor/coverage/"' in index, org
        coverage = viewer.get("/dashboards/supervisor/coverage/")
        assert coverage.status_code == 200 and "Functions" in coverage.content.decode(), org
        plans = viewer.get("/capacity/").content.decode()
        team = f"/capacity/team-{tm.team_id}/"
        assert f'href="{team}"' in plans, org
        plan = viewer.get(team).content.decode()
        assert tm.name in plan and "hours" in plan.lower(), org
        draft = (  # the draft oversight.guard.demo names a child in: the latest with a caseload
            Record.objects.filter(session__supervisor=tm, status="draft", session__supervisee__caseload__isnull=False)
            .order_by("-session__date", "pk")
            .first()
        )
        assert draft is not None, org
        page = viewer.get(f"/records/{draft.pk}/").content.decode()
        assert f'href="/records/{draft.pk}/check/"' in page, org
        if org.policy_pack != "lambeth-2021":  # Lambeth keeps reflective discussion on Mosaic (pack page only)
            assert "Prompts for reflection" in page, org
        check = viewer.get(f"/records/{draft.pk}/check/").content.decode()
        assert "Move to a case direction" in check, org

    capsys.readouterr()
    call_command("audit", "verify")
    assert capsys.readouterr().out.startswith("OK:")

    # retention on the demo: the leavers past their period, and the one under legal hold apart
    call_command("retention", "--dry-run", "--today", "2026-11-20", "--organisation", "leeds")
    out = capsys.readouterr().out
    to_delete, _, held = out.partition("under legal hold")
    assert "LEEDS-900" in to_delete and "LEEDS-901" not in to_delete
    assert "LEEDS-901" in held
