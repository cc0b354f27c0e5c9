"""Retention: leavers' supervision files deleted after the pack's period (Leeds 4.15: 6 years;
Buckinghamshire: at least 7 years) or the organisation's override; legal holds; markers with no
personal data; `oversight retention --dry-run` lists exactly what `--apply` deletes."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta
from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.test import Client
from django.utils import timezone

from oversight.audit.models import AuditEvent
from oversight.cases.models import CaseReview, Child
from oversight.cases.services import case_review_record
from oversight.errors import ServiceError
from oversight.organisations.models import Organisation
from oversight.people.models import Absence, HoursWorked, Person
from oversight.policy import shipped_packs
from oversight.records.models import Action, Record
from oversight.records.services import action_add, record_save_draft
from oversight.retention.models import DeletionMarker, LegalHold
from oversight.retention.selectors import (
    OVERRIDE_RULE_ID,
    override_shorter_than_pack,
    retention_basis,
    retention_due,
    retention_plan,
)
from oversight.retention.services import legal_hold_lift, legal_hold_place, retention_apply, staff_id_hash
from oversight.sessions.models import Session
from oversight.sessions.services import session_hold, session_schedule
from oversight.supervision.models import Agreement, AgreementSignature, Relationship
from oversight.supervision.services import agreement_create, agreement_sign, relationship_start

from .personas import Cast, make_cast

TODAY = date(2026, 11, 20)
LEEDS, BUCKS, BRISTOL = (shipped_packs()[p] for p in ("leeds-2023", "buckinghamshire-2024", "bristol-2020"))


# --- the rule, as a pure function -----------------------------------------------------------


@pytest.mark.parametrize(
    ("pack", "left", "due"),
    [
        (LEEDS, date(2019, 10, 31), date(2025, 10, 31)),  # Leeds 4.15: 6 years after leaving
        (LEEDS, date(2020, 2, 29), date(2026, 2, 28)),  # a leap day: the month's last day
        (BUCKS, date(2019, 10, 31), date(2026, 10, 31)),  # Buckinghamshire: at least 7 years
        (BRISTOL, date(2010, 1, 1), None),  # no retention rule: kept until an override is set
    ],
)
def test_retention_due_per_pack(pack, left: date, due: date | None) -> None:  # type: ignore[no-untyped-def]
    assert retention_due(left, pack, None) == due


@pytest.mark.parametrize("pack", [LEEDS, BUCKS, BRISTOL])
def test_the_organisations_override_wins_over_the_pack(pack) -> None:  # type: ignore[no-untyped-def]
    assert retention_due(date(2019, 10, 31), pack, 25) == date(2044, 10, 31)
    assert retention_due(date(2019, 10, 31), pack, 0) == date(2019, 10, 31)
    assert retention_basis(pack, 25).rule_id == OVERRIDE_RULE_ID  # type: ignore[union-attr]


def test_the_basis_names_the_packs_rule_and_its_source() -> None:
    leeds = retention_basis(LEEDS, None)
    bucks = retention_basis(BUCKS, None)
    assert leeds is not None and bucks is not None
    assert (leeds.rule_id, leeds.source) == ("leeds.retention.supervision_file", f"{LEEDS.seed} 4.15")
    assert (bucks.rule_id, bucks.held_by) == ("bucks.retention.leavers", "hr")
    assert retention_basis(BRISTOL, None) is None


def test_an_override_shorter_than_the_packs_period_is_flagged() -> None:
    assert "shorter than the pack's 7 years" in (override_shorter_than_pack(BUCKS, 5) or "")
    assert override_shorter_than_pack(BUCKS, 10) is None
    assert override_shorter_than_pack(BRISTOL, 1) is None


# --- a small organisation with leavers --------------------------------------------------------


def _at(day: date) -> datetime:
    return datetime.combine(day, datetime.min.time(), tzinfo=UTC) + timedelta(hours=10)


def give_file(cast: Cast, supervisor: Person, supervisee: Person, start: date, text: str = "") -> Session:
    """A relationship, a signed agreement, a held session with a record and an action."""
    org = cast.org
    rel = relationship_start(organisation=org, by=supervisor, supervisor=supervisor, supervisee=supervisee, start=start)
    agreement = agreement_create(relationship=rel, by=supervisor, content={})
    agreement_sign(agreement=agreement, by=supervisor, at=_at(start))
    agreement_sign(agreement=agreement, by=supervisee, at=_at(start))
    day = start + timedelta(days=7)
    session = session_schedule(
        organisation=org, by=supervisor, kind="personal", supervisor=supervisor, supervisee=supervisee, date=day
    )
    session_hold(session=session, by=supervisor, today=day)
    record = Record.objects.get(session=session)
    template = org.pack.template(record.template_id)
    assert template is not None
    first = next(s.id for s in template.sections if not s.signature and not s.per_child)
    record = record_save_draft(
        record=record, by=supervisor, content={first: text or "Reviewed workload."}, expected_version=record.version
    )
    action_add(record=record, by=supervisor, text="Update the chronology.", owner=supervisee, due=day + timedelta(14))
    return session


def leave(person: Person, left: date) -> None:
    Person.objects.filter(pk=person.pk).update(left=left)
    Relationship.objects.filter(supervisee=person, end__isnull=True).update(end=left)
    person.refresh_from_db()


@pytest.fixture
def org() -> Cast:
    """Theo supervises Sally (a case-holding social worker) and two others; all three left long ago.

    - Sally left in 2018: her file goes, but the child allocated to her keeps her staff record.
    - Lee left in 2019 and was supervised by Sam, who left in 2017: both go, Lee first.
    - Hana left in 2016 and is under a legal hold: nothing of hers goes.
    - Rita left last year: not yet due.
    """
    cast = make_cast()
    org = cast.org
    start = date(2015, 3, 2)

    def person(staff_id: str, name: str) -> Person:
        return Person.objects.create(
            organisation=org, staff_id=staff_id, name=name, role="social_worker", started=date(2014, 1, 6)
        )

    cast.sam = person("SAM1", "Sam Supervisor")  # type: ignore[attr-defined]
    cast.lee = person("LEE1", "Lee Leaver")  # type: ignore[attr-defined]
    cast.hana = person("HAN1", "Hana Held")  # type: ignore[attr-defined]
    cast.rita = person("RIT1", "Rita Recent")  # type: ignore[attr-defined]
    Person.objects.filter(pk=cast.sally.pk).update(started=date(2014, 1, 6))
    cast.sally.refresh_from_db()
    session = give_file(cast, cast.theo, cast.sally, date(2016, 1, 4), text="Discussed LCS123456 with Omar Other.")
    give_file(cast, cast.sam, cast.lee, start)  # type: ignore[attr-defined]
    give_file(cast, cast.theo, cast.hana, start)  # type: ignore[attr-defined]
    give_file(cast, cast.theo, cast.rita, start)  # type: ignore[attr-defined]
    child = Child.objects.create(
        organisation=org, case_id="LCS123456", status="cin", worker=cast.sally, allocated=date(2016, 1, 4)
    )
    case_review_record(child=child, by=cast.theo, on=session.date, direction="Visit weekly.", session=session)
    Absence.objects.create(person=cast.sally, start=date(2017, 5, 1), end=date(2017, 5, 5))
    HoursWorked.objects.create(person=cast.lee, date=date(2018, 5, 1), hours=7)  # type: ignore[attr-defined]
    leave(cast.sally, date(2018, 6, 29))
    leave(cast.lee, date(2019, 6, 28))  # type: ignore[attr-defined]
    leave(cast.sam, date(2017, 3, 31))  # type: ignore[attr-defined]
    leave(cast.hana, date(2016, 7, 29))  # type: ignore[attr-defined]
    leave(cast.rita, date(2025, 12, 19))  # type: ignore[attr-defined]
    legal_hold_place(person=cast.hana, by=cast.maria, reason="Employment tribunal claim")  # type: ignore[attr-defined]
    return cast


def dry_run(*args: str) -> str:
    out = StringIO()
    call_command("retention", "--dry-run", "--today", TODAY.isoformat(), *args, stdout=out)
    return out.getvalue()


def apply(*args: str) -> str:
    out = StringIO()
    call_command("retention", "--apply", "--today", TODAY.isoformat(), *args, stdout=out)
    return out.getvalue()


def listed(output: str, heading: str) -> dict[str, str]:
    """staff id -> its 'would delete'/'deleting' counts, under the 'to be deleted' heading."""
    section = output.split(heading, 1)[1].split("Past their period, under legal hold", 1)[0]
    lines = section.splitlines()
    found = {}
    for i, line in enumerate(lines):
        parts = line.split()
        if len(parts) > 1 and parts[1] == "left":
            found[parts[0]] = lines[i + 1].split(": ", 1)[1]
    return found


pytestmark = pytest.mark.django_db


def test_the_plan_lists_leavers_past_their_period_and_keeps_held_ones_apart(org: Cast) -> None:
    plan = retention_plan(org.org, TODAY)
    assert [p.staff_id for p in plan.due] == ["SAM1", "S1", "LEE1"]  # by leaving date
    assert [p.staff_id for p in plan.held] == ["HAN1"]
    assert "RIT1" not in {p.staff_id for p in plan.due + plan.held + plan.kept}
    sally = next(p for p in plan.due if p.staff_id == "S1")
    assert sally.due == date(2024, 6, 29)
    assert sally.kept_references == {"cases.child.worker": 1}
    assert not sally.person_deletable and "person" not in sally.counts
    assert sally.unlinked == {"cases.casereview.session": 1}  # the child's review loses its session link
    sam = next(p for p in plan.due if p.staff_id == "SAM1")
    lee = next(p for p in plan.due if p.staff_id == "LEE1")
    assert sam.person_deletable and sam.after == {lee.person_id}  # Lee's file names Sam: Lee goes first
    order = [[p.staff_id for p in group] for group in plan.deletion_order()]
    assert order.index(["LEE1"]) < order.index(["SAM1"])


def test_dry_run_lists_exactly_what_apply_deletes(org: Cast) -> None:
    before = dry_run()
    listed_before = listed(before, "to be deleted:")
    assert set(listed_before) == {"SAM1", "S1", "LEE1"}
    assert "HAN1" in before.split("under legal hold (not deleted): 1", 1)[1]
    assert "RIT1" not in before

    applied = apply()
    assert listed(applied, "to be deleted:") == listed_before  # the same plan, printed the same way
    markers = {m.former_person_id: m for m in DeletionMarker.objects.all()}
    people = {p.staff_id: p for p in (org.sally, org.lee, org.sam)}  # type: ignore[attr-defined]
    assert set(markers) == {p.pk for p in people.values()}
    for staff_id, person in people.items():
        marker = markers[person.pk]
        listed_counts = dict(item.rsplit(" ", 1) for item in listed_before[staff_id].split(", "))
        assert marker.counts == {label: int(n) for label, n in listed_counts.items()}
        assert marker.rule_id == "leeds.retention.supervision_file"
        assert marker.rule_source == f"{LEEDS.seed} 4.15"
    assert "Deleted the files of 3 leaver(s); 0 not deleted." in applied


def test_apply_deletes_the_file_leaf_first_and_the_staff_record_where_nothing_else_names_it(org: Cast) -> None:
    apply()
    lee, sam, sally, hana = org.lee, org.sam, org.sally, org.hana  # type: ignore[attr-defined]
    assert not Person.objects.filter(pk__in=[lee.pk, sam.pk]).exists()
    assert Person.objects.filter(pk=sally.pk).exists()  # the child on the case system still names her
    for person in (lee, sally):
        assert not Session.objects.filter(supervisee_id=person.pk).exists()
        assert not Relationship.objects.filter(supervisee_id=person.pk).exists()
        assert not Agreement.objects.filter(relationship__supervisee_id=person.pk).exists()
    assert not Absence.objects.filter(person=sally).exists()
    assert not HoursWorked.objects.filter(person_id=lee.pk).exists()
    assert not Action.objects.filter(owner_id__in=[lee.pk, sally.pk]).exists()
    # the held leaver and the recent one keep everything
    assert Session.objects.filter(supervisee=hana).count() == 1
    assert Session.objects.filter(supervisee=org.rita).count() == 1  # type: ignore[attr-defined]
    assert AgreementSignature.objects.filter(person=hana).exists()


def test_children_and_case_reviews_survive(org: Cast) -> None:
    reviews = CaseReview.objects.count()
    apply()
    child = Child.objects.get(case_id="LCS123456")
    assert child.worker_id == org.sally.pk
    review = CaseReview.objects.get(child=child)
    assert CaseReview.objects.count() == reviews
    assert review.by_id == org.theo.pk and review.direction == "Visit weekly."
    assert review.session_id is None  # the session was Sally's and went with her file


def test_the_marker_and_its_audit_event_hold_no_personal_data(org: Cast) -> None:
    apply()
    names = {"Sally Social", "Lee Leaver", "Sam Supervisor", "Theo Team"}
    staff_ids = {"S1", "LEE1", "SAM1"}
    for marker in DeletionMarker.objects.all():
        text = json.dumps(
            {f.name: str(getattr(marker, f.attname)) for f in DeletionMarker._meta.concrete_fields}, ensure_ascii=False
        )
        assert not any(name in text for name in names), text
        assert not any(f'"{sid}"' in text or f" {sid}" in text for sid in staff_ids), text
    events = AuditEvent.objects.filter(action="retention.delete")
    assert events.count() == 3
    for event in events:
        text = json.dumps(event.chained_content(), ensure_ascii=False, default=str)
        assert not any(name in text for name in names), text
        assert event.object_type == "retention.deletionmarker" and event.actor_label == "system"
    sally_marker = DeletionMarker.objects.get(former_person_id=org.sally.pk)
    assert sally_marker.staff_id_sha256 == staff_id_hash(org.org, "S1")
    assert not sally_marker.person_deleted and sally_marker.kept_references == {"cases.child.worker": 1}


def test_a_second_run_deletes_nothing_more(org: Cast) -> None:
    apply()
    rows = {m: m.objects.count() for m in (Person, Session, Record, Action, Relationship, Agreement, CaseReview)}
    markers = DeletionMarker.objects.count()
    again = apply()
    assert "to be deleted: 0" in again and "Deleted the files of 0 leaver(s)" in again
    assert {m: m.objects.count() for m in rows} == rows
    assert DeletionMarker.objects.count() == markers
    assert "S1: still named by cases.child.worker 1" in again  # said, not hidden


def test_the_audit_chain_still_verifies_after_apply(org: Cast) -> None:
    events = AuditEvent.objects.count()
    apply()
    out = StringIO()
    call_command("audit", "verify", stdout=out)
    assert out.getvalue().startswith("OK: ")
    assert AuditEvent.objects.count() == events + 3  # nothing deleted from the trail; one event per leaver


def test_a_legal_hold_blocks_deletion_until_it_is_lifted(org: Cast) -> None:
    hana = org.hana  # type: ignore[attr-defined]
    apply()
    assert Person.objects.filter(pk=hana.pk).exists()
    hold = LegalHold.objects.get(person=hana)
    legal_hold_lift(hold=hold, by=org.maria)
    with pytest.raises(ServiceError):
        legal_hold_lift(hold=hold, by=org.maria)
    assert "HAN1" in listed(dry_run(), "to be deleted:")
    apply()
    assert not Person.objects.filter(pk=hana.pk).exists()
    assert list(AuditEvent.objects.filter(action__startswith="legal_hold.").values_list("action", flat=True)) == [
        "legal_hold.place",
        "legal_hold.lift",
    ]


def test_a_hold_placed_after_the_plan_is_made_still_stops_the_deletion(org: Cast) -> None:
    plan = retention_plan(org.org, TODAY)
    lee = org.lee  # type: ignore[attr-defined]
    legal_hold_place(person=lee, by=org.maria, reason="Police inquiry")
    results = {r.leaver.staff_id: r for r in retention_apply(plan=plan)}
    assert results["LEE1"].marker is None and "legal hold" in (results["LEE1"].skipped or "")
    assert Session.objects.filter(supervisee=lee).exists()
    # Sam's staff record was to go after Lee's file; with Lee's file kept it cannot, and is rolled back
    assert results["SAM1"].marker is None
    assert Person.objects.filter(pk=org.sam.pk).exists()  # type: ignore[attr-defined]
    assert results["S1"].marker is not None


def test_leavers_who_supervised_each_other_go_together() -> None:
    cast = make_cast()
    ann, bob = (
        Person.objects.create(
            organisation=cast.org, staff_id=sid, name=name, role="senior_social_worker", started=date(2010, 1, 4)
        )
        for sid, name in (("ANN1", "Ann Able"), ("BOB1", "Bob Baker"))
    )
    give_file(cast, ann, bob, date(2012, 1, 2))
    Relationship.objects.filter(supervisee=bob).update(end=date(2012, 12, 31))
    give_file(cast, bob, ann, date(2013, 1, 7))
    leave(ann, date(2015, 7, 31))
    leave(bob, date(2015, 8, 28))
    plan = retention_plan(cast.org, TODAY)
    assert [[p.staff_id for p in group] for group in plan.deletion_order()] == [["ANN1", "BOB1"]]
    assert all(p.person_deletable for p in plan.due)
    results = retention_apply(plan=plan)
    assert all(r.marker is not None and r.matches_plan for r in results)
    assert not Person.objects.filter(pk__in=[ann.pk, bob.pk]).exists()
    assert "to be deleted: 0" in dry_run()


def test_a_legal_hold_needs_a_reason() -> None:
    cast = make_cast()
    with pytest.raises(ServiceError) as refused:
        legal_hold_place(person=cast.sally, by=cast.maria, reason="  ")
    assert refused.value.field == "reason"


def test_an_override_changes_who_is_due_and_says_where_it_comes_from(org: Cast) -> None:
    Organisation.objects.filter(pk=org.org.pk).update(retention_years_override=8)
    output = dry_run()
    assert set(listed(output, "to be deleted:")) == {"S1"}  # left 2018-06-29: due 2026-06-29; Lee not yet
    assert "S1  left 2018-06-29  due 2026-06-29  rule organisation.retention_years_override" in output
    # Sam (due 2025) has no file of his own, and Lee's file, not yet due, names him as supervisor
    assert "SAM1: still named by supervision.relationship.supervisor 1" in output


def test_a_pack_without_a_rule_deletes_nothing_and_says_so() -> None:
    cast = make_cast("bristol-2020", slug="bristol-test")
    leave(cast.sally, date(2020, 4, 3))
    output = dry_run("--organisation", "bristol-test")
    assert "no retention rule in the pack" in output and "retention_years_override" in output
    assert "Past their period" not in output
    assert apply("--organisation", "bristol-test").count("Deleted the files of 0 leaver(s)") == 1


def test_an_unknown_organisation_is_refused() -> None:
    with pytest.raises(CommandError, match="--organisation"):
        dry_run("--organisation", "nowhere")


# --- the HR page ---------------------------------------------------------------------------------


def _client(person: Person, *, staff: bool) -> Client:
    """Signed in as ``person``; with ``staff``, holding the HR capability that retention and subject access ask for."""
    from oversight.access.models import StaffCapability

    user = get_user_model().objects.create_user(username=f"u{person.pk}", password="x")
    Person.objects.filter(pk=person.pk).update(user=user)
    if staff:
        StaffCapability.objects.create(
            organisation_id=person.organisation_id,
            person=person,
            capability="hr",
            reason="HR officer (test)",
            created=timezone.now() - timedelta(days=1),
        )
    client = Client()
    client.force_login(user)
    return client


def test_the_retention_page_is_for_hr_only(org: Cast) -> None:
    assert _client(org.theo, staff=False).get("/retention/").status_code == 404
    assert Client().get("/retention/").status_code == 302  # to sign in
    body = _client(org.maria, staff=True).get("/retention/").content.decode()
    assert "Sam Supervisor (SAM1)" in body and "Lee Leaver (LEE1)" in body
    assert "Hana Held" in body and "Employment tribunal claim" in body
    assert "Rita Recent (RIT1)" not in body.split("Legal holds in place")[0]


def test_hr_places_and_lifts_a_legal_hold_from_the_page(org: Cast) -> None:
    client = _client(org.maria, staff=True)
    lee = org.lee  # type: ignore[attr-defined]
    response = client.post("/retention/", {"person": lee.pk, "reason": "Grievance appeal"})
    assert response.status_code == 302
    hold = LegalHold.objects.get(person=lee, lifted_at__isnull=True)
    assert "LEE1" not in {p.staff_id for p in retention_plan(org.org, TODAY).due}
    assert client.post(f"/retention/holds/{hold.pk}/lift/").status_code == 302
    hold.refresh_from_db()
    assert hold.lifted_at is not None and hold.lifted_by_id == org.maria.pk
    errors = client.post("/retention/", {"person": lee.pk, "reason": ""}).content.decode()
    assert "Give the reason for the legal hold" in errors


def test_hr_of_another_organisation_cannot_see_or_lift_a_hold(org: Cast) -> None:
    other = make_cast("buckinghamshire-2024", slug="bucks-test")
    client = _client(other.omar, staff=True)
    hold = LegalHold.objects.get(person=org.hana)  # type: ignore[attr-defined]
    assert client.post(f"/retention/holds/{hold.pk}/lift/").status_code == 404
    assert "Hana Held" not in client.get("/retention/").content.decode()
    assert client.post("/retention/", {"person": org.lee.pk, "reason": "x"}).status_code == 200  # type: ignore[attr-defined]
    assert not LegalHold.objects.filter(person=org.lee).exists()  # type: ignore[attr-defined]
