"""The policy comparison page (issue 5): packs side by side, differing rows marked."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from oversight.policy import shipped_packs
from oversight.policy.describe import comparison_rows


def row_html(body: str, topic: str) -> str:
    match = re.search(
        r'<th scope="row" class="govuk-table__header">' + re.escape(topic) + r"</th>(.*?)</tr>", body, re.S
    )
    assert match, f"no row for {topic}"
    return match.group(1)


@pytest.mark.django_db
def test_two_packs_every_topic_and_differences_marked(client: Client) -> None:
    response = client.get("/policies/compare/?packs=leeds-2023&packs=lambeth-2021")
    assert response.status_code == 200
    body = response.content.decode()
    packs = shipped_packs()
    for topic, _cells in comparison_rows([packs["leeds-2023"], packs["lambeth-2021"]]):
        assert f">{topic}</th>" in body
    agreement = row_html(body, "agreement review")
    assert "12 months" in agreement and "6 months" in agreement
    assert "Differs" in agreement
    assert "govuk-visually-hidden" in agreement
    same = row_html(body, "agreement due")
    assert "Differs" not in same
    assert 'href="/policies/leeds-2023/"' in body and 'href="/policies/lambeth-2021/"' in body
    assert "<caption" in body
    assert 'scope="col"' in body
    assert 'value="leeds-2023" checked' in body
    assert 'value="bristol-2020" checked' not in body
    assert "govuk-error-message" not in body


@pytest.mark.django_db
def test_default_shows_all_five_packs(client: Client) -> None:
    body = client.get("/policies/compare/").content.decode()
    packs = shipped_packs()
    assert len(packs) == 5
    for pack_id in packs:
        assert f'href="/policies/{pack_id}/"' in body
        assert f'value="{pack_id}" checked' in body
    for topic, _cells in comparison_rows(list(packs.values())):
        assert f">{topic}</th>" in body


@pytest.mark.django_db
@pytest.mark.parametrize(
    "query",
    [
        "?packs=leeds-2023&packs=nowhere-1999",
        "?packs=leeds-2023",
        "?packs=leeds-2023&packs=leeds-2023",
        "?packs=%3Cb%3E",
    ],
)
def test_bad_choice_is_an_error_on_packs(client: Client, query: str) -> None:
    response = client.get("/policies/compare/" + query)
    assert response.status_code == 200
    body = response.content.decode()
    assert 'class="govuk-error-message"' in body
    assert 'href="#packs"' in body and 'id="packs"' in body
    assert "Traceback" not in body
    assert "<table" not in body
    assert "<b>" not in body
    if "nowhere" in query:
        assert "nowhere-1999" in body


@pytest.mark.django_db
def test_pack_list_links_to_compare(client: Client) -> None:
    assert 'href="/policies/compare/"' in client.get("/policies/").content.decode()
