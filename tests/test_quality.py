"""Quality assurance of supervision (issue 8): the councils' audit tools as data, and the
services for audits, findings, observations and training, on the persona cast (Leeds).

Maria, the service manager, supervises Theo and is the line manager above him; Theo supervises
Sally and Asha; Quinn holds quality assurance in their service; Omar manages another team.
Time is frozen on Tuesday 10 March 2026.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import IntegrityError, transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from oversight.access.reach import Viewer
from oversight.access.services import capability_grant
from oversight.audit.models import AuditEvent
from oversight.errors import ServiceError
from oversight.people.models import Person
from oversight.quality import services as quality_services
from oversight.quality.access import may, visible_audits, visible_observations
from oversight.quality.development import observation_record
from oversight.quality.models import Audit, AuditAnswer, Observation
from oversight.quality.services import (
    audit_answers_save,
    audit_complete,
    audit_file_add,
    audit_file_remove,
    audit_moderate,
    audit_start,
    finding_add,
    finding_done,
    unanswered,
)
from oversight.quality.tools import ToolError, parse_tool, shipped_tools, tool_for
from oversight.supervision.services import relationship_start

from .personas import Cast, give_sign_ins, make_cast

pytestmark = pytest.mark.django_db

LONDON = ZoneInfo("Europe/London")
NOW = datetime(2026, 3, 10, 10, 30, tzinfo=LONDON)
TODAY = NOW.date()
PACKS = ("bristol-2020", "leeds-2023", "lambeth-2021", "buckinghamshire-2024", "blackpool-2020")


@pytest.fixture(autouse=True)
def frozen() -> Iterator[None]:
    with time_machine.travel(NOW, tick=False):
        yield


@dataclass
class QualityWorld:
    cast: Cast
    quinn: Person  # quality assurance in the service of Theo's team

    @property
    def org(self) -> Any:
        return self.cast.org


def build_quality_world(pack: str = "leeds-2023", slug: str = "leeds-quality") -> QualityWorld:
    """The cast with sign-ins, Maria supervising Theo, Theo supervising Sally and Asha, and Quinn
    holding quality assurance in their service."""
    cast = make_cast(pack, slug)
    team = cast.theo.team
    assert team is not None
    quinn = Person.objects.create(
        organisation=cast.org, staff_id="Q1", name="Quinn Quality", role="business_support", started=date(2018, 1, 1)
    )
    give_sign_ins(cast, quinn, prefix=f"{slug}-")
    capability_grant(person=cast.maria, capability="senior_manager", by=None, reason="Service manager")
    capability_grant(person=quinn, capability="qa", service=team.service, by=cast.maria, reason="Supervision QA")
    start = date(2024, 1, 8)
    for supervisor, supervisee in ((cast.maria, cast.theo), (cast.theo, cast.sally), (cast.theo, cast.asha)):
        relationship_start(
            organisation=cast.org,
            by=cast.maria,
            supervisor=supervisor,
            supervisee=supervisee,
            start=max(start, supervisee.started),
        )
    return QualityWorld(cast=cast, quinn=quinn)


@pytest.fixture
def world() -> QualityWorld:
    return build_quality_world()


def answer_all(audit: Audit, pick: int = 0) -> None:
    """Answer every question on every file with the scale's ``pick``th option."""
    tool = tool_for(audit.tool)
    for file in audit.files.all():
        answers = {q.id: (tool.scale(q.scale).options[pick].value, "") for q in tool.questions}
        audit_answers_save(audit=audit, file=file, by=audit.auditor, answers=answers)


def started(world: QualityWorld, *supervisees: Person) -> Audit:
    c = world.cast
    return audit_start(supervisor=c.theo, auditor=c.maria, supervisees=supervisees or (c.sally,), on=TODAY)


def completed(world: QualityWorld, outcome: str = "good") -> Audit:
    audit = started(world)
    answer_all(audit)
    return audit_complete(audit=audit, by=world.cast.maria, outcome=outcome, summary="Good practice.", on=TODAY)


# --- the tools ------------------------------------------------------------------------------------


def test_every_pack_has_a_tool_with_a_source_on_every_question() -> None:
    tools = shipped_tools()
    assert sorted(tools) == sorted(PACKS)
    for pack_id, tool in tools.items():
        assert tool.source and tool.outcome_source, pack_id
        assert len(tool.questions) >= 8, pack_id
        assert all(q.source.strip() for q in tool.questions), pack_id
        assert {o.id for o in tool.outcomes} == {"good", "requires_improvement", "inadequate"}, pack_id
    leeds = tool_for("leeds-2023")
    assert leeds.source == "4.19"
    assert {q.id for q in leeds.questions} >= {"agreement", "frequency", "no_child_information", "wellbeing"}
    assert leeds.observation is not None and len(leeds.observation.elements) == 4
    assert tool_for("bristol-2020").source == "5.10"
    assert tool_for("lambeth-2021").question("agreement").source.startswith("4")  # type: ignore[union-attr]


def test_a_bad_tool_names_the_yaml_path() -> None:
    data = {
        "pack": "x-2020",
        "title": "T",
        "source": "1",
        "who": "w",
        "cadence": "c",
        "outcome_source": "1",
        "scales": [{"id": "met", "options": [{"value": "a", "label": "A"}, {"value": "b", "label": "B"}]}],
        "questions": [{"id": "q", "text": "Q?", "scale": "nope", "source": "2"}],
        "outcomes": [{"id": "good", "label": "G", "description": "d"}, {"id": "bad", "label": "B", "description": "d"}],
    }
    with pytest.raises(ToolError, match=r"questions\[0\].scale: unknown scale 'nope'"):
        parse_tool(data, "x-2020.yaml")
    data["questions"] = [{"id": "q", "text": "Q?", "scale": "met"}]
    with pytest.raises(ToolError, match=r"questions.0.source"):
        parse_tool(data, "x-2020.yaml")
    with pytest.raises(ToolError, match="no quality assurance tool"):
        tool_for("nowhere-1999")


# --- audits ---------------------------------------------------------------------------------------


def test_the_line_manager_starts_an_audit_with_its_audit_row(world: QualityWorld) -> None:
    c = world.cast
    audit = started(world, c.sally, c.asha)
    assert audit.state == Audit.State.DRAFT and audit.auditor_standing == "line management"
    assert audit.tool == "leeds-2023"
    assert sorted(audit.files.values_list("supervisee__name", flat=True)) == ["Asha Asye", "Sally Social"]
    event = AuditEvent.objects.get(action="quality_audit.start", object_id=str(audit.pk))
    assert event.actor_id == c.maria.pk and event.detail["files"] == [c.sally.pk, c.asha.pk]


def test_quality_assurance_may_audit_too(world: QualityWorld) -> None:
    audit = audit_start(supervisor=world.cast.theo, auditor=world.quinn, supervisees=[world.cast.sally], on=TODAY)
    assert audit.auditor_standing == "qa"


@pytest.mark.parametrize("who", ["sally", "omar", "theo"])
def test_only_the_line_above_or_qa_audits(world: QualityWorld, who: str) -> None:
    c = world.cast
    with pytest.raises(ServiceError) as refused:
        audit_start(supervisor=c.theo, auditor=getattr(c, who), supervisees=[c.sally], on=TODAY)
    assert refused.value.field == "supervisor"
    assert not Audit.objects.exists()


def test_the_sample_is_from_the_supervisors_current_supervisees(world: QualityWorld) -> None:
    c = world.cast
    with pytest.raises(ServiceError) as refused:
        audit_start(supervisor=c.theo, auditor=c.maria, supervisees=[c.omar], on=TODAY)
    assert refused.value.field == "supervisees" and "Omar Other is not supervised by Theo Team" in refused.value.message
    with pytest.raises(ServiceError) as empty:
        audit_start(supervisor=c.theo, auditor=c.maria, supervisees=[], on=TODAY)
    assert empty.value.field == "supervisees"


def test_one_draft_per_auditor_and_supervisor(world: QualityWorld) -> None:
    started(world)
    with pytest.raises(ServiceError, match="already have a draft audit of Theo Team"):
        started(world)


def test_the_sample_changes_only_in_draft(world: QualityWorld) -> None:
    c = world.cast
    audit = started(world)
    file = audit_file_add(audit=audit, by=c.maria, supervisee=c.asha, on=TODAY)
    with pytest.raises(ServiceError) as again:
        audit_file_add(audit=audit, by=c.maria, supervisee=c.asha, on=TODAY)
    assert again.value.field == "supervisee"
    audit_file_remove(audit=audit, by=c.maria, file=file)
    with pytest.raises(ServiceError) as last:
        audit_file_remove(audit=audit, by=c.maria, file=audit.files.get())
    assert last.value.field == "file"
    with pytest.raises(ServiceError):
        audit_file_add(audit=audit, by=c.theo, supervisee=c.asha, on=TODAY)  # not the auditor


def test_bad_answers_name_the_question(world: QualityWorld) -> None:
    audit = started(world)
    file = audit.files.get()
    maria = world.cast.maria
    with pytest.raises(ServiceError) as bad:
        audit_answers_save(audit=audit, file=file, by=maria, answers={"agreement": ("excellent", "")})
    assert bad.value.field == "agreement"
    with pytest.raises(ServiceError) as unknown:
        audit_answers_save(audit=audit, file=file, by=maria, answers={"made_up": ("met", "")})
    assert unknown.value.field == "made_up"
    with pytest.raises(ServiceError) as comment_only:
        audit_answers_save(audit=audit, file=file, by=maria, answers={"agreement": ("", "No answer")})
    assert comment_only.value.field == "agreement"
    assert not AuditAnswer.objects.exists()


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(picks=st.lists(st.integers(min_value=-1, max_value=3), min_size=11, max_size=11))
def test_answered_is_what_was_given_and_unanswered_is_the_rest(world: QualityWorld, picks: list[int]) -> None:
    """Whatever subset is answered (−1: left blank, which clears an earlier answer), the count
    and the list of unanswered questions agree with it."""
    audit = Audit.objects.filter(state="draft").first() or started(world)
    tool = tool_for(audit.tool)
    file = audit.files.get()
    answers = {}
    for question, pick in zip(tool.questions, picks, strict=True):
        options = tool.scale(question.scale).options
        answers[question.id] = (options[pick % len(options)].value if pick >= 0 else "", "")
    answered = audit_answers_save(audit=audit, file=file, by=world.cast.maria, answers=answers)
    given_ids = {q for q, (value, _) in answers.items() if value}
    assert answered == len(given_ids) == file.answers.count()
    gaps = unanswered(audit)
    assert ({q for _, missing in gaps for q in missing}) == {q.id for q in tool.questions} - given_ids


def test_completing_needs_every_answer_an_outcome_and_a_summary(world: QualityWorld) -> None:
    c = world.cast
    audit = started(world, c.sally, c.asha)
    with pytest.raises(ServiceError) as no_outcome:
        audit_complete(audit=audit, by=c.maria, outcome="", summary="x", on=TODAY)
    assert no_outcome.value.field == "outcome"
    with pytest.raises(ServiceError) as no_summary:
        audit_complete(audit=audit, by=c.maria, outcome="good", summary="  ", on=TODAY)
    assert no_summary.value.field == "summary"
    sally_file = audit.files.get(supervisee=c.sally)
    tool = tool_for("leeds-2023")
    audit_answers_save(
        audit=audit,
        file=sally_file,
        by=c.maria,
        answers={q.id: ("met" if q.scale == "met" else "clear", "") for q in tool.questions},
    )
    with pytest.raises(ServiceError) as gaps:
        audit_complete(audit=audit, by=c.maria, outcome="good", summary="x", on=TODAY)
    assert gaps.value.field == "answers"
    assert "Asha Asye's file has 11 unanswered" in gaps.value.message
    answer_all(audit)
    done = audit_complete(audit=audit, by=c.maria, outcome="good", summary="Regular, reflective.", on=TODAY)
    assert done.state == "completed" and done.completed_on == TODAY
    with pytest.raises(ServiceError) as twice:
        audit_complete(audit=done, by=c.maria, outcome="good", summary="x", on=TODAY)
    assert twice.value.field == "__all__"
    with pytest.raises(ServiceError):
        audit_answers_save(audit=done, file=sally_file, by=c.maria, answers={"agreement": ("partly", "")})
    assert AuditEvent.objects.filter(action="quality_audit.complete", object_id=str(audit.pk)).count() == 1


def test_moderation_keeps_both_views(world: QualityWorld) -> None:
    c = world.cast
    audit = completed(world, outcome="good")
    for who in (c.maria, c.theo, c.omar):  # the auditor, the supervisor, an outsider
        with pytest.raises(ServiceError):
            audit_moderate(audit=audit, by=who, outcome="good", note="", on=TODAY)
    with pytest.raises(ServiceError) as why:
        audit_moderate(audit=audit, by=world.quinn, outcome="requires_improvement", note="", on=TODAY)
    assert why.value.field == "note"
    moderated = audit_moderate(
        audit=audit, by=world.quinn, outcome="requires_improvement", note="Frequency not met for Sally.", on=TODAY
    )
    assert moderated.state == "moderated"
    assert (moderated.outcome, moderated.moderated_outcome) == ("good", "requires_improvement")
    assert moderated.agreed_with_auditor is False
    event = AuditEvent.objects.get(action="quality_audit.moderate")
    assert event.detail == {"auditor_outcome": "good", "moderated_outcome": "requires_improvement", "agreed": False}
    with pytest.raises(ServiceError):
        audit_moderate(audit=moderated, by=world.quinn, outcome="good", note="", on=TODAY)


def test_agreeing_needs_no_note(world: QualityWorld) -> None:
    audit = audit_moderate(audit=completed(world), by=world.quinn, outcome="good", note="", on=TODAY)
    assert audit.agreed_with_auditor is True


def test_findings_and_their_actions_are_tracked_to_done(world: QualityWorld) -> None:
    c = world.cast
    audit = started(world)
    with pytest.raises(ServiceError) as owner:
        finding_add(audit=audit, by=c.maria, text="t", action="a", owner=c.sally, due=TODAY, on=TODAY)
    assert owner.value.field == "owner"
    with pytest.raises(ServiceError) as due:
        finding_add(
            audit=audit, by=c.maria, text="t", action="a", owner=c.theo, due=TODAY - timedelta(days=1), on=TODAY
        )
    assert due.value.field == "due"
    with pytest.raises(ServiceError) as text:
        finding_add(audit=audit, by=c.maria, text="", action="a", owner=c.theo, due=TODAY, on=TODAY)
    assert text.value.field == "text"
    finding = finding_add(
        audit=audit,
        by=c.maria,
        text="Dates not agreed",
        action="Agree the next date",
        owner=c.theo,
        due=TODAY,
        on=TODAY,
    )
    with pytest.raises(ServiceError, match="once the audit is completed"):
        finding_done(finding=finding, by=c.theo, on=TODAY)
    answer_all(audit)
    audit_complete(audit=audit, by=c.maria, outcome="good", summary="s", on=TODAY)
    finding.refresh_from_db()
    with pytest.raises(ServiceError):
        finding_done(finding=finding, by=c.sally, on=TODAY)
    done = finding_done(finding=finding, by=c.theo, on=TODAY, note="Agreed at every session")
    assert (done.done_on, done.done_by_id) == (TODAY, c.theo.pk)
    with pytest.raises(ServiceError, match="already marked as done"):
        finding_done(finding=finding, by=c.maria, on=TODAY)
    assert AuditEvent.objects.filter(action="quality_finding.done", object_id=str(finding.pk)).count() == 1


def test_a_change_and_its_audit_row_commit_together(world: QualityWorld, monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(**kwargs: Any) -> None:
        raise RuntimeError("the audit trail is down")

    monkeypatch.setattr(quality_services, "audit_event", broken)
    with pytest.raises(RuntimeError):
        started(world)
    assert not Audit.objects.exists()


def test_the_schema_refuses_a_self_audit(world: QualityWorld) -> None:
    c = world.cast
    with pytest.raises(IntegrityError), transaction.atomic():
        Audit.objects.create(
            organisation=c.org,
            supervisor=c.theo,
            auditor=c.theo,
            auditor_standing="qa",
            tool="leeds-2023",
            started_on=TODAY,
        )


def test_may_view_agrees_with_the_visible_querysets(world: QualityWorld) -> None:
    """One policy: for every person and every audit and observation, "may I read it" and "is it
    in the list of those I may read" give the same answer."""
    c = world.cast
    completed(world)
    audit_start(supervisor=c.theo, auditor=world.quinn, supervisees=[c.asha], on=TODAY)
    observation_record(
        supervisor=c.theo, observer=world.quinn, observed_on=TODAY, strengths="s", areas_to_develop="a", on=TODAY
    )
    expected = {"maria": True, "theo": True, "quinn": True, "omar": False, "sally": False, "asha": False}
    for name, reads in expected.items():
        person = world.quinn if name == "quinn" else getattr(c, name)
        viewer = Viewer.for_person(person, TODAY)
        audits = set(visible_audits(viewer).values_list("pk", flat=True))
        observations = set(visible_observations(viewer).values_list("pk", flat=True))
        for audit in Audit.objects.all():
            assert may(viewer, "view", audit) == (audit.pk in audits) == reads, (name, audit)
        for observation in Observation.objects.all():
            assert may(viewer, "view", observation) == (observation.pk in observations) == reads, name
