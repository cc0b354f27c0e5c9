"""Every state change: it does the change, checks the state it leaves, and writes its audit row."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from oversight.audit.models import AuditEvent
from oversight.compliance.selectors import obligations_for
from oversight.errors import ServiceError
from oversight.people.models import Person
from oversight.records.models import Record
from oversight.records.services import (
    action_add,
    action_complete,
    open_actions_for,
    record_add_addendum,
    record_agree,
    record_deem_agreed,
    record_dispute,
    record_finalise,
    record_save_draft,
    record_share,
)
from oversight.sessions.models import Session
from oversight.sessions.services import rearrange_deadline, session_cancel, session_hold, session_move, session_schedule
from oversight.supervision.models import Relationship
from oversight.supervision.services import (
    agreement_create,
    agreement_sign,
    relationship_change_supervisor,
    relationship_start,
)

from .personas import Cast, make_cast

pytestmark = pytest.mark.django_db


@pytest.fixture
def cast() -> Cast:
    return make_cast()


def audited(action: str) -> int:
    return AuditEvent.objects.filter(action=action).count()


def held_personal(cast: Cast, day: date = date(2026, 2, 13)) -> Session:
    session = session_schedule(
        organisation=cast.org, by=cast.theo, kind="personal", supervisor=cast.theo, supervisee=cast.sally, date=day
    )
    return session_hold(session=session, by=cast.theo, today=day)


def test_schedule_uses_the_pack_duration_guide_and_is_audited(cast: Cast) -> None:
    session = session_schedule(
        organisation=cast.org,
        by=cast.theo,
        kind="personal",
        supervisor=cast.theo,
        supervisee=cast.asha,
        date=date(2026, 2, 2),
    )
    assert session.status == "planned"
    assert session.duration_minutes == 90  # Leeds 4.6: up to 1.5 hours for ASYE
    assert audited("session.schedule") == 1


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"kind": "personal", "date": date(2026, 2, 2)}, "supervisee"),
        ({"kind": "group", "date": date(2026, 2, 2)}, "attendees"),
        ({"kind": "personal", "date": date(2025, 12, 1), "supervisee": "asha"}, "date"),  # before Asha started
        ({"kind": "party", "date": date(2026, 2, 2)}, "kind"),
    ],
)
def test_schedule_refuses_bad_requests_naming_the_field(cast: Cast, kwargs: dict, field: str) -> None:
    if kwargs.get("supervisee") == "asha":
        kwargs["supervisee"] = cast.asha
    with pytest.raises(ServiceError) as err:
        session_schedule(organisation=cast.org, by=cast.theo, supervisor=cast.theo, **kwargs)
    assert err.value.field == field
    assert Session.objects.count() == 0


def test_cancel_records_who_and_why_and_gives_the_leeds_rearrange_deadline(cast: Cast) -> None:
    session = session_schedule(
        organisation=cast.org,
        by=cast.theo,
        kind="personal",
        supervisor=cast.theo,
        supervisee=cast.sally,
        date=date(2026, 2, 20),
    )
    cancelled = session_cancel(session=session, by=cast.sally, cancelled_on=date(2026, 2, 19), reason="other")
    assert (cancelled.status, cancelled.cancelled_by, cancelled.cancel_reason) == ("cancelled", cast.sally, "other")
    assert rearrange_deadline(cancelled) == date(2026, 2, 27)  # Leeds 4.9: 5 working days from the original date
    with pytest.raises(ServiceError):
        session_cancel(session=cancelled, by=cast.theo, cancelled_on=date(2026, 2, 19), reason="other")
    with pytest.raises(ServiceError):
        session_move(session=cancelled, by=cast.theo, date=date(2026, 3, 2))
    assert audited("session.cancel") == 1


def test_rearrange_after_sickness_counts_from_the_return_to_work(cast: Cast) -> None:
    session = session_schedule(
        organisation=cast.org,
        by=cast.theo,
        kind="personal",
        supervisor=cast.theo,
        supervisee=cast.sally,
        date=date(2026, 1, 19),
    )
    cancelled = session_cancel(
        session=session,
        by=cast.theo,
        cancelled_on=date(2026, 1, 16),
        reason="sickness",
        return_to_work=date(2026, 1, 22),
    )
    assert rearrange_deadline(cancelled) == date(2026, 1, 29)


def test_hold_opens_a_draft_record_on_the_councils_template(cast: Cast) -> None:
    session = held_personal(cast)
    record = Record.objects.get(session=session)
    assert record.status == "draft"
    template = cast.org.pack.template(record.template_id)
    assert template is not None and "personal" in template.kinds


def test_a_session_cannot_be_held_before_its_date(cast: Cast) -> None:
    session = session_schedule(
        organisation=cast.org,
        by=cast.theo,
        kind="personal",
        supervisor=cast.theo,
        supervisee=cast.sally,
        date=date(2026, 3, 2),
    )
    with pytest.raises(ServiceError) as err:
        session_hold(session=session, by=cast.theo, today=date(2026, 3, 1))
    assert err.value.field == "date"


def test_record_lifecycle_with_a_dispute_keeps_both_views_and_final_never_changes(cast: Cast) -> None:
    record = Record.objects.get(session=held_personal(cast))
    section = cast.org.pack.template(record.template_id).sections[0].id
    record = record_save_draft(
        record=record, by=cast.theo, content={section: "We discussed workload."}, expected_version=record.version
    )
    action = action_add(record=record, by=cast.theo, text="Book the training", owner=cast.sally, due=date(2026, 3, 1))
    with pytest.raises(ServiceError):  # only the supervisee agrees
        record_share(record=record, by=cast.sally, on=date(2026, 2, 16))
    record = record_share(record=record, by=cast.theo, on=date(2026, 2, 16))
    with pytest.raises(ServiceError):  # a shared record is no longer a draft
        record_save_draft(record=record, by=cast.theo, content={section: "x"}, expected_version=record.version)
    record = record_dispute(
        record=record, by=cast.sally, view="We did not agree the caseload cap.", on=date(2026, 2, 17)
    )
    assert record.status == "disputed"
    record = record_finalise(record=record, by=cast.theo)
    assert record.status == "final"
    assert record.content[section] == "We discussed workload."
    assert record.supervisee_view == "We did not agree the caseload cap."
    for change in (
        lambda: record_save_draft(record=record, by=cast.theo, content={}, expected_version=record.version),
        lambda: record_share(record=record, by=cast.theo, on=date(2026, 2, 20)),
        lambda: record_agree(record=record, by=cast.sally, on=date(2026, 2, 20)),
        lambda: record_finalise(record=record, by=cast.theo),
        lambda: action_add(record=record, by=cast.theo, text="x", owner=cast.sally, due=date(2026, 3, 1)),
    ):
        with pytest.raises(ServiceError):
            change()
    addendum = record_add_addendum(record=record, by=cast.theo, reason="Typo", text="Read 'cap' as 'review'.")
    assert addendum.author == cast.theo
    assert [a.text for a in open_actions_for(cast.sally)] == ["Book the training"]
    action_complete(action=action, by=cast.sally, on=date(2026, 2, 25))
    assert open_actions_for(cast.sally) == []
    for name in ("record.save", "record.share", "record.dispute", "record.finalise", "record.addendum"):
        assert audited(name) == 1, name


def test_a_stale_save_is_refused_and_nothing_is_lost(cast: Cast) -> None:
    record = Record.objects.get(session=held_personal(cast))
    section = cast.org.pack.template(record.template_id).sections[0].id
    opened_at = record.version
    record_save_draft(record=record, by=cast.theo, content={section: "first"}, expected_version=opened_at)
    with pytest.raises(ServiceError) as err:
        record_save_draft(record=record, by=cast.theo, content={section: "second"}, expected_version=opened_at)
    assert "Someone else saved" in err.value.message
    assert Record.objects.get(pk=record.pk).content[section] == "first"


def test_leeds_silence_becomes_agreement_when_the_time_runs_out(cast: Cast) -> None:
    record = Record.objects.get(session=held_personal(cast))
    record = record_share(record=record, by=cast.theo, on=date(2026, 2, 20))
    assert record_deem_agreed(record=record, today=date(2026, 2, 27)) is None  # 5 working days: due 27 Feb
    agreed = record_deem_agreed(record=record, today=date(2026, 3, 2))
    assert agreed is not None and agreed.deemed_agreed and agreed.agreed_on == date(2026, 2, 27)
    # Two page loads at once both saw it shared: the second finds it agreed and does nothing.
    assert record_deem_agreed(record=record, today=date(2026, 3, 2)) is None
    assert AuditEvent.objects.filter(action="record.deemed_agreed", object_id=str(record.pk)).count() == 1


def test_a_page_deems_agreed_only_the_records_it_shows(cast: Cast) -> None:
    """The daily job walks the organisation; a page walks only its viewer's records (or the one
    record it shows), so a page load never reads the council's shared records."""
    from oversight.records.services import apply_deemed_agreements

    def shared_record(supervisee: Person) -> Record:
        session = session_schedule(
            organisation=cast.org,
            by=cast.theo,
            kind="personal",
            supervisor=cast.theo,
            supervisee=supervisee,
            date=date(2026, 2, 13),
        )
        record = Record.objects.get(session=session_hold(session=session, by=cast.theo, today=date(2026, 2, 13)))
        return record_share(record=record, by=cast.theo, on=date(2026, 2, 20))

    sallys, ashas = shared_record(cast.sally), shared_record(cast.asha)
    later = date(2026, 3, 2)
    assert apply_deemed_agreements(organisation_id=cast.org.pk, today=later, person_id=cast.omar.pk) == 0
    assert apply_deemed_agreements(organisation_id=cast.org.pk, today=later, record_ids=[ashas.pk]) == 1
    assert Record.objects.get(pk=sallys.pk).status == "shared"
    assert apply_deemed_agreements(organisation_id=cast.org.pk, today=later, person_id=cast.sally.pk) == 1
    assert {r.status for r in Record.objects.filter(pk__in=[sallys.pk, ashas.pk])} == {"agreed"}
    assert apply_deemed_agreements(organisation_id=cast.org.pk, today=later) == 0  # the daily job: nothing left


def test_agreement_signatures_are_acts_with_times_and_a_second_click_does_not_sign_twice(cast: Cast) -> None:
    rel = relationship_start(
        organisation=cast.org, by=cast.theo, supervisor=cast.theo, supervisee=cast.sally, start=date(2026, 1, 5)
    )
    agreement = agreement_create(relationship=rel, by=cast.theo, content={})
    at = datetime(2026, 1, 6, 10, 0, tzinfo=UTC)
    agreement_sign(agreement=agreement, by=cast.theo, at=at)
    with pytest.raises(ServiceError):
        agreement_sign(agreement=agreement, by=cast.theo, at=at)
    assert agreement.signed_on is None
    agreement_sign(agreement=agreement, by=cast.sally, at=datetime(2026, 1, 8, 9, 0, tzinfo=UTC))
    assert agreement.signed_on == date(2026, 1, 8)
    with pytest.raises(ServiceError):
        agreement_sign(agreement=agreement, by=cast.omar, at=at)


def test_change_of_supervisor_ends_the_old_relationship_and_owes_a_new_agreement(cast: Cast) -> None:
    rel = relationship_start(
        organisation=cast.org, by=cast.maria, supervisor=cast.theo, supervisee=cast.sally, start=date(2025, 1, 6)
    )
    agreement = agreement_create(relationship=rel, by=cast.theo, content={})
    for who in (cast.theo, cast.sally):
        agreement_sign(agreement=agreement, by=who, at=datetime(2025, 1, 6, 12, tzinfo=UTC))
    new = relationship_change_supervisor(relationship=rel, by=cast.maria, new_supervisor=cast.omar, on=date(2026, 2, 2))
    assert Relationship.objects.get(pk=rel.pk).end == date(2026, 2, 1)
    assert new.start == date(2026, 2, 2) and new.supervisor == cast.omar
    ids = {ob["id"]: ob for ob in obligations_for(cast.org, date(2026, 2, 10)).items}
    sally, theo, omar = (f"p{p.pk}" for p in (cast.sally, cast.theo, cast.omar))
    assert f"agreement:{theo}:{sally}" not in ids  # ended relationships owe nothing
    assert ids[f"agreement:{omar}:{sally}"]["status"] == "overdue"  # Leeds: owed from the first day


def test_obligations_from_the_database_match_the_engine(cast: Cast) -> None:
    relationship_start(
        organisation=cast.org, by=cast.maria, supervisor=cast.theo, supervisee=cast.asha, start=date(2026, 1, 5)
    )
    for day in (date(2026, 1, 9), date(2026, 1, 16)):
        session = session_schedule(
            organisation=cast.org, by=cast.theo, kind="personal", supervisor=cast.theo, supervisee=cast.asha, date=day
        )
        session_hold(session=session, by=cast.theo, today=day)
    ids = {ob["id"]: ob for ob in obligations_for(cast.org, date(2026, 1, 20)).items}
    ob = ids[f"supervision:personal:p{cast.asha.pk}"]
    assert (ob["due"], ob["status"], ob["last"]) == ("2026-01-23", "upcoming", "2026-01-16")  # weekly, first 6 weeks
    assert ob["source"] == "001_8acf471507eacfb1.txt 4.4, 4.6"
