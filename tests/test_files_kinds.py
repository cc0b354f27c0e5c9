"""The councils' supervision-file kinds as data (oversight.files.kinds): every pack has them,
every part is covered, what the policies name is there, every kind cites a section of its
council's document (and of the catalogue, shared/POLICIES.md, where it indexes it), and a bad
file is refused naming its YAML path."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from oversight.files.kinds import PACK_IDS, KindsError, base, file_kinds, parse_kinds
from oversight.policy import shipped_packs

SHARED = Path(__file__).resolve().parents[2] / "shared"


# --- the kinds as data ----------------------------------------------------------------------------


def test_every_pack_has_its_file_kinds_and_every_part_is_covered() -> None:
    assert set(PACK_IDS) == set(shipped_packs())
    parts = {p.id for p in base().parts}
    for pack_id in PACK_IDS:
        kinds = file_kinds(pack_id)
        assert kinds.pack == pack_id
        assert {k.part for k in kinds.kinds} == parts, pack_id
        assert all(k.source.strip() for k in kinds.kinds)
        assert sum(1 for k in kinds.kinds if k.links_session) == 1, pack_id  # one preparation form
        assert any(k.event == "self_care_plan" for k in kinds.kinds), pack_id
        assert any(k.event == "objectives_set" for k in kinds.kinds), pack_id
        assert all(k.confidential for k in kinds.kinds if k.part == "wellbeing"), pack_id
        assert any(k.action == "change_supervisor" for k in kinds.kinds), pack_id


def test_every_base_kind_is_used_by_a_council() -> None:
    used = {k.id for pack_id in PACK_IDS for k in file_kinds(pack_id).kinds}
    assert {k.id for k in base().kinds} <= used


def test_what_the_brief_names_is_there() -> None:
    leeds, bucks = file_kinds("leeds-2023"), file_kinds("buckinghamshire-2024")
    plan = leeds.kind("self_care_plan")
    assert plan is not None and [f.id for f in plan.fields] == ["plan", "formulation", "fit", "barriers"]
    prep = bucks.kind("preparation")
    assert prep is not None and {"worrying", "working_well", "decided", "help_today"} <= {f.id for f in prep.fields}
    bristol_prep = file_kinds("bristol-2020").kind("preparation")
    assert bristol_prep is not None
    assert {"agenda_items", "children_progress", "cpd", "appraisal_progress"} <= {f.id for f in bristol_prep.fields}
    c4p = bucks.kind("c4p_objectives")
    assert c4p is not None and c4p.review_every is not None and c4p.review_every.months == 3
    assert bucks.kind("wellness_action_plan") is not None
    assert file_kinds("blackpool-2020").kind("learning_journal") is not None
    attendance = leeds.kind("attendance_note")
    assert (
        attendance is not None
        and "sick notes" in (attendance.no_upload or "")
        and "4.12" in (attendance.no_upload or "")
    )
    complaint = leeds.kind("compliment_complaint")
    assert complaint is not None and complaint.anonymised
    assert not any("name" in f.id or "complainant" in f.id for f in complaint.fields)
    improvement = leeds.kind("improvement_plan")
    assert improvement is not None and improvement.step("escalated_to_hr") is not None
    reflective = leeds.kind("reflective_discussion")
    assert reflective is not None and reflective.field("facilitator") is not None


def _section_pattern(token: str) -> re.Pattern[str]:
    """As tests/test_pack_rules.py finds a section in a seed: numbered, appendix or titled."""
    lead = r"^[\s#*\-•>|]*"
    appendix = re.fullmatch(r"App\.?\s*([A-Z0-9]+)", token)
    if appendix:
        return re.compile(lead + r"(?:\*\*)?Appendix\s+" + appendix.group(1) + r"\b", re.M | re.I)
    if re.fullmatch(r"[\d.]+", token):
        return re.compile(lead + r"(?:\d\.\s+)?" + re.escape(token) + r"[.:)]?(?=[\s*]|$)", re.M)
    return re.compile(lead + re.escape(token), re.M | re.I)


def _catalogue_sections(pack_id: str) -> set[str]:
    """The sections POLICIES.md cites for one council, ranges spelt out (4.1-4.10, App. A-E)."""
    text = (SHARED / "POLICIES.md").read_text(encoding="utf-8")
    block = text.split(f"(`{pack_id}`", 1)[1].split("\n## ", 1)[0]
    found: set[str] = set()
    for line in block.splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) < 3 or cells[0] in ("rule", "---"):
            continue
        for token in (t.strip() for t in cells[-1].split(",")):
            numbered = re.fullmatch(r"(\d+)\.(\d+)-\1\.(\d+)", token)
            lettered = re.fullmatch(r"App\. ([A-Z0-9])-([A-Z0-9])", token)
            if numbered:
                head, low, high = numbered.groups()
                found |= {f"{head}.{n}" for n in range(int(low), int(high) + 1)}
            elif lettered:
                low, high = lettered.groups()
                found |= {f"App. {chr(c)}" for c in range(ord(low), ord(high) + 1)}
            else:
                found.add(token)
    return found


# Sections a kind cites that the catalogue does not index (it lists rules with a number or a
# clock); each is found in the council's own document by the test below.
NOT_IN_THE_CATALOGUE = {
    ("leeds-2023", "4.20"),  # Appraisal
    ("bristol-2020", "3.3"),  # preparation before the session
    ("lambeth-2021", "2.2.1"),  # Appraisal
}


@pytest.mark.skipif(not (SHARED / "seeds").is_dir(), reason="../shared is not beside this checkout")
@pytest.mark.parametrize("pack_id", PACK_IDS)
def test_every_kind_cites_a_section_of_its_council_s_policy(pack_id: str) -> None:
    pack = shipped_packs()[pack_id]
    seed = (SHARED / "seeds" / pack.seed).read_text(encoding="utf-8")
    catalogue = _catalogue_sections(pack_id)
    kinds = file_kinds(pack_id)
    cited = [(k.id, k.source) for k in kinds.kinds] + [
        (f"{k.id}.{s.id}", s.source) for k in kinds.kinds for s in k.steps if s.source
    ]
    for what, source in cited:
        for token in (t.strip() for t in source.split(",")):
            assert _section_pattern(token).search(seed), f"{pack_id} {what}: section {token!r} not in {pack.seed}"
            in_catalogue = token in catalogue or any(token.startswith(c) for c in catalogue if not c[0].isdigit())
            assert in_catalogue or (pack_id, token) in NOT_IN_THE_CATALOGUE, f"{pack_id} {what}: {token!r}"
    assert catalogue, f"POLICIES.md has no section list for {pack_id}"


def test_a_bad_council_file_names_the_yaml_path() -> None:
    with pytest.raises(KindsError, match=r"x.yaml: kinds.0.source"):
        parse_kinds("pack: x\ncouncil: X\nkinds:\n  - use: preparation\n", "x.yaml")
    with pytest.raises(KindsError, match=r"kinds.0.use: no kind 'nothing'"):
        parse_kinds("pack: x\ncouncil: X\nkinds:\n  - use: nothing\n    source: '1'\n", "x.yaml")
    bad_field = "pack: x\ncouncil: X\nkinds:\n  - use: preparation\n    source: '1'\n    fields: [{id: q, label: Q, type: picture}]\n"
    with pytest.raises(KindsError, match=r"kinds.0.fields.0.type"):
        parse_kinds(bad_field, "x.yaml")
    with pytest.raises(KindsError, match="not valid YAML"):
        parse_kinds("pack: [", "x.yaml")
