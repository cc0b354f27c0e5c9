"""One supervisee may have different supervisors for different kinds of supervision: a
supervisor whose relationship with the supervisee covers only case supervision does not book
their personal supervision (the page names who does), while a manager with no relationship
with them, covering an absence, still may."""

from __future__ import annotations

from datetime import date

import pytest
from django.test import Client

from oversight.errors import ServiceError
from oversight.sessions.models import Session
from oversight.sessions.services import session_schedule
from oversight.supervision.models import Relationship
from oversight.supervision.services import relationship_start

from .personas import Cast, give_sign_ins, make_cast

pytestmark = pytest.mark.django_db
DAY = date(2026, 3, 11)


@pytest.fixture
def cast() -> Cast:
    """Theo is Sally's personal supervisor; Omar gives her case supervision only."""
    cast = make_cast()
    start = date(2025, 1, 6)
    relationship_start(
        organisation=cast.org,
        by=cast.maria,
        supervisor=cast.theo,
        supervisee=cast.sally,
        start=start,
        kinds=["personal"],
    )
    relationship_start(
        organisation=cast.org, by=cast.maria, supervisor=cast.omar, supervisee=cast.sally, start=start, kinds=["case"]
    )
    return cast


def book(cast: Cast, supervisor, kind: str) -> Session:  # type: ignore[no-untyped-def]
    return session_schedule(
        organisation=cast.org, by=supervisor, kind=kind, supervisor=supervisor, supervisee=cast.sally, date=DAY
    )


def test_the_case_supervisor_books_case_supervision_only(cast: Cast) -> None:
    assert book(cast, cast.omar, "case").kind == "case"
    with pytest.raises(ServiceError) as refused:
        book(cast, cast.omar, "personal")
    assert refused.value.field == "kind"
    assert refused.value.message == (
        "Omar Other supervises Sally Social for case supervision only; their personal supervision is with Theo Team"
    )
    assert book(cast, cast.theo, "personal").kind == "personal"
    with pytest.raises(
        ServiceError,
        match="Theo Team supervises Sally Social for personal supervision only; "
        "their case supervision is with Omar Other",
    ):
        book(cast, cast.theo, "case")
    assert book(cast, cast.theo, "observation").kind == "observation"  # not a kind the split names


def test_a_manager_without_a_relationship_may_cover(cast: Cast) -> None:
    assert book(cast, cast.maria, "personal").supervisor == cast.maria


def test_after_the_relationship_ends_the_check_follows_the_date(cast: Cast) -> None:
    Relationship.objects.filter(supervisor=cast.omar).update(end=date(2026, 3, 1))
    assert book(cast, cast.omar, "personal").kind == "personal"  # no longer hers: covering


def test_the_booking_page_names_the_field(cast: Cast) -> None:
    give_sign_ins(cast)
    client = Client()
    client.force_login(cast.omar.user)
    page = client.post(
        "/sessions/new/",
        {
            "kind": "personal",
            "supervisee": cast.sally.pk,
            "date_0": "11",
            "date_1": "3",
            "date_2": "2026",
            "video": "no",
        },
    )
    text = page.content.decode()
    assert page.status_code == 200 and "There is a problem" in text
    assert "their personal supervision is with Theo Team" in text
    assert not Session.objects.exists()
