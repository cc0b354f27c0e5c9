"""The access policy's moving parts, one at a time: grants that expire or are revoked, the
purpose quality assurance and HR state, what each read from outside the relationship leaves in
the audit trail, consent and override, the service functions' own refusals, and the functions
other code has always called (acting_as, visible_people, get_person_for).

The world is the access matrix's (tests/test_access_matrix.py): Lambeth, Tuesday 10 March 2026.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime, timedelta
from typing import Any

import pytest
import time_machine
from django.http import Http404
from django.test import Client
from django.utils import timezone

from oversight.access import policy, services
from oversight.access.models import ChildProtectionOverride, ConfidentialConsent, Grant, StaffCapability
from oversight.access.reach import PURPOSES_KEY, Viewer
from oversight.audit.models import AuditEvent
from oversight.errors import ServiceError
from oversight.people.access import acting_as, get_person_for, visible_people
from oversight.people.models import Person
from oversight.supervision.services import relationship_end, relationship_start

from .test_access_matrix import LONDON, NOW, PURPOSE, TODAY, World, build_world

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def frozen() -> Iterator[None]:
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def world() -> World:
    return build_world()


def client_for(world: World, persona: str) -> Client:
    client = Client()
    client.force_login(world.users[persona])
    return client


def sally_url(world: World) -> str:
    return f"/people/{world.people['sally'].pk}/"


# --- grants expire and can be revoked ----------------------------------------------------------


def test_an_inspectors_grant_stops_working_by_itself_when_it_expires(world: World) -> None:
    inspector = client_for(world, "insp_live")
    assert inspector.get(sally_url(world)).status_code == 200
    with time_machine.travel(NOW + timedelta(days=21, seconds=1), tick=False):
        inspector = client_for(world, "insp_live")  # a new sign-in: the old one timed out
        assert inspector.get(sally_url(world)).status_code == 404
        assert inspector.get("/access/files/").status_code == 404


def test_a_grant_has_not_started_before_its_start(world: World) -> None:
    maria = world.people["maria"]
    later = services.grant_create(
        kind="investigator",
        holder=world.users["nobody"],
        by=maria,
        reason="Starts next week",
        subject=world.people["sally"],
        starts=NOW + timedelta(days=7),
        expires=NOW + timedelta(days=14),
    )
    nobody = client_for(world, "nobody")
    assert nobody.get(sally_url(world)).status_code == 404
    with time_machine.travel(NOW + timedelta(days=8), tick=False):
        assert client_for(world, "nobody").get(sally_url(world)).status_code == 200
    assert later.status(NOW) == "not started"


def test_a_revoked_grant_stops_at_once_and_the_revocation_is_audited(world: World) -> None:
    grant = world.objects["grant"]
    inspector = client_for(world, "insp_live")
    response = client_for(world, "maria").post(f"/access/grants/{grant.pk}/revoke/", {"reason": "Inspection over"})
    assert response.status_code == 302
    assert inspector.get(sally_url(world)).status_code == 404
    event = AuditEvent.objects.filter(action="grant.revoke").get()
    assert (event.actor_label, event.purpose, event.object_id) == ("Maria Service", "Inspection over", str(grant.pk))
    with pytest.raises(ServiceError, match="already ended"):
        services.grant_revoke(grant=Grant.objects.get(pk=grant.pk), by=world.people["maria"], reason="Again")


def test_only_a_senior_manager_grants_access_with_a_reason_scope_and_expiry(world: World) -> None:
    p = world.people
    service = p["sally"].team.service  # type: ignore[union-attr]
    args: dict[str, Any] = {"kind": "inspector", "holder": world.users["nobody"], "service": service}
    before = AuditEvent.objects.count()
    with pytest.raises(ServiceError, match="senior manager"):
        services.grant_create(**args, by=p["theo"], reason="Inspection", expires=NOW + timedelta(days=3))
    with pytest.raises(ServiceError) as missing_reason:
        services.grant_create(**args, by=p["maria"], reason="  ", expires=NOW + timedelta(days=3))
    assert missing_reason.value.field == "reason"
    with pytest.raises(ServiceError) as past:
        services.grant_create(**args, by=p["maria"], reason="Inspection", expires=NOW - timedelta(hours=1))
    assert past.value.field == "expires"
    with pytest.raises(ServiceError) as no_subject:
        services.grant_create(
            kind="investigator",
            holder=world.users["nobody"],
            by=p["maria"],
            reason="x",
            expires=NOW + timedelta(days=1),
        )
    assert no_subject.value.field == "subject"
    assert AuditEvent.objects.count() == before  # a refused grant writes nothing


def test_a_senior_manager_grants_an_inspector_a_new_sign_in_from_the_page(world: World) -> None:
    maria = client_for(world, "maria")
    service = world.people["sally"].team.service  # type: ignore[union-attr]
    response = maria.post(
        "/access/grants/new/",
        {
            "kind": "inspector",
            "email": "Inspector@Ofsted.example",
            "name": "Ola Inspector",
            "service": service.pk,
            "reason": "Joint targeted area inspection",
            "expires_0": "31",
            "expires_1": "3",
            "expires_2": "2026",
        },
    )
    grant = Grant.objects.get(reason="Joint targeted area inspection")
    assert response.status_code == 302 and response["Location"] == f"/access/grants/{grant.pk}/"
    assert grant.holder.username == "inspector@ofsted.example" and not grant.holder.has_usable_password()
    assert not hasattr(grant.holder, "person") or grant.holder.person is None  # type: ignore[union-attr]
    assert timezone.localtime(grant.expires) == datetime(2026, 4, 1, tzinfo=LONDON)  # the whole last day
    assert [e.action for e in AuditEvent.objects.order_by("-seq")[:2]] == ["grant.create", "grant.holder_create"]


def test_the_grant_pages_answer_404_to_everyone_but_senior_managers_and_the_holder(world: World) -> None:
    grant = world.objects["grant"]
    for persona in ("theo", "sally", "qa_in", "hr", "inv_sally"):
        assert client_for(world, persona).get(f"/access/grants/{grant.pk}/").status_code == 404, persona
        assert client_for(world, persona).get("/access/grants/new/").status_code == 404, persona
    assert client_for(world, "insp_live").get(f"/access/grants/{grant.pk}/").status_code == 200


# --- quality assurance and HR state a purpose; every outside read is logged ----------------------


def test_quality_assurance_is_asked_the_purpose_once_per_file_per_session(world: World) -> None:
    qa = client_for(world, "qa_in")
    url = sally_url(world)
    asked = qa.get(url)
    assert asked.status_code == 302 and asked["Location"].startswith(f"/access/purpose/{world.people['sally'].pk}/")
    assert not AuditEvent.objects.filter(acting_as="qa").exists()  # nothing read yet
    stated = qa.post(asked["Location"], {"purpose": "Quarterly file audit", "next": url})
    assert stated.status_code == 302 and stated["Location"] == url
    assert qa.get(url).status_code == 200
    record = world.objects["record_final"]
    assert qa.get(f"/records/{record.pk}/").status_code == 200  # same file, same session: not asked again
    reads = AuditEvent.objects.filter(acting_as="qa").order_by("seq")
    assert [(e.action, e.purpose, e.actor_label) for e in reads] == [
        ("person_file.view", "Quarterly file audit", "Quinn Quality"),
        ("record.view", "Quarterly file audit", "Quinn Quality"),
    ]
    lena = world.people["lena"]
    assert qa.get(f"/people/{lena.pk}/").status_code == 302  # another file: asked again


def test_purpose_given_in_the_address_is_recorded_with_the_read(world: World) -> None:
    response = client_for(world, "hr").get(f"/people/{world.people['lena'].pk}/?purpose=Retention+review")
    assert response.status_code == 200
    event = AuditEvent.objects.get(acting_as="hr")
    assert (event.action, event.purpose) == ("person_file.view", "Retention review")


def test_the_purpose_page_is_404_to_anyone_it_is_not_for_and_never_redirects_elsewhere(world: World) -> None:
    sally = world.people["sally"]
    for persona in ("theo", "qa_out", "hr", "insp_live", "nobody"):
        assert client_for(world, persona).get(f"/access/purpose/{sally.pk}/").status_code == 404, persona
    qa = client_for(world, "qa_in")
    response = qa.post(f"/access/purpose/{sally.pk}/", {"purpose": "Audit", "next": "https://elsewhere.example/"})
    assert response["Location"] == f"/people/{sally.pk}/"
    assert qa.session[PURPOSES_KEY] == {str(sally.pk): "Audit"}


def test_an_inspectors_reads_are_logged_with_the_grant_as_purpose(world: World) -> None:
    grant = world.objects["grant"]
    inspector = client_for(world, "insp_live")
    assert inspector.get(f"/sessions/{world.objects['session_planned'].pk}/").status_code == 200
    event = AuditEvent.objects.get(acting_as="inspector")
    assert event.action == "session.view"
    assert event.purpose.startswith(f"Inspector grant #{grant.pk}: MKR-GRANT-REASON")
    assert event.actor_id is None and event.actor_label == "Insp_Live (no staff record)"
    assert event.detail == {"user": world.users["insp_live"].pk}


def test_sally_sees_who_read_her_file_from_outside_and_why(world: World) -> None:
    client_for(world, "qa_in").get(f"{sally_url(world)}?purpose={PURPOSE}")
    client_for(world, "inv_sally").get(sally_url(world))
    body = client_for(world, "sally").get("/audit/my-file/").content.decode()
    assert "Quinn Quality" in body and PURPOSE in body and "Vic Investigator" in body


def test_hr_reads_leavers_only_never_current_staff(world: World) -> None:
    hr = client_for(world, "hr")
    assert hr.get(f"{sally_url(world)}?purpose=x").status_code == 404
    assert hr.get(f"/people/{world.people['lena'].pk}/?purpose=x").status_code == 200
    leaving_today = world.people["asha"]
    leaving_today.left = TODAY
    leaving_today.save()
    assert hr.get(f"/people/{leaving_today.pk}/?purpose=x").status_code == 404  # left today: not yet a leaver
    with time_machine.travel(NOW + timedelta(days=1), tick=False):
        assert client_for(world, "hr").get(f"/people/{leaving_today.pk}/?purpose=x").status_code == 200


def test_a_revoked_capability_stops_at_once(world: World) -> None:
    capability = StaffCapability.objects.get(person=world.people["qa_in"])
    services.capability_revoke(capability=capability, by=world.people["maria"])
    assert client_for(world, "qa_in").get(f"{sally_url(world)}?purpose=x").status_code == 404
    assert AuditEvent.objects.filter(action="capability.revoke", object_id=str(capability.pk)).exists()


def test_only_the_first_senior_manager_is_set_up_without_one(world: World) -> None:
    with pytest.raises(ServiceError, match="senior manager"):
        services.capability_grant(person=world.people["omar"], capability="senior_manager", by=None, reason="Me too")
    with pytest.raises(ServiceError) as no_service:
        services.capability_grant(person=world.people["omar"], capability="qa", by=world.people["maria"], reason="QA")
    assert no_service.value.field == "service"


# --- the supervisory relationship ---------------------------------------------------------------


def test_a_supervisor_loses_access_the_day_after_the_relationship_ends(world: World) -> None:
    theo = client_for(world, "theo")
    relationship_end(relationship=world.objects["relationship"], by=world.people["maria"], end=TODAY)
    assert theo.get(sally_url(world)).status_code == 200  # the last day
    with time_machine.travel(NOW + timedelta(days=1), tick=False):
        theo = client_for(world, "theo")
        for url in (
            f"/records/{world.objects['record_final'].pk}/",
            f"/agreements/{world.objects['agreement_signed'].pk}/",
        ):
            assert theo.get(url).status_code == 404, url
        # He still manages Cara, who supervises Sally's case work: her file, for that kind only.
        assert acting_as(world.people["theo"], world.people["sally"], TODAY + timedelta(days=1)) == "line management"
        assert theo.get(f"/case-reviews/{world.objects['case_review'].pk}/").status_code == 200


def test_a_case_only_supervisor_sees_the_case_work_and_not_the_personal_record(world: World) -> None:
    cara = client_for(world, "cara")
    body = cara.get(sally_url(world)).content.decode()
    assert f'href="/sessions/{world.objects["session_case"].pk}/"' in body
    assert f'href="/sessions/{world.objects["session_planned"].pk}/"' not in body
    assert "MKR-ACTION-OPEN" not in body  # an action from a personal record
    assert cara.get(f"/records/{world.objects['record_final'].pk}/").status_code == 404
    assert cara.get(f"/case-reviews/{world.objects['case_review'].pk}/").status_code == 200


def test_theo_reads_fionas_old_record_but_not_its_confidential_check_in(world: World) -> None:
    record = world.objects["record_old"]
    body = client_for(world, "theo").get(f"/records/{record.pk}/").content.decode()
    assert "MKR-OLD-RECORD" in body and "MKR-CONF-OLD" not in body
    assert client_for(world, "fiona").get(f"/records/{record.pk}/").status_code == 404


# --- confidential content -----------------------------------------------------------------------


def test_the_supervisees_consent_opens_the_confidential_section_to_the_records_readers(world: World) -> None:
    record = world.objects["record_draft"]
    maria = client_for(world, "maria")
    assert "MKR-CONF-DRAFT" not in maria.get(f"/records/{record.pk}/").content.decode()
    assert client_for(world, "theo").post(f"/access/records/{record.pk}/consent/").status_code == 404
    response = client_for(world, "sally").post(f"/access/records/{record.pk}/consent/")
    assert response.status_code == 302
    assert "MKR-CONF-DRAFT" in maria.get(f"/records/{record.pk}/").content.decode()
    consent = ConfidentialConsent.objects.get(record=record)
    assert AuditEvent.objects.filter(action="confidential.consent", object_id=str(record.pk)).exists()
    services.consent_withdraw(consent=consent, by=world.people["sally"])
    assert "MKR-CONF-DRAFT" not in maria.get(f"/records/{record.pk}/").content.decode()


def test_consent_to_the_whole_file_opens_the_agreements_check_in_too(world: World) -> None:
    agreement = world.objects["agreement_signed"]
    maria = client_for(world, "maria")
    assert "MKR-CONF-AGREEMENT" not in maria.get(f"/agreements/{agreement.pk}/").content.decode()
    services.consent_give(person=world.people["sally"], by=world.people["sally"])
    assert "MKR-CONF-AGREEMENT" in maria.get(f"/agreements/{agreement.pk}/").content.decode()
    with pytest.raises(ServiceError, match="Only the supervisee"):
        services.consent_give(person=world.people["sally"], by=world.people["theo"])


def test_only_a_senior_manager_who_may_read_the_record_overrides_and_the_reason_is_kept(world: World) -> None:
    record = world.objects["record_agreed"]
    assert client_for(world, "theo").post(f"/access/records/{record.pk}/override/", {"reason": "x"}).status_code == 404
    qa = client_for(world, "qa_in")
    assert "MKR-CONF-AGREED" not in qa.get(f"/records/{record.pk}/?purpose=x").content.decode()
    page = client_for(world, "maria").get(f"/records/{record.pk}/").content.decode()
    assert f"/access/records/{record.pk}/override/" in page
    empty = client_for(world, "maria").post(f"/access/records/{record.pk}/override/", {"reason": ""})
    assert empty.status_code == 200 and not ChildProtectionOverride.objects.filter(record=record).exists()
    done = client_for(world, "maria").post(f"/access/records/{record.pk}/override/", {"reason": "Disclosure of harm"})
    assert done.status_code == 302
    assert "MKR-CONF-AGREED" in qa.get(f"/records/{record.pk}/?purpose=x").content.decode()
    event = AuditEvent.objects.get(action="confidential.child_protection_override", object_id=str(record.pk))
    assert (event.actor_label, event.purpose) == ("Maria Service", "Disclosure of harm")


# --- the functions other code calls ----------------------------------------------------------------


def test_acting_as_visible_people_and_get_person_for_keep_their_signatures(world: World) -> None:
    p = world.people
    assert acting_as(p["theo"], p["sally"], TODAY) == "supervisor"
    assert acting_as(p["maria"], p["sally"], TODAY) == "line management"
    assert acting_as(p["sally"], p["sally"], TODAY) == "self"
    assert acting_as(p["qa_in"], p["sally"], TODAY) == "qa"
    assert acting_as(p["omar"], p["sally"], TODAY) is None
    assert acting_as(p["fiona"], p["sally"], date(2023, 6, 1)) == "supervisor"  # while it lasted
    working = set(visible_people(p["maria"], TODAY).values_list("name", flat=True))
    assert {"Sally Social", "Asha Asye", "Maria Service"} <= working
    assert "Lena Leaver" not in working and "Quinn Quality" not in working
    assert set(visible_people(p["qa_in"], TODAY)) == {p["qa_in"]}  # oversight reads book nothing
    subject, standing = get_person_for(p["theo"], p["sally"].pk, TODAY)
    assert (subject, standing) == (p["sally"], "supervisor")
    with pytest.raises(Http404):
        get_person_for(p["omar"], p["sally"].pk, TODAY)


def test_the_audit_trail_of_a_file_is_the_supervisees_alone(world: World) -> None:
    trail = policy.audit_trail_of(world.people["sally"])
    for persona, person in world.people.items():
        assert policy.may(person, "view", trail) == (persona == "sally"), persona


def test_an_inspector_is_a_viewer_without_a_staff_record(world: World) -> None:
    viewer = Viewer(user=world.users["insp_live"], person=None, on=TODAY, now=NOW)
    assert viewer.pk is None and viewer.organisation_id == world.cast.org.pk
    names = set(policy.visible(viewer, "person").values_list("name", flat=True))
    in_service = {"Sally Social", "Asha Asye", "Theo Team", "Cara Case", "Lena Leaver", "Omar Other", "Fiona Former"}
    assert names == in_service  # both teams of the service; not Maria (no team) nor Fostering
    assert not policy.may(viewer, "edit", world.objects["record_draft"])
    assert not policy.may(viewer, "view_confidential", world.objects["record_draft"])


def test_a_previous_supervisors_drafts_leave_their_home_page(world: World) -> None:
    p = world.people
    person = Person.objects.create(
        organisation=world.cast.org,
        staff_id="N1",
        name="Nia New",
        role="social_worker",
        team=p["sally"].team,
        line_manager=p["theo"],
        started=date(2020, 1, 6),
    )
    relationship = relationship_start(
        organisation=world.cast.org, by=p["maria"], supervisor=p["fiona"], supervisee=person, start=date(2025, 1, 6)
    )
    from oversight.sessions.services import session_hold, session_schedule

    session = session_schedule(
        organisation=world.cast.org,
        by=p["fiona"],
        kind="personal",
        supervisor=p["fiona"],
        supervisee=person,
        date=date(2026, 2, 3),
    )
    session_hold(session=session, by=p["fiona"], today=TODAY)
    fiona = client_for(world, "fiona")
    assert "Nia New" in fiona.get("/home/").content.decode()
    relationship_end(relationship=relationship, by=p["maria"], end=date(2026, 3, 1))
    assert "Nia New" not in fiona.get("/home/").content.decode()


def test_the_first_senior_manager_is_set_up_from_the_command_line() -> None:
    from django.core.management import call_command
    from django.core.management.base import CommandError

    from .personas import make_cast

    cast = make_cast()
    call_command("access_capability", "leeds-test", "M1", "senior_manager", "--reason", "Service manager")
    assert StaffCapability.objects.get(person=cast.maria).granted_by is None
    with pytest.raises(CommandError, match="senior manager"):
        call_command("access_capability", "leeds-test", "O1", "senior_manager", "--reason", "Me too")
    call_command(
        "access_capability",
        "leeds-test",
        "S1",
        "qa",
        "--reason",
        "QA group",
        "--service",
        "Children's social work",
        "--by",
        "M1",
    )
    assert StaffCapability.objects.get(person=cast.sally).service is not None
    assert AuditEvent.objects.filter(action="capability.grant").count() == 2


def test_reports_below_walks_down_the_tree_only_within_the_organisation_and_stops_at_a_cycle(world: World) -> None:
    """``reports_below`` answers with one recursive query from the person down."""
    from oversight.access.reach import reports_below
    from oversight.organisations.models import Organisation

    p = world.people
    maria = p["maria"]
    below = reports_below(maria)
    assert p["theo"].pk in below and p["sally"].pk in below and maria.pk not in below
    assert reports_below(p["sally"]) == {
        pk for pk in below if Person.objects.get(pk=pk).line_manager_id == p["sally"].pk
    }
    # A cycle written straight into the table (the services refuse one) still ends.
    Person.objects.filter(pk=maria.pk).update(line_manager=p["sally"])
    assert maria.pk in reports_below(p["theo"]) and p["theo"].pk not in reports_below(p["theo"])
    # Someone in another organisation naming Maria as manager is not below her.
    other = Organisation.objects.exclude(pk=maria.organisation_id).first() or Organisation.objects.create(
        name="Elsewhere", slug="elsewhere", policy_pack="leeds-2023"
    )
    stranger = Person.objects.create(
        organisation=other,
        staff_id="X9",
        name="Xan Elsewhere",
        role="social_worker",
        line_manager=maria,
        started=date(2020, 1, 6),
    )
    assert stranger.pk not in reports_below(maria)
