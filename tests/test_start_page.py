import pytest
from django.test import Client

from oversight.policy import shipped_packs


@pytest.mark.django_db
def test_start_page_lists_every_pack_with_council_document_and_date(client: Client) -> None:
    response = client.get("/")
    assert response.status_code == 200
    body = response.content.decode()
    assert len(shipped_packs()) == 5
    for pack in shipped_packs().values():
        assert pack.id in body
        assert pack.document.replace("'", "&#x27;") in body
        assert pack.date in body


@pytest.mark.django_db
def test_pack_page_shows_each_rule_with_its_source(client: Client) -> None:
    pack = shipped_packs()["leeds-2023"]
    body = client.get("/policies/leeds-2023/").content.decode()
    for rule in pack.all_rules():
        assert rule.id in body
        assert pack.cite(rule) in body


@pytest.mark.django_db
def test_unknown_pack_is_404(client: Client) -> None:
    assert client.get("/policies/nowhere-1999/").status_code == 404
