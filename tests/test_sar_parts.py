"""Subject access covers the rest of the file: supervision file items (confidential ones and
earlier versions included), quality assurance about the person, and the feedback and surveys
they gave, with other staff by role only and each new part's audit events in the trail."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from oversight.files.services import item_create, item_edit
from oversight.quality.development import observation_record, training_record
from oversight.quality.services import audit_answers_save, audit_complete, audit_start, finding_add
from oversight.quality.tools import tool_for
from oversight.records.models import Record
from oversight.retention.subject_access import STAFF_MARK, build_bundle
from oversight.surveys.models import RecordFeedback

from .personas import Cast
from .test_sar import cast, frozen_today  # noqa: F401  (fixtures)
from .test_surveys_feedback import good_answers

TODAY = date(2026, 11, 25)


@pytest.fixture
def filled(cast: Cast) -> Cast:  # noqa: F811
    sally, theo, maria = cast.sally, cast.theo, cast.maria
    plan = item_create(
        subject=sally,
        kind_id="self_care_plan",
        by=sally,
        on=date(2026, 3, 2),
        content={"plan": "Walk at lunchtime with Omar Other", "formulation": "Court weeks drain me"},
    )
    item_edit(
        item=plan,
        by=sally,
        on=plan.on,
        content={"plan": "Swim on Fridays", "formulation": "Court weeks"},
        expected_version=1,
    )
    audit = audit_start(supervisor=theo, auditor=maria, supervisees=[sally], on=TODAY)
    tool = tool_for(audit.tool)
    answers = {q.id: (tool.scale(q.scale).options[0].value, "") for q in tool.questions}
    audit_answers_save(audit=audit, file=audit.files.get(), by=maria, answers=answers)
    finding_add(
        audit=audit, by=maria, text="Dates not agreed", action="Agree the next date", owner=theo, due=TODAY, on=TODAY
    )
    audit_complete(audit=audit, by=maria, outcome=tool.outcomes[0].id, summary="Regular and reflective", on=TODAY)
    observation_record(
        supervisor=theo, observer=maria, observed_on=TODAY, strengths="Warm", areas_to_develop="Dates", on=TODAY
    )
    training_record(
        person=theo, by=maria, kind="initial", course="Supervising well", provider="P", completed_on=TODAY, on=TODAY
    )
    from oversight.surveys.services import record_feedback_give

    record = Record.objects.get(session__supervisee=sally)
    record_feedback_give(record=record, by=sally, answers=good_answers("leeds-2023"), expected_version=None)
    return cast


def parts(data: dict) -> dict[str, dict]:
    return {p["key"]: p for p in data["more"]}


@pytest.mark.django_db
def test_the_supervisee_s_bundle_has_her_file_items_with_versions_the_sampled_file_and_her_feedback(
    filled: Cast,
) -> None:
    bundle = build_bundle(filled.sally, pdf=False)
    more = parts(bundle.data)
    file = more["supervision_file"]["entries"]
    assert [e["title"] for e in file] == ["Self-care plan"]
    texts = {t["title"]: t["text"] for t in file[0]["texts"]}
    assert any("Swim on Fridays" in t for t in texts.values())  # the current version
    earlier = next(t for title, t in texts.items() if title.startswith("Version 1"))
    assert "Walk at lunchtime with " + STAFF_MARK in earlier and "Omar Other" not in bundle.json.decode()
    assert {"label": "Confidential", "value": "Yes"} in file[0]["facts"]
    # the audit sampled her file: her file's answers, not Theo's outcome, summary or finding
    audit = more["quality"]["entries"][0]
    assert {"label": "Your part", "value": "your supervision file was sampled"} in audit["facts"]
    assert [t["title"] for t in audit["texts"]] == ["Answers on your file"]
    assert "Regular and reflective" not in bundle.json.decode() and "Agree the next date" not in bundle.json.decode()
    feedback = more["feedback_and_surveys"]["entries"]
    assert len(feedback) == 1 and feedback[0]["title"].startswith("Your feedback on the record of")
    assert RecordFeedback.objects.get().answers and all(t["text"] for t in feedback[0]["texts"])
    # their audit events join the trail, and the HTML shows the parts
    actions = {e["action"] for e in bundle.data["audit_events"]}
    assert {"file_item.create", "file_item.edit", "quality_audit.start", "record.feedback"} <= actions
    assert "Your supervision file" in bundle.html and "Quality assurance of your supervision" in bundle.html


@pytest.mark.django_db
def test_the_supervisor_s_bundle_has_the_audit_of_her_files_observations_and_training(
    filled: Cast, tmp_path: Path
) -> None:
    bundle = build_bundle(filled.theo, pdf=False)
    quality = parts(bundle.data)["quality"]
    titles = [e["title"] for e in quality["entries"]]
    assert titles[0].startswith("Audit of supervision files") and "Observation of your supervision" in titles
    assert any(t.endswith("Supervising well") for t in titles)
    audit = quality["entries"][0]
    text = json.dumps(audit)
    assert "Regular and reflective" in text and "Agree the next date" in text and "Sally Social" not in text
    assert {"label": "Auditor", "value": f"{STAFF_MARK} (Service manager)"} in audit["facts"]
    assert {"quality_audit.start", "quality_observation.record"} <= {e["action"] for e in bundle.data["audit_events"]}
    # the auditor's bundle counts the audit she did of someone else, without showing it
    maria = parts(build_bundle(filled.maria, pdf=False).data)["quality"]
    assert maria["entries"] == [] and "2 audits or observations of other supervisors" in maria["note"]
