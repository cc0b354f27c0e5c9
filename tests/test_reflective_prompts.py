"""The councils' question banks (packs/reflective/<pack-id>.yaml): every prompt in the seed's own
words, every citation a section of the seed, every link a section of the council's templates; and
the record form offering them beside the sections they belong to."""

from __future__ import annotations

import re
from datetime import date, time
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from oversight.policy import shipped_packs
from oversight.policy.reflective import (
    Reflective,
    link_errors,
    offer,
    parse_reflective,
    period_gaps,
    reflective_for,
    session_gaps,
)
from oversight.records.models import Record
from oversight.sessions.services import session_hold, session_schedule
from oversight.supervision.services import relationship_start

from .personas import Cast, make_cast
from .test_pack_rules import _first_section, _section_pattern

SEEDS = Path(__file__).resolve().parents[2] / "shared" / "seeds"
PACK_IDS = sorted(shipped_packs())


def _norm(text: str) -> str:
    """The seed as words: case, runs of white space, curly quotes, dashes and markdown emphasis aside."""
    for a, b in (("’", "'"), ("‘", "'"), ("“", '"'), ("”", '"'), ("–", "-"), ("—", "-"), ("*", "")):
        text = text.replace(a, b)
    return " ".join(text.lower().split())


def _sources(reflective: Reflective) -> list[tuple[str, str]]:
    out = [(bank.id, bank.source) for bank in reflective.banks]
    out += [(f"{bank.id}[{n}]", p.source) for bank in reflective.banks for n, p in enumerate(bank.prompts)]
    out += [(area.id, area.source) for area in reflective.areas]
    out += [(rule.id, rule.source) for rule in reflective.coverage]
    return out


def test_the_banks_the_issue_names_are_shipped() -> None:
    blackpool = reflective_for("blackpool-2020")
    assert [b.stage for b in blackpool.banks] == ["experience", "reflection", "analysis", "planning"]
    assert {b.source for b in reflective_for("leeds-2023").banks} >= {"4.10", "4.11"}
    bristol = reflective_for("bristol-2020").banks
    assert any("ggrraaacceeesss" in p.text for b in bristol if b.source == "4.6" for p in b.prompts)
    assert any("reflective lens" in b.intro for b in reflective_for("buckinghamshire-2024").banks)
    assert reflective_for("lambeth-2021").banks  # App. D has a bank too


@pytest.mark.skipif(not SEEDS.is_dir(), reason="../shared/seeds is not beside this checkout")
@pytest.mark.parametrize("pack_id", PACK_IDS)
def test_every_prompt_is_the_seeds_own_words(pack_id: str) -> None:
    seed = _norm((SEEDS / shipped_packs()[pack_id].seed).read_text(encoding="utf-8"))
    missing = []
    for bank in reflective_for(pack_id).banks:
        if bank.intro and _norm(bank.intro) not in seed:
            missing.append(f"{bank.id}.intro: {bank.intro[:60]}")
        for n, prompt in enumerate(bank.prompts):
            if _norm(prompt.seed_words) not in seed:
                missing.append(f"{bank.id}.prompts[{n}]: {prompt.seed_words[:60]}")
            if prompt.quote:  # a mended transcription stays close to the words it mends
                assert prompt.quote != prompt.text, (bank.id, n)
    assert not missing, "\n".join(missing)


@pytest.mark.skipif(not SEEDS.is_dir(), reason="../shared/seeds is not beside this checkout")
@pytest.mark.parametrize("pack_id", PACK_IDS)
def test_every_source_names_a_section_of_the_seed(pack_id: str) -> None:
    text = (SEEDS / shipped_packs()[pack_id].seed).read_text(encoding="utf-8")
    for what, source in _sources(reflective_for(pack_id)):
        for part in re.split(r",\s*", source):
            token = _first_section(part)
            assert _section_pattern(token).search(text), f"{what}: section {token!r} not in the seed"


@pytest.mark.parametrize("pack_id", PACK_IDS)
def test_links_name_sections_of_the_councils_templates(pack_id: str) -> None:
    reflective = reflective_for(pack_id)
    assert reflective.pack == pack_id
    assert link_errors(reflective, shipped_packs()[pack_id]) == []


def test_a_file_that_does_not_validate_names_what_is_wrong() -> None:
    with pytest.raises(ValueError, match="unknown area 'sleep'"):
        parse_reflective(
            {
                "pack": "x",
                "coverage": [
                    {"id": "r", "source": "1", "text": "t", "kinds": ["personal"], "each": "session"}
                    | {"strength": "must", "areas": ["sleep"]}
                ],
            }
        )
    with pytest.raises(ValueError, match="at least one function, stage or area"):
        parse_reflective(
            {
                "pack": "x",
                "coverage": [
                    {"id": "r", "source": "1", "text": "t", "kinds": ["case"]} | {"each": "session", "strength": "must"}
                ],
            }
        )


def test_offer_places_banks_beside_their_sections_and_leaves_out_what_the_template_prints() -> None:
    leeds = shipped_packs()["leeds-2023"]
    got = offer(reflective_for("leeds-2023"), leeds.template("leeds.personal_record"), "personal")
    assert [b.id for b in got.by_section["identity_inequality"]] == ["leeds.culture_identity"]
    assert [b.id for b in got.by_section["wellbeing"]] == ["leeds.staff_care"]
    assert got.general == []
    # Blackpool's case record is its question bank: the stages are printed already
    blackpool = shipped_packs()["blackpool-2020"]
    case = offer(reflective_for("blackpool-2020"), blackpool.template("blackpool.question_bank"), "case")
    assert not case.any
    personal = offer(reflective_for("blackpool-2020"), blackpool.template("blackpool.personal"), "personal")
    assert [b.id for b in personal.by_section["welfare_support"]] == ["blackpool.stage_2_reflection"]
    # a bank not linked to the template is offered for the whole record
    bristol = shipped_packs()["bristol-2020"]
    other = offer(reflective_for("leeds-2023"), bristol.template("bristol.record.practitioner"), "personal")
    assert {b.id for b in other.general} == {"leeds.culture_identity", "leeds.staff_care", "leeds.model"}


def test_gaps_in_a_session_and_across_the_recent_ones() -> None:
    bristol = reflective_for("bristol-2020").coverage
    gaps = session_gaps(bristol, "personal", ["support", "management", "wellbeing", "childrens_plans"])
    assert {(g.rule.id, g.missing) for g in gaps} == {
        ("bristol.coverage.each_session", ("performance_development", "effectiveness")),
        ("bristol.coverage.functions", ("development",)),
    }
    assert session_gaps(bristol, "case", []) == []  # asked of 1:1 sessions only
    leeds = reflective_for("leeds-2023").coverage
    recent = [("personal", ["management", "support", "experience"]), ("personal", ["development", "reflection"])]
    (gap,) = period_gaps(leeds, recent)
    assert gap.rule.id == "leeds.coverage.model"
    assert gap.missing == ("mediation", "analysis", "planning")
    assert period_gaps(leeds, []) == []


# --- the record form ----------------------------------------------------------------------


@pytest.fixture
def cast(db: None) -> Cast:
    cast = make_cast()
    User = get_user_model()
    for person in (cast.theo, cast.sally, cast.omar):
        person.user = User.objects.create_user(username=person.staff_id.lower(), password="x")
        person.save()
    relationship_start(
        organisation=cast.org, by=cast.maria, supervisor=cast.theo, supervisee=cast.sally, start=date(2024, 1, 8)
    )
    return cast


def _record(cast: Cast) -> Record:
    session = session_schedule(
        organisation=cast.org,
        by=cast.theo,
        kind="personal",
        supervisor=cast.theo,
        supervisee=cast.sally,
        date=date(2026, 2, 2),
        start_time=time(10),
    )
    session_hold(session=session, by=cast.theo, today=date(2026, 2, 2))
    return Record.objects.get(session=session)


def _client(person) -> Client:  # type: ignore[no-untyped-def]
    client = Client()
    client.force_login(person.user)
    return client


def test_the_draft_offers_the_councils_questions_beside_the_sections(cast: Cast) -> None:
    record = _record(cast)
    page = _client(cast.theo).get(f"/records/{record.pk}/").content.decode()
    assert "Prompts for reflection: Culture and identity" in page
    assert "What are the &#x27;cultural norms&#x27;?" in page
    assert "4.10 (001_8acf471507eacfb1.txt)" in page
    # beside its section: after the identity section's textarea, before the next section's
    identity = page.index('id="section-identity_inequality"')
    assert identity < page.index("Culture and identity") < page.index('id="section-workload"')
    # the supervisee reading the shared record is not offered the supervisor's prompts
    _client(cast.theo).post(f"/records/{record.pk}/", {"step": "share"})
    assert "Prompts for reflection" not in _client(cast.sally).get(f"/records/{record.pk}/").content.decode()


@pytest.mark.django_db
def test_the_pack_page_shows_the_banks_and_the_coverage_rules(client: Client) -> None:
    page = client.get("/policies/blackpool-2020/").content.decode()
    assert "Stage One – Experience (Sense) (5)" in page
    assert "What did you smell?" in page
    assert "the text reads: “What successe important to n”" in page
    assert "blackpool.coverage.case" in page and "004_fc6309e5cdf09554.txt 3" in page
    page = client.get("/policies/lambeth-2021/").content.decode()
    assert "Reflective discussion and group case discussion (App. D)" in page
    assert "names no functions, stages or areas" in page
