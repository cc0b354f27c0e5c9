"""The councils' record templates shipped in packs/templates/<pack-id>.yaml."""

from __future__ import annotations

import pytest

from oversight.policy.pack import PolicyPack, Template, shipped_packs

PACK_IDS = ["bristol-2020", "leeds-2023", "lambeth-2021", "buckinghamshire-2024", "blackpool-2020"]
RECORDS = ("session", "case_discussion", "observation")


def pack(pack_id: str) -> PolicyPack:
    return shipped_packs()[pack_id]


def template(pack_id: str, template_id: str) -> Template:
    return next(t for t in pack(pack_id).templates if t.id == template_id)


def test_all_five_packs_ship_templates() -> None:
    packs = shipped_packs()
    assert sorted(packs) == sorted(PACK_IDS)
    for pack_id in PACK_IDS:
        assert packs[pack_id].templates, pack_id


@pytest.mark.parametrize("pack_id", PACK_IDS)
def test_at_least_one_agreement_template(pack_id: str) -> None:
    agreements = [t for t in pack(pack_id).templates if t.applies_to == "agreement"]
    assert agreements
    for agreement in agreements:
        assert any(s.signature for s in agreement.sections), agreement.id


@pytest.mark.parametrize("pack_id", PACK_IDS)
def test_template_and_section_ids_are_unique(pack_id: str) -> None:
    ids = [t.id for t in pack(pack_id).templates]
    assert len(ids) == len(set(ids))
    for t in pack(pack_id).templates:
        section_ids = [s.id for s in t.sections]
        assert len(section_ids) == len(set(section_ids)), t.id


@pytest.mark.parametrize("pack_id", PACK_IDS)
def test_templates_name_known_roles_and_fitting_kinds(pack_id: str) -> None:
    p = pack(pack_id)
    prefix = {"buckinghamshire-2024": "bucks."}.get(pack_id, pack_id.split("-")[0] + ".")
    for t in p.templates:
        assert t.id.startswith(prefix), t.id
        assert set(t.roles) <= set(p.roles), (t.id, set(t.roles) - set(p.roles))
        if t.applies_to in ("agreement", "preparation"):
            assert t.kinds == [], t.id
        else:
            assert t.kinds, t.id
        for s in t.sections:
            assert s.title.strip(), (t.id, s.id)


@pytest.mark.parametrize("pack_id", PACK_IDS)
def test_every_session_record_ends_with_actions(pack_id: str) -> None:
    """Actions (who, by when) close every record; only the next session and signatures follow."""
    for t in pack(pack_id).templates:
        if t.applies_to not in RECORDS:
            continue
        ids = [s.id for s in t.sections]
        assert "actions" in ids, t.id
        after = t.sections[ids.index("actions") + 1 :]
        assert all(s.id == "next_session" or s.signature for s in after), (t.id, [s.id for s in after])


@pytest.mark.parametrize("pack_id", PACK_IDS)
def test_every_recorded_kind_has_a_template(pack_id: str) -> None:
    p = pack(pack_id)
    covered = {kind for t in p.templates if t.applies_to in RECORDS for kind in t.kinds}
    for rule in p.records:
        assert set(rule.kinds) <= covered, (rule.id, set(rule.kinds) - covered)
    if p.observations:
        assert any(t.applies_to == "observation" for t in p.templates)
    assert any(t.applies_to == "session" and "personal" in t.kinds for t in p.templates)


def test_lambeth_check_in_is_confidential() -> None:
    p = pack("lambeth-2021")
    check_ins = [(t.id, s) for t in p.templates for s in t.sections if s.id == "check_in"]
    assert {tid for tid, _ in check_ins} >= {"lambeth.agreement", "lambeth.professional"}
    assert all(s.confidential for _, s in check_ins)
    # nothing else in Lambeth's templates is held back from the record
    assert all(not s.confidential for t in p.templates for s in t.sections if s.id != "check_in")


def test_lambeth_case_discussions_end_with_i_will_know_this_works_when() -> None:
    for tid in ("lambeth.case_discussion.child_at_home", "lambeth.case_discussion.child_in_care"):
        t = template("lambeth-2021", tid)
        assert t.applies_to == "case_discussion" and t.kinds == ["case"]
        assert "I will know this works when?" in t.sections[-1].prompts


def test_bristol_has_three_app3_records_told_apart_by_role() -> None:
    p = pack("bristol-2020")
    records = [t for t in p.templates if t.source.startswith("App. 3")]
    assert len(records) == 3
    assert all(t.applies_to == "session" and t.kinds == ["personal"] for t in records)
    role_sets = [set(t.roles) for t in records]
    assert all(role_sets)
    for i, a in enumerate(role_sets):
        for b in role_sets[i + 1 :]:
            assert not a & b
    by_role = {role: t.id for t in records for role in t.roles}
    assert by_role["social_worker"] == "bristol.record.practitioner"
    assert by_role["family_support_worker"] == "bristol.record.practitioner"
    assert by_role["personal_adviser"] == "bristol.record.practitioner"
    assert by_role["team_manager"] == "bristol.record.manager"
    assert by_role["practice_lead"] == "bristol.record.manager"
    assert by_role["consultant_social_worker"] == "bristol.record.manager"
    assert by_role["supervising_social_worker"] == "bristol.record.supervising_social_worker"
    carers = template("bristol-2020", "bristol.record.supervising_social_worker")
    per_carer = [s for s in carers.sections if s.per_child]
    assert [s.id for s in per_carer] == ["foster_carer"]
    due = next(s for s in carers.sections if s.id == "due_overdue")
    assert len(due.prompts) == 4


def test_bristol_records_keep_only_the_childs_lcs_number() -> None:
    for tid in ("bristol.record.practitioner", "bristol.record.manager"):
        child = next(s for s in template("bristol-2020", tid).sections if s.id == "child")
        assert child.per_child
        assert child.prompts[0] == "LCS/EHM number"


def test_blackpool_question_bank_has_four_stages() -> None:
    bank = template("blackpool-2020", "blackpool.question_bank")
    assert bank.applies_to == "session"
    assert bank.kinds == ["case"]
    stages = [s for s in bank.sections if s.id.startswith("stage_")]
    assert [s.id for s in stages] == [
        "stage_1_experience",
        "stage_2_reflection",
        "stage_3_analysis",
        "stage_4_planning",
    ]
    assert all(len(s.prompts) >= 10 for s in stages)


def test_leeds_forms_not_in_the_text_say_so() -> None:
    for t in pack("leeds-2023").templates:
        assert "not in the text" in t.title or "built from" in t.title, t.id
