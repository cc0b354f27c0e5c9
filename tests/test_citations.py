"""The readable citation (``PolicyPack.council_cite``): the council's name and the section
("Leeds City Council 4.4"), one function behind every page that prints it (the dashboards'
rules, the file clocks figure, the capacity plan, the person's "why is this due", the
supervision file's items). The engine's own citation (``cite``: seed file, then section) is
untouched."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import pytest
from django.test import Client

from oversight.files.kinds import file_kinds
from oversight.people.models import Person
from oversight.policy.pack import PolicyPack, Rule, get_pack, shipped_packs
from oversight.supervision.services import relationship_start

from .personas import give_sign_ins, make_cast
from .test_files import FileWorld, build_file_world, frozen  # noqa: F401 (frozen: autouse)

# The council's name as pages print it: the pack's ``council`` without its service.
COUNCILS = {
    "blackpool-2020": "Blackpool Council",
    "bristol-2020": "Bristol City Council",
    "buckinghamshire-2024": "Buckinghamshire Council",
    "lambeth-2021": "London Borough of Lambeth",
    "leeds-2023": "Leeds City Council",
}


def client_for(person: Person) -> Client:
    assert person.user is not None
    client = Client()
    client.force_login(person.user)
    return client


def test_every_shipped_pack_is_named_here() -> None:
    assert set(shipped_packs()) == set(COUNCILS)


def test_the_shipped_packs_hold_a_rule_of_every_kind() -> None:
    """So that the test below cites a rule of each kind."""
    held = {type(rule) for pack in shipped_packs().values() for rule in pack.all_rules()}
    assert held == set(Rule.__subclasses__())


@pytest.mark.parametrize("pack_id", sorted(COUNCILS))
def test_each_rule_is_cited_by_council_and_section(pack_id: str) -> None:
    pack = get_pack(pack_id)
    first_of_each_kind: dict[type, Rule] = {}
    for rule in pack.all_rules():
        first_of_each_kind.setdefault(type(rule), rule)
    assert first_of_each_kind
    for kind, rule in first_of_each_kind.items():
        expected = f"{COUNCILS[pack_id]} {rule.source}"
        assert pack.council_cite(rule) == expected, kind.__name__
        # the same from the engine's citation (as a stored obligation carries it) and from the bare section
        assert pack.cite(rule).startswith(pack.seed)
        assert pack.council_cite(pack.cite(rule)) == expected, kind.__name__
        assert pack.council_cite(rule.source) == expected, kind.__name__


@pytest.mark.parametrize(
    ("pack_id", "rule_of", "expected"),
    [
        ("leeds-2023", lambda p: p.agreement, "Leeds City Council 4.3"),
        ("leeds-2023", lambda p: p.ratio, "Leeds City Council 4.1"),
        ("blackpool-2020", lambda p: p.agreement, "Blackpool Council 4, App. 2"),
        ("bristol-2020", lambda p: p.case_direction, "Bristol City Council 5.2"),
        ("lambeth-2021", lambda p: p.asye_reviews, "London Borough of Lambeth 3.3"),
        ("buckinghamshire-2024", lambda p: p.file_clocks[0], "Buckinghamshire Council Coaching for Performance"),
    ],
)
def test_examples_read_as_the_pages_print_them(
    pack_id: str, rule_of: Callable[[PolicyPack], Rule | None], expected: str
) -> None:
    pack = get_pack(pack_id)
    rule = rule_of(pack)
    assert rule is not None
    assert pack.council_cite(rule) == expected
    assert pack.council_cite(pack.cite(rule)) == expected


def test_a_section_with_spaces_is_kept_whole() -> None:
    """Only a leading seed file is taken off: a section named in words stays as it is."""
    pack = get_pack("buckinghamshire-2024")
    assert (
        pack.council_cite("Frequency of Case Supervisions") == "Buckinghamshire Council Frequency of Case Supervisions"
    )
    assert pack.council_cite(f"{pack.seed} Frequency of Case Supervisions") == (
        "Buckinghamshire Council Frequency of Case Supervisions"
    )


def test_the_method_is_pure() -> None:
    """Built from plain data, with no database and no Django."""
    pack = get_pack("leeds-2023")
    renamed = PolicyPack.model_validate({**pack.model_dump(), "council": "Somewhere Council, Children's Services"})
    assert renamed.council_cite(renamed.agreement) == "Somewhere Council 4.3"
    unnamed = PolicyPack.model_validate({**pack.model_dump(), "council": "Somewhere Council"})
    assert unnamed.council_cite(unnamed.agreement) == "Somewhere Council 4.3"


@pytest.mark.parametrize("pack_id", sorted(COUNCILS))
def test_the_supervision_file_names_the_same_council(pack_id: str) -> None:
    """The file's pages cite a kind through the pack: its kinds file names the same council."""
    assert file_kinds(pack_id).council == COUNCILS[pack_id]


@pytest.mark.django_db
def test_the_person_s_file_says_why_in_the_readable_form() -> None:
    cast = make_cast()
    give_sign_ins(cast)
    relationship_start(
        organisation=cast.org, by=cast.maria, supervisor=cast.theo, supervisee=cast.sally, start=date(2024, 1, 8)
    )
    response = client_for(cast.theo).get(f"/people/{cast.sally.pk}/")
    assert response.status_code == 200
    body = response.content.decode()
    pack = get_pack("leeds-2023")
    # the supervision agreement is owed; its "why" line cites Leeds 4.3, not the seed file
    assert '<p class="govuk-body-s">Leeds City Council 4.3' in body
    assert f'<p class="govuk-body-s">{pack.seed}' not in body


@pytest.mark.django_db
def test_a_supervision_file_form_cites_its_kind_in_the_readable_form() -> None:
    w: FileWorld = build_file_world()
    response = client_for(w.cast.sally).get(f"/people/{w.cast.sally.pk}/file/new/self_care_plan/")
    assert response.status_code == 200
    kind = file_kinds("leeds-2023").kind("self_care_plan")
    assert kind is not None
    assert f"Supervision file of Sally Social · Leeds City Council {kind.source}</span>" in response.content.decode()
