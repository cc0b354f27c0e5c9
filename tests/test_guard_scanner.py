"""The child-data guard's scanner and rules, without Django (oversight.guard.scanner, .rules)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from oversight.guard.rules import RulesError, parse_rules, rules_for, shipped_rules
from oversight.guard.scanner import (
    KINDS,
    NameIndex,
    name_digests,
    nhs_check_digit_ok,
    normalise_name_token,
    scan,
    sentence_around,
)
from oversight.policy.pack import shipped_packs

KEY = b"test key"
SHARED = Path(__file__).resolve().parents[2] / "shared"


def names(*children: tuple[str, str, str]) -> NameIndex:
    return NameIndex(KEY, {d: case_id for case_id, first, last in children for d in name_digests(KEY, first, last)})


def found(text: str, **kwargs) -> list[tuple[str, str]]:  # type: ignore[no-untyped-def]
    return [(f.kind, f.text) for f in scan(text, **kwargs)]


def test_nhs_numbers_need_their_mod_11_check_digit() -> None:
    assert nhs_check_digit_ok("943 476 5919") and nhs_check_digit_ok("9434765919")
    assert not nhs_check_digit_ok("943 476 5918")  # wrong check digit
    assert not nhs_check_digit_ok("0000000000")
    assert found("NHS 943 476 5919 and 943 476 5918") == [("NHS_NUMBER", "943 476 5919")]
    assert found("Call 0113 378 1234 or 07700 900123.") == []


def test_national_insurance_numbers_follow_hmrc_s_prefix_rules() -> None:
    assert found("NI JT 48 21 93 B, AB123456C.") == [("NI_NUMBER", "JT 48 21 93 B"), ("NI_NUMBER", "AB123456C")]
    assert found("GB 12 34 56 A and QQ 12 34 56 C are never issued.") == []


def test_case_system_ids_in_every_format_and_the_caseload_s_however_spaced() -> None:
    assert found("LCS204913, EHM-55012, MOS 412233") == [
        ("CASE_ID", "LCS204913"),
        ("CASE_ID", "EHM-55012"),
        ("CASE_ID", "MOS 412233"),
    ]
    assert found("The Mosaic ID is 7788990.") == [("CASE_ID", "7788990")]
    on_caseload = scan("Discussed lcs-204913 and 4471902.", case_ids=["LCS204913", "4471902"])
    assert [(f.text, f.child) for f in on_caseload] == [("lcs-204913", "LCS204913"), ("4471902", "4471902")]
    assert found("Invoice 4471903, section 47, Leeds 4.13, team LS3, 41.5 hours.") == []


def test_dates_of_birth_need_their_context_and_meeting_dates_are_left_alone() -> None:
    assert found("DOB 04/05/2016; born on 3rd July 2008; date of birth: 2019-02-14.") == [
        ("DATE_OF_BIRTH", "04/05/2016"),
        ("DATE_OF_BIRTH", "3rd July 2008"),
        ("DATE_OF_BIRTH", "2019-02-14"),
    ]
    assert found("Next supervision 14/05/2025. The idea was born out of the meeting on 3 March 2025.") == []


def test_postcodes_except_an_office_s() -> None:
    assert found("The family live at LS6 2AB.") == [("POSTCODE", "LS6 2AB")]
    assert found("Supervision at Merrion House, LS2 8BB.") == []
    assert found("Training at the civic centre moved to the family home at LS6 2AB.") == [("POSTCODE", "LS6 2AB")]


def test_names_are_matched_by_keyed_hash_alone_or_in_pairs() -> None:
    index = names(("LCS1", "Zoë", "O'Sullivan"), ("LCS2", "Amelia-Rose", "Dunmore"))
    assert normalise_name_token("Zoë") == "zoe" == normalise_name_token("ZOE")
    result = scan("Zoe O'Sullivan's dad called. Amelia-Rose is well; the Dunmore family moved.", names=index)
    assert [(f.text, f.child) for f in result] == [
        ("Zoe O'Sullivan's", "LCS1"),
        ("Amelia-Rose", "LCS2"),
        ("Dunmore", "LCS2"),
    ]
    # Lower case words and staff names are not a child's; initials never are.
    assert scan("we reflected on hope", names=names(("LCS3", "Hope", "Smith"))) == []
    staff = scan(
        "Tom Smith covered duty; Hope was seen.", names=names(("LCS3", "Hope", "Smith")), staff_names=["Tom Smith"]
    )
    assert [f.text for f in staff] == ["Hope"]
    assert scan("Discussed Z.O. and A-R.D.", names=index) == []


def test_the_key_matters_and_no_name_is_in_the_index() -> None:
    digests = name_digests(KEY, "Jayden", "Clarke")
    assert len(digests) == 3 and not any("jayden" in d for d in digests)
    assert name_digests(b"another key", "Jayden", "Clarke").isdisjoint(digests)


def test_the_sentence_around_a_match() -> None:
    text = "Sally is well. Jayden (LCS1) was seen.\nLeave booked."
    start = text.index("Jayden")
    assert text[slice(*sentence_around(text, start, start + 6))] == "Jayden (LCS1) was seen."


def test_the_engine_never_loads_or_downloads_a_model(monkeypatch: pytest.MonkeyPatch) -> None:
    import spacy
    import spacy.cli

    from oversight.guard import scanner

    def refuse(*args, **kwargs):  # type: ignore[no-untyped-def]
        raise AssertionError("a spaCy model was asked for")

    monkeypatch.setattr(spacy, "load", refuse)
    monkeypatch.setattr(spacy.cli, "download", refuse)
    analyzer = scanner._build_analyzer()
    assert analyzer.nlp_engine.nlp["en"].pipe_names == []
    names = {r.name for r in analyzer.registry.recognizers}
    assert names == {
        "CaseSystemIdRecognizer",
        "NhsNumberRecognizer",
        "NiNumberRecognizer",
        "UkPostcodeRecognizer",
        "DateOfBirthRecognizer",
    }


# --- the councils' rules -----------------------------------------------------------------------------


def test_every_council_has_rules_for_every_kind() -> None:
    assert set(shipped_rules()) == set(shipped_packs())
    for rules in shipped_rules().values():
        assert [k.kind for k in rules.kinds] == list(KINDS)
    assert not rules_for("bristol-2020").blocks("CASE_ID")  # 5.2: the LCS/EHM number is kept
    assert rules_for("leeds-2023").blocks("CASE_ID")  # 4.13: no children's information
    assert rules_for("my-council").blocks("POSTCODE")  # a council's own pack: the strictest reading


def _section_pattern(token: str) -> re.Pattern[str]:
    """As tests/test_pack_rules.py finds a section in a seed: numbered or titled."""
    lead = r"^[\s#*\-•>|]*"
    if re.fullmatch(r"[\d.]+", token):
        return re.compile(lead + r"(?:\d\.\s+)?" + re.escape(token) + r"[.:)]?(?=[\s*]|$)", re.M)
    return re.compile(lead + re.escape(token), re.M | re.I)


@pytest.mark.skipif(not (SHARED / "seeds").is_dir(), reason="../shared is not beside this checkout")
@pytest.mark.parametrize("pack_id", sorted(shipped_packs()))
def test_every_citation_is_in_the_council_s_policy(pack_id: str) -> None:
    seed = (SHARED / "seeds" / shipped_packs()[pack_id].seed).read_text(encoding="utf-8")
    rules = shipped_rules()[pack_id]
    assert " ".join(rules.says.split()) in " ".join(seed.split()), f"{pack_id}: the quotation is not in the seed"
    for source in [rules.source, *(k.source for k in rules.kinds)]:
        for token in (t.strip() for t in source.split(",")):
            assert _section_pattern(token).search(seed), f"{pack_id}: section {token!r} not in the seed"


def test_a_bad_rules_file_names_the_yaml_path() -> None:
    good = "pack: x\nsource: '1'\nsays: s\nreading: r\nkinds:\n"
    with pytest.raises(RulesError, match=r"x.yaml: kinds.0.kind: no kind 'NAME'"):
        parse_rules(good + "  - {kind: NAME, blocks: true, source: '1'}\n", "x.yaml")
    with pytest.raises(RulesError, match="exactly once"):
        parse_rules(good + "  - {kind: CASE_ID, blocks: true, source: '1'}\n", "x.yaml")
    with pytest.raises(RulesError, match="not valid YAML"):
        parse_rules("pack: [", "x.yaml")
