"""Agreements, a change of supervisor, and case directions, walked by the personas.

Theo supervises Sally; Maria is the service manager above Theo; Omar manages another team and
should see none of it. Time is frozen on Tuesday 10 March 2026.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from oversight.cases.models import CaseReview, Child
from oversight.records.models import Action, Addendum, Record
from oversight.sessions.models import Session
from oversight.supervision.models import Agreement, AgreementReview, AgreementSignature, Relationship
from oversight.supervision.services import relationship_start

from .personas import Cast, give_sign_ins, make_cast

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 3, 10, 10, 30, tzinfo=ZoneInfo("Europe/London"))
TODAY = NOW.date()
DIRECTION = "Convene a strategy discussion by Friday; the social worker sees the child alone before then."


@pytest.fixture(autouse=True)
def frozen() -> Iterator[None]:
    with time_machine.travel(NOW, tick=False):
        yield


def cast_with_users(pack: str = "leeds-2023", slug: str = "leeds-test") -> Cast:
    cast = make_cast(pack, slug)
    give_sign_ins(cast, prefix=f"{slug}-")
    relationship_start(
        organisation=cast.org, by=cast.maria, supervisor=cast.theo, supervisee=cast.sally, start=date(2024, 1, 8)
    )
    return cast


@pytest.fixture
def cast() -> Cast:
    return cast_with_users()


def client_for(person) -> Client:  # type: ignore[no-untyped-def]
    client = Client()
    client.force_login(person.user)
    return client


def date_fields(name: str, day: date) -> dict[str, object]:
    return {f"{name}_0": day.day, f"{name}_1": day.month, f"{name}_2": day.year}


def relationship_of(cast: Cast) -> Relationship:
    return Relationship.objects.get(supervisor=cast.theo, supervisee=cast.sally)


def write_agreement(cast: Cast) -> Agreement:
    relationship = relationship_of(cast)
    template = cast.org.pack.template_for("agreement")
    first = template.sections[0].id
    response = client_for(cast.theo).post(
        f"/relationships/{relationship.pk}/agreement/new/", {first: "Theo supervises Sally monthly."}
    )
    agreement = Agreement.objects.get(relationship=relationship)
    assert response.status_code == 302 and response["Location"] == f"/agreements/{agreement.pk}/"
    return agreement


# --- agreements ------------------------------------------------------------------------------


def test_supervisor_writes_the_agreement_on_the_council_template(cast: Cast) -> None:
    relationship = relationship_of(cast)
    template = cast.org.pack.template_for("agreement")
    page = client_for(cast.theo).get(f"/relationships/{relationship.pk}/agreement/new/").content.decode()
    for section in template.sections:
        if section.signature:
            assert f'name="{section.id}"' not in page  # signatures are acts on the agreement page
        else:
            assert f'name="{section.id}"' in page
            assert section.title.replace("'", "&#x27;") in page
    prompt = next(p for s in template.sections for p in s.prompts if not s.signature)
    assert prompt.replace("'", "&#x27;") in page  # the prompts are the hint text


def test_an_empty_agreement_names_the_problem(cast: Cast) -> None:
    relationship = relationship_of(cast)
    response = client_for(cast.theo).post(f"/relationships/{relationship.pk}/agreement/new/", {})
    body = response.content.decode()
    assert response.status_code == 200
    assert "There is a problem" in body and "Write at least one section of the agreement" in body
    assert not Agreement.objects.exists()


def test_both_sign_and_each_signature_is_recorded_with_its_time(cast: Cast) -> None:
    agreement = write_agreement(cast)
    theo, sally = client_for(cast.theo), client_for(cast.sally)
    assert "waiting for signatures" in theo.get(f"/agreements/{agreement.pk}/").content.decode().lower()
    assert theo.post(f"/agreements/{agreement.pk}/sign/").status_code == 302
    assert Agreement.objects.get(pk=agreement.pk).signed_on is None
    body = sally.post(f"/agreements/{agreement.pk}/sign/", follow=True).content.decode()
    assert "Both have now signed" in body

    agreement = Agreement.objects.get(pk=agreement.pk)
    assert agreement.signed_on == TODAY
    assert {s.party for s in agreement.signatures.all()} == {"supervisor", "supervisee"}
    assert all(s.signed_at == NOW for s in agreement.signatures.all())
    assert "Signed by Theo Team on 10 March 2026 at 10:30" in body
    assert "Signed by Sally Social on 10 March 2026 at 10:30" in body
    assert "10 March 2027" in body  # Leeds 4.3: reviewed every 12 months from signing


def test_a_second_click_does_not_sign_twice_and_says_so(cast: Cast) -> None:
    agreement = write_agreement(cast)
    theo = client_for(cast.theo)
    theo.post(f"/agreements/{agreement.pk}/sign/")
    response = theo.post(f"/agreements/{agreement.pk}/sign/", follow=True)
    body = response.content.decode()
    assert response.status_code == 200
    assert "You already signed this agreement on 10 March 2026 at 10:30." in body
    assert AgreementSignature.objects.filter(agreement=agreement).count() == 1
    assert ">Sign</button>" not in body


def test_review_is_offered_once_both_signed_and_restarts_the_clock(cast: Cast) -> None:
    agreement = write_agreement(cast)
    sally = client_for(cast.sally)
    before = sally.get(f"/agreements/{agreement.pk}/review/", follow=True).content.decode()
    assert "An agreement is reviewed once both have signed it." in before
    assert "Record a review" not in sally.get(f"/agreements/{agreement.pk}/").content.decode()
    client_for(cast.theo).post(f"/agreements/{agreement.pk}/sign/")
    sally.post(f"/agreements/{agreement.pk}/sign/")
    assert "Record a review" in sally.get(f"/agreements/{agreement.pk}/").content.decode()

    bad = sally.post(f"/agreements/{agreement.pk}/review/", {"on_0": "30", "on_1": "2", "on_2": "2026"})
    assert "The date must be a real date" in bad.content.decode() and not AgreementReview.objects.exists()
    body = sally.post(
        f"/agreements/{agreement.pk}/review/", {**date_fields("on", TODAY), "notes": "Still right."}, follow=True
    ).content.decode()
    assert AgreementReview.objects.get().by == cast.sally
    assert "Review recorded" in body and "Still right." in body


def test_line_management_reads_the_agreement_but_does_not_sign_it(cast: Cast) -> None:
    agreement = write_agreement(cast)
    maria = client_for(cast.maria)
    page = maria.get(f"/agreements/{agreement.pk}/")
    assert page.status_code == 200 and ">Sign</button>" not in page.content.decode()
    body = maria.post(f"/agreements/{agreement.pk}/sign/", follow=True).content.decode()
    assert "Only the people named on this agreement sign it." in body
    assert not AgreementSignature.objects.exists()


def test_only_the_supervisor_writes_the_agreement(cast: Cast) -> None:
    relationship = relationship_of(cast)
    for who in (cast.sally, cast.maria):
        assert client_for(who).get(f"/relationships/{relationship.pk}/agreement/new/").status_code == 404


def test_lambeth_check_in_is_marked_confidential_and_hidden_from_line_management() -> None:
    cast = cast_with_users("lambeth-2021", "lambeth-test")
    relationship = relationship_of(cast)
    theo = client_for(cast.theo)
    page = theo.get(f"/relationships/{relationship.pk}/agreement/new/").content.decode()
    assert "Confidential between the supervisor and the supervisee" in page
    theo.post(f"/relationships/{relationship.pk}/agreement/new/", {"check_in": "How are you, really?"})
    agreement = Agreement.objects.get()
    assert "How are you, really?" in client_for(cast.sally).get(f"/agreements/{agreement.pk}/").content.decode()
    maria_view = client_for(cast.maria).get(f"/agreements/{agreement.pk}/").content.decode()
    assert "How are you, really?" not in maria_view and "Confidential" in maria_view


def test_bristol_delegated_supervision_is_signed_off_by_the_line_manager() -> None:
    cast = cast_with_users("bristol-2020", "bristol-test")
    relationship = relationship_start(
        organisation=cast.org,
        by=cast.theo,
        supervisor=cast.omar,
        supervisee=cast.asha,
        start=date(2026, 1, 5),
        delegated=True,
    )
    client_for(cast.omar).post(f"/relationships/{relationship.pk}/agreement/new/", {"parties": "Omar and Asha"})
    agreement = Agreement.objects.get(relationship=relationship)
    theo = client_for(cast.theo)  # Asha's line manager
    page = theo.get(f"/agreements/{agreement.pk}/").content.decode()
    assert "Line manager (delegated supervision)" in page and ">Sign</button>" in page
    theo.post(f"/agreements/{agreement.pk}/sign/")
    assert agreement.signatures.get().party == "line_manager"


@pytest.mark.parametrize("who", ["omar", "asha"])
def test_outsiders_get_404_on_the_agreement(cast: Cast, who: str) -> None:
    agreement = write_agreement(cast)
    client = client_for(getattr(cast, who))
    relationship = relationship_of(cast)
    for url in (
        f"/agreements/{agreement.pk}/",
        f"/agreements/{agreement.pk}/review/",
        f"/relationships/{relationship.pk}/agreement/new/",
        f"/relationships/{relationship.pk}/change/",
    ):
        assert client.get(url).status_code == 404, url
    assert client.post(f"/agreements/{agreement.pk}/sign/").status_code == 404
    assert not AgreementSignature.objects.exists()


def test_bad_ids_are_404_not_errors(cast: Cast) -> None:
    theo = client_for(cast.theo)
    for url in ("/agreements/abc/", "/agreements/99999999999999999999999/", "/case-reviews/0/case-note.pdf"):
        assert theo.get(url).status_code == 404, url


# --- change of supervisor -----------------------------------------------------------------------


def test_maria_changes_the_supervisor_and_the_new_relationship_owes_an_agreement(cast: Cast) -> None:
    old = relationship_of(cast)
    maria = client_for(cast.maria)
    file_page = maria.get(f"/people/{cast.sally.pk}/").content.decode()
    assert f"/relationships/{old.pk}/change/" in file_page
    assert (
        f"/relationships/{old.pk}/change/"
        not in client_for(cast.theo).get(f"/people/{cast.sally.pk}/").content.decode()
    )

    response = maria.post(
        f"/relationships/{old.pk}/change/", {"new_supervisor": cast.omar.pk, **date_fields("on", TODAY)}, follow=True
    )
    body = response.content.decode()
    old.refresh_from_db()
    new = Relationship.objects.get(supervisee=cast.sally, end__isnull=True)
    assert old.end == date(2026, 3, 9)
    assert new.supervisor == cast.omar and new.start == TODAY
    assert response.redirect_chain[-1][0] == f"/people/{cast.sally.pk}/"
    assert "Theo Team from 8 Jan 2024 to 9 Mar 2026" in body
    assert "Omar Other from 10 Mar 2026" in body and "agreement owed" in body
    assert "A new agreement is owed" in body
    # Theo has no standing on Sally's file any more; Omar writes the new agreement.
    assert client_for(cast.theo).get(f"/people/{cast.sally.pk}/").status_code == 404
    assert client_for(cast.omar).get(f"/relationships/{new.pk}/agreement/new/").status_code == 200


def test_the_supervisor_cannot_change_himself(cast: Cast) -> None:
    relationship = relationship_of(cast)
    assert client_for(cast.theo).get(f"/relationships/{relationship.pk}/change/").status_code == 404


def test_change_form_names_the_field_for_bad_input(cast: Cast) -> None:
    relationship = relationship_of(cast)
    maria = client_for(cast.maria)
    body = maria.post(
        f"/relationships/{relationship.pk}/change/",
        {"new_supervisor": cast.omar.pk, "on_0": "31", "on_1": "2", "on_2": "2026"},
    ).content.decode()
    assert "There is a problem" in body and "The date must be a real date" in body
    body = maria.post(
        f"/relationships/{relationship.pk}/change/", {"new_supervisor": cast.theo.pk, **date_fields("on", TODAY)}
    ).content.decode()
    assert "Choose a different supervisor" in body
    body = maria.post(
        f"/relationships/{relationship.pk}/change/", {"new_supervisor": "x", **date_fields("on", TODAY)}
    ).content.decode()
    assert "Choose a colleague in your organisation" in body
    assert Relationship.objects.filter(supervisee=cast.sally).count() == 1


# --- case reviews and case directions ---------------------------------------------------------


def make_child(cast: Cast, case_id: str = "LCS-104233", status: str = "cp") -> Child:
    return Child.objects.create(
        organisation=cast.org, case_id=case_id, status=status, worker=cast.sally, allocated=date(2025, 6, 2)
    )


def record_review(cast: Cast, child: Child, **extra: object) -> CaseReview:
    response = client_for(cast.theo).post(
        f"/children/{child.pk}/review/new/", {**date_fields("on", TODAY), "direction": DIRECTION, **extra}
    )
    review = CaseReview.objects.get(child=child)
    assert response.status_code == 302 and response["Location"] == f"/case-reviews/{review.pk}/"
    return review


def test_caseload_lists_children_by_case_system_id_with_their_review_clock(cast: Cast) -> None:
    child = make_child(cast)
    body = client_for(cast.theo).get(f"/people/{cast.sally.pk}/children/").content.decode()
    assert "LCS-104233" in body and "Child protection" in body
    assert "due 2 Sep 2025" in body  # Leeds 4.4: every 3 months from allocation
    assert f"/children/{child.pk}/review/new/" in body
    own = client_for(cast.sally).get(f"/people/{cast.sally.pk}/children/").content.decode()
    assert "LCS-104233" in own and f"/children/{child.pk}/review/new/" not in own
    assert (
        f"/people/{cast.sally.pk}/children/" in client_for(cast.theo).get(f"/people/{cast.sally.pk}/").content.decode()
    )


def test_caseload_queries_do_not_grow_with_the_caseload(cast: Cast) -> None:
    theo = client_for(cast.theo)
    record_review(cast, make_child(cast, "LCS-1"))
    theo.get(f"/people/{cast.sally.pk}/children/")  # the obligation store catches up with the changes
    with CaptureQueriesContext(connection) as one:
        theo.get(f"/people/{cast.sally.pk}/children/")
    for n in range(2, 6):
        child = make_child(cast, f"LCS-{n}")
        CaseReview.objects.create(child=child, by=cast.theo, date=TODAY, direction="Visit.")
    theo.get(f"/people/{cast.sally.pk}/children/")
    with CaptureQueriesContext(connection) as five:
        theo.get(f"/people/{cast.sally.pk}/children/")
    assert len(five) == len(one)


def test_case_review_recorded_marked_entered_and_exported(cast: Cast) -> None:
    child = make_child(cast)
    review = record_review(cast, child)
    assert review.by == cast.theo and review.direction == DIRECTION and review.date == TODAY
    page = client_for(cast.theo).get(f"/case-reviews/{review.pk}/").content.decode()
    assert DIRECTION in page and "No deadline in the policy" in page  # Leeds sets none
    assert "Mark as entered on the child's record" in page

    sally = client_for(cast.sally)
    body = sally.post(f"/case-reviews/{review.pk}/", date_fields("on", TODAY), follow=True).content.decode()
    review.refresh_from_db()
    assert review.direction_recorded == TODAY and review.recorded_by == cast.sally
    assert "On 10 March 2026 by Sally Social" in body
    again = sally.post(f"/case-reviews/{review.pk}/", date_fields("on", TODAY), follow=True).content.decode()
    assert "already marked as entered on 10 March 2026 by Sally Social" in again

    text = sally.get(f"/case-reviews/{review.pk}/case-note.txt")
    assert text["Content-Type"].startswith("text/plain")
    assert 'filename="case-note-LCS-104233-2026-03-10.txt"' in text["Content-Disposition"]
    note = text.content.decode()
    assert DIRECTION in note and "LCS-104233" in note and "Child protection" in note
    assert "Entered on the child's record on 10 March 2026 by Sally Social." in note

    pdf = sally.get(f"/case-reviews/{review.pk}/case-note.pdf")
    assert pdf["Content-Type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF")


def test_bristol_direction_is_due_on_the_child_record_within_24_hours() -> None:
    cast = cast_with_users("bristol-2020", "bristol-test")
    review = record_review(cast, make_child(cast))
    page = client_for(cast.theo).get(f"/case-reviews/{review.pk}/").content.decode()
    due = cast.org.pack.case_direction.within.add_to(TODAY)
    assert f"{due.day} {due:%B %Y}" in page and "5.2" in page
    note = client_for(cast.theo).get(f"/case-reviews/{review.pk}/case-note.txt").content.decode()
    assert "Not yet marked as entered on the child's record." in note


def test_case_review_form_names_the_field_for_bad_input(cast: Cast) -> None:
    child = make_child(cast)
    theo = client_for(cast.theo)
    body = theo.post(
        f"/children/{child.pk}/review/new/", {"on_0": "31", "on_1": "2", "on_2": "2026", "direction": DIRECTION}
    ).content.decode()
    assert "The date must be a real date" in body and DIRECTION in body
    body = theo.post(
        f"/children/{child.pk}/review/new/", {**date_fields("on", TODAY), "direction": " "}
    ).content.decode()
    assert "Record what was decided for the child" in body
    body = theo.post(
        f"/children/{child.pk}/review/new/", {**date_fields("on", date(2025, 1, 6)), "direction": DIRECTION}
    ).content.decode()
    assert "The review cannot come before the child was allocated" in body
    assert not CaseReview.objects.exists()


@pytest.mark.parametrize("who", ["omar", "asha"])
def test_outsiders_get_404_on_case_reviews(cast: Cast, who: str) -> None:
    child = make_child(cast)
    review = record_review(cast, child)
    client = client_for(getattr(cast, who))
    for url in (
        f"/people/{cast.sally.pk}/children/",
        f"/children/{child.pk}/review/new/",
        f"/case-reviews/{review.pk}/",
        f"/case-reviews/{review.pk}/case-note.txt",
        f"/case-reviews/{review.pk}/case-note.pdf",
    ):
        assert client.get(url).status_code == 404, url
    assert client.post(f"/case-reviews/{review.pk}/", date_fields("on", TODAY)).status_code == 404
    assert CaseReview.objects.get().direction_recorded is None


def test_only_the_case_supervisor_records_a_case_review(cast: Cast) -> None:
    child = make_child(cast)
    for who in (cast.maria, cast.sally):
        assert client_for(who).get(f"/children/{child.pk}/review/new/").status_code == 404
    review = record_review(cast, child)
    assert client_for(cast.maria).get(f"/case-reviews/{review.pk}/").status_code == 200


def test_no_personal_record_ever_holds_the_direction(cast: Cast) -> None:
    theo = client_for(cast.theo)
    session = Session.objects.create(
        organisation=cast.org, kind="personal", supervisor=cast.theo, supervisee=cast.sally, date=TODAY
    )
    assert theo.post(f"/sessions/{session.pk}/hold/").status_code == 302
    record = Record.objects.get(session=session)
    first = cast.org.pack.template(record.template_id).sections[0].id
    theo.post(
        f"/records/{record.pk}/",
        {"step": "save", "version": record.version, f"section-{first}": "Discussed LCS-104233; direction recorded."},
    )
    review = record_review(cast, make_child(cast), session=session.pk)
    assert review.session == session
    client_for(cast.sally).post(f"/case-reviews/{review.pk}/", date_fields("on", TODAY))

    assert Record.objects.count() == 1
    personal = json.dumps(
        [list(Record.objects.values()), list(Action.objects.values()), list(Addendum.objects.values())], default=str
    )
    assert "LCS-104233" in personal  # the record keeps the child's ID ...
    assert DIRECTION not in personal and "strategy discussion" not in personal  # ... never the direction
