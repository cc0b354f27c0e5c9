"""Staff records: joining, changes, leaving, absences, hours and ASYE reviews, as services
and as pages walked by the personas.

Theo line-manages and supervises Sally; Maria is above Theo; Omar manages another team and
should see none of it. Time is frozen on Tuesday 10 March 2026.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from oversight.audit.models import AuditEvent
from oversight.compliance.selectors import obligations_for
from oversight.errors import ServiceError
from oversight.organisations.models import Organisation
from oversight.people.models import Absence, AsyeReview, HoursWorked, Person
from oversight.people.services import (
    absence_end,
    absence_record,
    asye_review_record,
    hours_record,
    person_create,
    person_record_leaving,
    person_update,
)
from oversight.supervision.models import Relationship
from oversight.supervision.services import relationship_start

from .personas import Cast, give_sign_ins, make_cast

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 3, 10, 10, 30, tzinfo=ZoneInfo("Europe/London"))
TODAY = NOW.date()


@pytest.fixture(autouse=True)
def frozen() -> Iterator[None]:
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def cast() -> Cast:
    cast = make_cast()
    give_sign_ins(cast)
    relationship_start(
        organisation=cast.org, by=cast.maria, supervisor=cast.theo, supervisee=cast.sally, start=date(2024, 1, 8)
    )
    return cast


def client_for(person: Person) -> Client:
    client = Client()
    client.force_login(person.user)
    return client


def date_fields(name: str, day: date) -> dict[str, object]:
    return {f"{name}_0": day.day, f"{name}_1": day.month, f"{name}_2": day.year}


def audited(action: str) -> int:
    return AuditEvent.objects.filter(action=action).count()


def refused(field: str) -> pytest.RaisesContext[ServiceError]:
    return pytest.raises(ServiceError, match=f"^{field}: ")


def casual(cast: Cast) -> Person:
    return person_create(
        organisation=cast.org,
        by=cast.theo,
        staff_id="C1",
        name="Cass Casual",
        role="social_worker",
        employment="casual",
        team=cast.sally.team,
        line_manager=cast.theo,
        started=date(2025, 9, 1),
    )


def obligation_ids(cast: Cast, day: date) -> set[str]:
    return {ob["id"] for ob in obligations_for(cast.org, day).items}


# --- joining and changes ---------------------------------------------------------------------


def test_create_adds_the_person_and_one_audit_event(cast: Cast) -> None:
    person = casual(cast)
    assert (person.organisation, person.role, person.employment, person.line_manager) == (
        cast.org,
        "social_worker",
        "casual",
        cast.theo,
    )
    assert audited("person.create") == 1
    event = AuditEvent.objects.get(action="person.create")
    assert (event.actor_id, event.object_id, event.organisation_id) == (cast.theo.pk, str(person.pk), cast.org.pk)


def test_create_refuses_a_role_the_pack_does_not_know(cast: Cast) -> None:
    # A Bristol and Lambeth role, not one Leeds names: the engine could not place it.
    with refused("role"):
        person_create(
            organisation=cast.org,
            by=cast.theo,
            staff_id="X1",
            name="Xena",
            role="consultant_social_worker",
            employment="permanent",
            team=None,
            line_manager=cast.theo,
            started=TODAY,
        )
    assert not Person.objects.filter(staff_id="X1").exists() and audited("person.create") == 0


def test_create_refuses_a_staff_id_already_used_in_the_organisation(cast: Cast) -> None:
    with refused("staff_id"):
        person_create(
            organisation=cast.org,
            by=cast.theo,
            staff_id="S1",
            name="Second Sally",
            role="social_worker",
            employment="permanent",
            team=None,
            line_manager=cast.theo,
            started=TODAY,
        )
    other = Organisation.objects.create(name="Elsewhere", slug="elsewhere", policy_pack="leeds-2023")
    person_create(  # the same ID in another council is someone else
        organisation=other,
        by=cast.theo,
        staff_id="S1",
        name="Other Sally",
        role="social_worker",
        employment="permanent",
        team=None,
        line_manager=None,
        started=TODAY,
    )
    assert Person.objects.filter(staff_id="S1").count() == 2


def test_create_refuses_a_line_manager_from_another_organisation(cast: Cast) -> None:
    other = Organisation.objects.create(name="Elsewhere", slug="elsewhere", policy_pack="leeds-2023")
    stranger = Person.objects.create(organisation=other, staff_id="Z1", name="Zed", role="team_manager", started=TODAY)
    with refused("line_manager"):
        person_create(
            organisation=cast.org,
            by=cast.theo,
            staff_id="N1",
            name="New",
            role="social_worker",
            employment="permanent",
            team=None,
            line_manager=stranger,
            started=TODAY,
        )


def test_update_changes_role_and_writes_one_event_with_what_changed(cast: Cast) -> None:
    person_update(person=cast.sally, by=cast.theo, role="senior_social_worker", team=cast.sally.team)
    cast.sally.refresh_from_db()
    assert cast.sally.role == "senior_social_worker"
    event = AuditEvent.objects.get(action="person.update")
    assert event.detail == {"role": {"from": "social_worker", "to": "senior_social_worker"}}  # team was unchanged
    person_update(person=cast.sally, by=cast.theo, role="senior_social_worker")
    assert audited("person.update") == 1  # nothing different, no event


def test_update_refuses_an_unknown_role(cast: Cast) -> None:
    with refused("role"):
        person_update(person=cast.sally, by=cast.theo, role="wizard")


@pytest.mark.parametrize("manager", ["sally", "theo"])
def test_update_refuses_a_cycle_in_line_management(cast: Cast, manager: str) -> None:
    # Sally is below Theo, and Theo cannot manage himself.
    with refused("line_manager"):
        person_update(person=cast.theo, by=cast.maria, line_manager=getattr(cast, manager))
    cast.theo.refresh_from_db()
    assert cast.theo.line_manager == cast.maria and audited("person.update") == 0


def test_update_moves_a_person_to_another_manager(cast: Cast) -> None:
    person_update(person=cast.sally, by=cast.maria, line_manager=cast.omar)
    assert Person.objects.get(pk=cast.sally.pk).managers_above() == [cast.omar, cast.maria]
    assert audited("person.update") == 1


# --- leaving ---------------------------------------------------------------------------------


def test_leaving_ends_the_supervision_and_the_engine_owes_nothing_for_the_leaver(cast: Cast) -> None:
    sally = f"p{cast.sally.pk}"
    assert f"supervision:personal:{sally}" in obligation_ids(cast, TODAY)
    person_record_leaving(person=cast.sally, by=cast.theo, left=TODAY)
    relationship = Relationship.objects.get(supervisee=cast.sally)
    assert (Person.objects.get(pk=cast.sally.pk).left, relationship.end) == (TODAY, TODAY)
    assert (audited("person.leave"), audited("relationship.end")) == (1, 1)
    later = obligations_for(cast.org, TODAY + timedelta(days=1))
    assert [ob for ob in later.items if ob["kind"] == "supervision" and ob.get("person") == sally] == []


def test_a_supervisor_leaving_ends_the_supervision_they_give(cast: Cast) -> None:
    person_record_leaving(person=cast.theo, by=cast.maria, left=TODAY)
    assert Relationship.objects.get(supervisor=cast.theo).end == TODAY
    later = obligations_for(cast.org, TODAY + timedelta(days=1))
    assert not any(f"p{cast.theo.pk}" in ob.get("supervisors", []) for ob in later.items)


def test_leaving_refuses_a_date_before_they_started_and_a_second_leaving(cast: Cast) -> None:
    with refused("left"):
        person_record_leaving(person=cast.sally, by=cast.theo, left=date(2020, 3, 1))
    person_record_leaving(person=cast.sally, by=cast.theo, left=TODAY)
    with refused("left"):
        person_record_leaving(person=Person.objects.get(pk=cast.sally.pk), by=cast.theo, left=TODAY)
    assert audited("person.leave") == 1


def test_leaving_refuses_a_date_before_supervision_that_has_not_started(cast: Cast) -> None:
    relationship_start(
        organisation=cast.org, by=cast.maria, supervisor=cast.theo, supervisee=cast.asha, start=date(2026, 4, 1)
    )
    with refused("left"):
        person_record_leaving(person=cast.asha, by=cast.theo, left=date(2026, 3, 31))
    assert Person.objects.get(pk=cast.asha.pk).left is None and audited("person.leave") == 0


# --- absences ----------------------------------------------------------------------------------


def test_absence_recorded_and_ended_each_with_one_event(cast: Cast) -> None:
    absence = absence_record(person=cast.sally, by=cast.theo, start=date(2026, 3, 2), planned=False)
    assert audited("absence.record") == 1
    absence_end(absence=absence, by=cast.theo, end=date(2026, 3, 6))
    assert Absence.objects.get().end == date(2026, 3, 6) and audited("absence.end") == 1
    with refused("end"):  # already ended
        absence_end(absence=absence, by=cast.theo, end=date(2026, 3, 7))


def test_an_absence_cannot_end_before_it_starts(cast: Cast) -> None:
    with refused("end"):
        absence_record(person=cast.sally, by=cast.theo, start=date(2026, 3, 2), end=date(2026, 3, 1), planned=True)
    absence = absence_record(person=cast.sally, by=cast.theo, start=date(2026, 3, 2), planned=True)
    with refused("end"):
        absence_end(absence=absence, by=cast.theo, end=date(2026, 3, 1))
    assert Absence.objects.get().end is None


@pytest.mark.parametrize(
    ("start", "end"),
    [(date(2026, 3, 4), date(2026, 3, 4)), (date(2026, 2, 20), None), (date(2026, 2, 20), date(2026, 3, 2))],
)
def test_absences_of_one_person_do_not_overlap(cast: Cast, start: date, end: date | None) -> None:
    absence_record(person=cast.sally, by=cast.theo, start=date(2026, 3, 2), end=date(2026, 3, 6), planned=True)
    with refused("start"):
        absence_record(person=cast.sally, by=cast.theo, start=start, end=end, planned=False)
    absence_record(person=cast.theo, by=cast.maria, start=start, end=end, planned=False)  # someone else may
    assert Absence.objects.filter(person=cast.sally).count() == 1


def test_an_open_absence_blocks_any_later_one(cast: Cast) -> None:
    absence_record(person=cast.sally, by=cast.theo, start=date(2026, 3, 2), planned=False)
    with refused("start"):
        absence_record(person=cast.sally, by=cast.theo, start=date(2026, 6, 1), end=date(2026, 6, 5), planned=True)


def test_a_supervisors_long_unplanned_absence_needs_cover_under_leeds(cast: Cast) -> None:
    key = f"absence_cover:p{cast.theo.pk}:p{cast.sally.pk}"
    absence_record(person=cast.theo, by=cast.maria, start=TODAY - timedelta(days=20), planned=False)
    cover = {ob["id"]: ob for ob in obligations_for(cast.org, TODAY).items}
    assert cover[key]["status"] == "needs_cover"
    assert cover[key]["supervisor"] == f"p{cast.theo.pk}" and cover[key]["supervisee"] == f"p{cast.sally.pk}"


def test_a_short_absence_needs_no_cover(cast: Cast) -> None:
    absence_record(person=cast.theo, by=cast.maria, start=TODAY - timedelta(days=5), planned=False)
    assert not any(i.startswith("absence_cover:") for i in obligation_ids(cast, TODAY))


# --- hours and ASYE reviews ------------------------------------------------------------------------


def test_hours_recorded_for_casual_staff_with_one_event(cast: Cast) -> None:
    person = casual(cast)
    entry = hours_record(person=person, by=cast.theo, date=date(2026, 3, 9), hours=Decimal("7.5"))
    assert (entry.hours, audited("hours.record")) == (Decimal("7.5"), 1)
    event = AuditEvent.objects.get(action="hours.record")
    assert event.detail == {"date": "2026-03-09", "hours": "7.5"}


def test_hours_refused_for_staff_who_are_not_casual(cast: Cast) -> None:
    with refused("employment"):
        hours_record(person=cast.sally, by=cast.theo, date=date(2026, 3, 9), hours=Decimal(7))
    assert HoursWorked.objects.count() == 0


@pytest.mark.parametrize("hours", [Decimal("-1"), Decimal("24.5"), Decimal("1.005")])
def test_hours_refused_outside_a_day(cast: Cast, hours: Decimal) -> None:
    person = casual(cast)
    with refused("hours"):
        hours_record(person=person, by=cast.theo, date=date(2026, 3, 9), hours=hours)


def test_a_day_holds_at_most_24_hours_and_only_within_employment(cast: Cast) -> None:
    person = casual(cast)
    hours_record(person=person, by=cast.theo, date=date(2026, 3, 9), hours=Decimal(20))
    with refused("hours"):
        hours_record(person=person, by=cast.theo, date=date(2026, 3, 9), hours=Decimal(5))
    with refused("date"):
        hours_record(person=person, by=cast.theo, date=date(2025, 8, 31), hours=Decimal(5))
    assert HoursWorked.objects.count() == 1


def test_asye_review_recorded_with_one_event_and_meets_the_first_review(cast: Cast) -> None:
    review = asye_review_record(person=cast.asha, by=cast.theo, date=date(2026, 3, 9))
    assert (review.person, audited("asye_review.record")) == (cast.asha, 1)
    items = {ob["id"]: ob for ob in obligations_for(cast.org, TODAY).items}
    assert items[f"asye_review:p{cast.asha.pk}:3"]["status"] == "met"


def test_asye_review_refused_for_someone_not_in_their_asye(cast: Cast) -> None:
    with refused("role"):
        asye_review_record(person=cast.sally, by=cast.theo, date=date(2026, 3, 9))
    assert AsyeReview.objects.count() == 0


def test_asye_review_refused_before_the_asye_started(cast: Cast) -> None:
    with refused("date"):
        asye_review_record(person=cast.asha, by=cast.theo, date=date(2026, 1, 4))


# --- pages: who may ----------------------------------------------------------------------------------

PAGES = ["edit", "leaving", "absences", "hours", "asye-reviews"]


@pytest.mark.parametrize("page", PAGES)
@pytest.mark.parametrize("who", ["omar", "asha"])
def test_outsiders_get_404_on_staff_pages(cast: Cast, who: str, page: str) -> None:
    client = client_for(getattr(cast, who))
    assert client.get(f"/people/{cast.sally.pk}/{page}/").status_code == 404
    assert client.post(f"/people/{cast.sally.pk}/{page}/", {}).status_code == 404


def test_omar_gets_404_on_sallys_absences_and_records_nothing(cast: Cast) -> None:
    response = client_for(cast.omar).post(
        f"/people/{cast.sally.pk}/absences/", {**date_fields("start", TODAY), "planned": "no"}
    )
    assert response.status_code == 404 and Absence.objects.count() == 0


@pytest.mark.parametrize("page", ["leaving", "edit", "absences"])
def test_sally_cannot_manage_her_own_record(cast: Cast, page: str) -> None:
    sally = client_for(cast.sally)
    assert sally.get(f"/people/{cast.sally.pk}/{page}/").status_code == 404
    assert sally.post(f"/people/{cast.sally.pk}/leaving/", date_fields("left", TODAY)).status_code == 404
    assert Person.objects.get(pk=cast.sally.pk).left is None


@pytest.mark.parametrize("page", PAGES)
@pytest.mark.parametrize("who", ["theo", "maria"])
def test_the_line_management_chain_opens_every_page(cast: Cast, who: str, page: str) -> None:
    assert client_for(getattr(cast, who)).get(f"/people/{cast.sally.pk}/{page}/").status_code == 200


def test_a_supervisor_outside_the_chain_records_absences_but_not_leaving(cast: Cast) -> None:
    # Omar supervises Asha, who is in Theo's team: he may record her absence, not her leaving.
    relationship_start(
        organisation=cast.org, by=cast.maria, supervisor=cast.omar, supervisee=cast.asha, start=date(2026, 1, 5)
    )
    omar = client_for(cast.omar)
    assert omar.get(f"/people/{cast.asha.pk}/absences/").status_code == 200
    assert omar.get(f"/people/{cast.asha.pk}/asye-reviews/").status_code == 200
    assert omar.get(f"/people/{cast.asha.pk}/leaving/").status_code == 404
    assert omar.get(f"/people/{cast.asha.pk}/edit/").status_code == 404


def test_only_line_managers_add_staff(cast: Cast) -> None:
    assert client_for(cast.sally).get("/staff/new/").status_code == 404
    assert client_for(cast.theo).get("/staff/new/").status_code == 200


def test_the_file_links_to_manage_only_for_those_allowed(cast: Cast) -> None:
    body = client_for(cast.maria).get(f"/people/{cast.sally.pk}/").content.decode()
    assert ">Manage</h2>" in body and f"/people/{cast.sally.pk}/leaving/" in body
    body = client_for(cast.sally).get(f"/people/{cast.sally.pk}/").content.decode()
    assert ">Manage</h2>" not in body and "/leaving/" not in body


# --- pages: doing it ------------------------------------------------------------------------------------


def test_theo_adds_a_member_of_staff_under_himself(cast: Cast) -> None:
    theo = client_for(cast.theo)
    page = theo.get("/staff/new/").content.decode()
    assert "Newly qualified social worker (ASYE)" in page and "Independent Reviewing Officer" in page
    response = theo.post(
        "/staff/new/",
        {
            "name": "Nia New",
            "staff_id": "N7",
            "role": "social_worker",
            "employment": "permanent",
            "team": cast.sally.team.pk,
            "line_manager": cast.theo.pk,
            **date_fields("started", date(2026, 4, 1)),
        },
    )
    nia = Person.objects.get(staff_id="N7")
    assert response.status_code == 302 and response["Location"] == f"/people/{nia.pk}/edit/"
    assert (nia.line_manager, nia.started, nia.organisation) == (cast.theo, date(2026, 4, 1), cast.org)
    assert audited("person.create") == 1


def test_new_staff_form_names_the_field_and_keeps_what_was_typed(cast: Cast) -> None:
    response = client_for(cast.theo).post(
        "/staff/new/",
        {
            "name": "Second Sally",
            "staff_id": "S1",
            "role": "social_worker",
            "employment": "permanent",
            "line_manager": cast.theo.pk,
            **date_fields("started", date(2026, 4, 1)),
        },
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert "There is a problem" in body and "Staff ID S1 is already used in your organisation" in body
    assert 'href="#id_staff_id"' in body and 'value="Second Sally"' in body
    response = client_for(cast.theo).post(
        "/staff/new/", {"name": "X", "staff_id": "X9", "role": "consultant_social_worker", "line_manager": cast.omar.pk}
    )
    body = response.content.decode()
    assert "Choose a role from the list" in body and "Choose a line manager from the list" in body
    assert "Choose the type of employment" in body and "Enter the date they started" in body
    assert Person.objects.filter(staff_id__in=["X9"]).count() == 0


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("/staff/new/", "Enter the full name"),
        ("/people/{sally}/leaving/", "Enter the leaving date"),
        ("/people/{sally}/absences/", "Enter the date the absence started"),
        ("/people/{cass}/hours/", "Enter the hours worked"),
        ("/people/{asha}/asye-reviews/", "Enter the date of the review"),
        ("/people/{sally}/edit/", "Choose a role"),
    ],
)
def test_an_empty_post_shows_the_errors(cast: Cast, url: str, message: str) -> None:
    cass = casual(cast)
    url = url.format(sally=cast.sally.pk, asha=cast.asha.pk, cass=cass.pk)
    response = client_for(cast.theo).post(url, {})
    body = response.content.decode()
    assert response.status_code == 200
    assert "There is a problem" in body and message in body


def test_absence_form_names_the_field_and_keeps_what_was_typed(cast: Cast) -> None:
    theo = client_for(cast.theo)
    url = f"/people/{cast.sally.pk}/absences/"
    body = theo.post(
        url, {**date_fields("start", date(2026, 3, 2)), **date_fields("end", date(2026, 3, 1)), "planned": "no"}
    ).content.decode()
    assert "There is a problem" in body
    assert "The date the absence ended cannot be before the date it started" in body and 'href="#id_end_0"' in body
    assert 'value="2026"' in body and '<option value="no" selected>' in body
    body = theo.post(url, {"start_0": "31", "start_1": "2", "start_2": "2026", "planned": "yes"}).content.decode()
    assert "The date the absence started must be a real date" in body
    body = theo.post(url, {"start_0": "2", "start_1": "3", "planned": "yes"}).content.decode()
    assert "The date the absence started must include a day, month and year" in body
    assert Absence.objects.count() == 0


def test_absence_recorded_overlap_named_and_ended_through_the_pages(cast: Cast) -> None:
    theo = client_for(cast.theo)
    url = f"/people/{cast.sally.pk}/absences/"
    response = theo.post(url, {**date_fields("start", date(2026, 3, 2)), "planned": "no"})
    assert response.status_code == 302 and response["Location"] == url
    absence = Absence.objects.get()
    page = theo.get(url).content.decode()
    assert f"/people/{cast.sally.pk}/absences/{absence.pk}/end/" in page and "Not ended" in page
    body = theo.post(url, {**date_fields("start", date(2026, 3, 5)), "planned": "yes"}).content.decode()
    assert "This overlaps Sally Social&#x27;s absence that started on 2 March 2026" in body
    end_url = f"/people/{cast.sally.pk}/absences/{absence.pk}/end/"
    body = theo.post(end_url, date_fields("end", date(2026, 3, 1))).content.decode()
    assert "The date the absence ended cannot be before the date it started" in body
    assert theo.post(end_url, date_fields("end", date(2026, 3, 6))).status_code == 302
    assert Absence.objects.get().end == date(2026, 3, 6)
    assert theo.get(end_url).status_code == 404  # nothing left to end


def test_absences_page_queries_do_not_grow_with_the_absences(cast: Cast) -> None:
    theo = client_for(cast.theo)
    url = f"/people/{cast.sally.pk}/absences/"

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert theo.get(url).status_code == 200
        return len(captured)

    absence_record(person=cast.sally, by=cast.theo, start=date(2025, 1, 6), end=date(2025, 1, 7), planned=True)
    few = queries()
    for week in range(1, 8):
        day = date(2025, 1, 6) + timedelta(weeks=week)
        absence_record(person=cast.sally, by=cast.theo, start=day, end=day, planned=True)
    assert queries() == few


def test_recording_leaving_through_the_page(cast: Cast) -> None:
    maria = client_for(cast.maria)
    url = f"/people/{cast.sally.pk}/leaving/"
    page = maria.get(url).content.decode()
    assert "Theo Team supervises Sally Social" in page
    body = maria.post(url, date_fields("left", date(2019, 1, 1))).content.decode()
    assert "There is a problem" in body and "The leaving date cannot be before Sally Social started" in body
    assert 'href="#id_left_0"' in body
    response = maria.post(url, date_fields("left", TODAY))
    assert response.status_code == 302
    assert Relationship.objects.get(supervisee=cast.sally).end == TODAY
    assert "Sally Social left on 10 March 2026" in maria.get(url).content.decode()


def test_edit_page_names_a_cycle_and_saves_a_change(cast: Cast) -> None:
    maria = client_for(cast.maria)
    url = f"/people/{cast.theo.pk}/edit/"
    form = {"role": "team_manager", "employment": "permanent", "team": cast.theo.team.pk}
    body = maria.post(url, {**form, "line_manager": cast.sally.pk}).content.decode()
    assert "There is a problem" in body and "Sally Social is below Theo Team in line management" in body
    assert 'href="#id_line_manager"' in body
    response = maria.post(url, {**form, "role": "service_manager", "line_manager": cast.maria.pk})
    assert response.status_code == 302
    assert Person.objects.get(pk=cast.theo.pk).role == "service_manager"
    assert AuditEvent.objects.get(action="person.update").detail == {
        "role": {"from": "team_manager", "to": "service_manager"}
    }


def test_hours_page_records_for_casual_staff_and_names_the_field(cast: Cast) -> None:
    cass = casual(cast)
    theo = client_for(cast.theo)
    url = f"/people/{cass.pk}/hours/"
    body = theo.post(url, {**date_fields("date", date(2026, 3, 9)), "hours": "-2"}).content.decode()
    assert "There is a problem" in body and "The hours worked cannot be negative" in body
    assert 'value="-2"' in body and 'href="#id_hours"' in body
    body = theo.post(url, {**date_fields("date", TODAY + timedelta(days=1)), "hours": "7"}).content.decode()
    assert "The date worked must be today or in the past" in body
    assert theo.post(url, {**date_fields("date", date(2026, 3, 9)), "hours": "7.5"}).status_code == 302
    assert HoursWorked.objects.get().hours == Decimal("7.5")
    # Sally is permanent: the page says so, and a posted entry is refused, not stored.
    body = theo.post(
        f"/people/{cast.sally.pk}/hours/", {**date_fields("date", date(2026, 3, 9)), "hours": "7"}
    ).content.decode()
    assert "There is a problem" in body and "Hours worked are recorded for casual staff" in body
    assert HoursWorked.objects.count() == 1


def test_asye_reviews_page_shows_the_schedule_and_records_a_review(cast: Cast) -> None:
    theo = client_for(cast.theo)
    url = f"/people/{cast.asha.pk}/asye-reviews/"
    page = theo.get(url).content.decode()
    assert "At 3 months" in page and "5 Apr 2026" in page
    body = theo.post(url, date_fields("date", date(2026, 1, 2))).content.decode()
    assert "There is a problem" in body and "The date of the review cannot be before the ASYE started" in body
    assert theo.post(url, date_fields("date", date(2026, 3, 9))).status_code == 302
    assert AsyeReview.objects.get().date == date(2026, 3, 9)
    body = theo.post(f"/people/{cast.sally.pk}/asye-reviews/", date_fields("date", date(2026, 3, 9))).content.decode()
    assert "is not a newly qualified social worker in their ASYE" in body
    assert AsyeReview.objects.count() == 1
