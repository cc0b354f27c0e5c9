"""State changes: legal holds placed and lifted, leavers' files deleted under the retention
rule, subject access requests recorded. Each checks the state it leaves, makes the change and
writes its audit event in one transaction.

Audit events written here name no one: their labels are "Legal hold #3", "Deletion marker #1",
"Subject access request #2" (audit rows outlive what they describe, and a deletion must not
leave the name behind in its own audit row).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from django.contrib.auth import get_user_model
from django.db import DatabaseError, IntegrityError, transaction
from django.db.models import ProtectedError, RestrictedError
from django.utils import timezone
from django_otp import devices_for_user

from oversight.audit.services import audit_event
from oversight.errors import ServiceError
from oversight.organisations.models import Organisation
from oversight.people.models import Person

from .models import DeletionMarker, LegalHold, SubjectAccessRequest
from .selectors import FILE_PARTS, SIGN_IN_ACCOUNT, LeaverPlan, OrganisationPlan, file_part, sar_deadline

SYSTEM = "retention"  # acting_as of the command line's deletions


def _long(day: date) -> str:
    return f"{day.day} {day:%B %Y}"


# --- legal holds --------------------------------------------------------------------------


def legal_hold_place(*, person: Person, by: Person | None, reason: str, at: datetime | None = None) -> LegalHold:
    """Put ``person``'s records under a legal hold: nothing of theirs is deleted until it is lifted."""
    reason = reason.strip()
    if not reason:
        raise ServiceError("reason", "Give the reason for the legal hold")
    if by is not None and by.organisation_id != person.organisation_id:
        raise ServiceError("person", "Choose a member of staff in your organisation")
    with transaction.atomic():
        # The person's row is the lock --apply takes too: a hold and a deletion never cross.
        if Person.objects.select_for_update().filter(pk=person.pk).first() is None:
            raise ServiceError("person", "That member of staff's records have been deleted")
        hold = LegalHold.objects.create(person=person, reason=reason, placed_by=by, placed_at=at or timezone.now())
        audit_event(
            actor=by,
            action="legal_hold.place",
            obj=hold,
            organisation_id=person.organisation_id,
            detail={"person_id": person.pk},
        )
    return hold


def legal_hold_lift(*, hold: LegalHold, by: Person | None, at: datetime | None = None) -> LegalHold:
    """Lift a hold that is in place; the person's records fall under the retention rule again."""
    with transaction.atomic():
        locked = LegalHold.objects.select_for_update().filter(pk=hold.pk, lifted_at__isnull=True).first()
        if locked is None:
            raise ServiceError("__all__", "This legal hold has already been lifted")
        when = at or timezone.now()
        if when < locked.placed_at:
            raise ServiceError("__all__", "A legal hold cannot be lifted before it was placed")
        locked.lifted_at, locked.lifted_by = when, by
        locked.save(update_fields=["lifted_at", "lifted_by"])
        audit_event(
            actor=by,
            action="legal_hold.lift",
            obj=locked,
            organisation_id=locked.person.organisation_id,
            detail={"person_id": locked.person_id},
        )
    return locked


# --- deletion -----------------------------------------------------------------------------


def staff_id_hash(organisation: Organisation, staff_id: str) -> str:
    """The marker's pseudonym for a staff ID: sha256 of "<organisation pk>:<staff id>"."""
    return hashlib.sha256(f"{organisation.pk}:{staff_id}".encode()).hexdigest()


@dataclass
class Deleted:
    """What --apply did for one leaver: the marker left, or why nothing was deleted."""

    leaver: LeaverPlan
    marker: DeletionMarker | None = None
    skipped: str | None = None

    @property
    def matches_plan(self) -> bool:
        return self.marker is not None and self.marker.counts == self.leaver.counts


def _tally(counts: dict[str, int], label: str, model: type[Any], result: tuple[int, dict[str, int]]) -> None:
    """Add what Django's delete() reports: the part itself under its label, cascades as 'also ...'."""
    for name, count in result[1].items():
        key = label if name == model._meta.label else f"also {name.lower()}"
        if count:
            counts[key] = counts.get(key, 0) + count


def close_account(user_id: int) -> None:
    """Close a deleted leaver's sign-in account, inside the caller's transaction: its API tokens
    and second-factor devices go, then the account itself; where something kept for the record
    still names it (an access grant it held), the row stays with nothing personal in it: no
    username, name, email or password, and it cannot sign in. (A session of the account cannot
    outlive it: the session names the account, and an inactive or missing one is signed out.)"""
    User = get_user_model()
    user = User.objects.select_for_update().filter(pk=user_id).first()
    if user is None:
        return
    user.api_tokens.all().delete()
    for device in devices_for_user(user, confirmed=None):
        device.delete()
    try:
        with transaction.atomic():
            user.delete()
    except (ProtectedError, RestrictedError):
        user.username = f"deleted-{user_id}"
        user.first_name = user.last_name = user.email = ""
        user.set_unusable_password()
        user.is_active = False
        user.last_login = None
        user.save()


def _delete_group(
    group: list[LeaverPlan], organisation: Organisation, today: date, by: Person | None
) -> list[DeletionMarker]:
    """Delete the files of ``group`` leaf first, then the staff records the plan says can go,
    then leave a marker and an audit event for each. Runs inside the caller's transaction.
    (Files before staff records: in a cycle each file names the other leaver.)"""
    people = []
    for leaver in group:
        # The person's row is the lock legal_hold_place takes too: a hold and a deletion never cross.
        person = Person.objects.select_for_update().filter(pk=leaver.person_id, organisation=organisation).first()
        if person is None or person.left is None or leaver.basis.due(person.left) > today:
            raise ServiceError("__all__", "no longer a leaver past their period")
        if LegalHold.objects.filter(person=person, lifted_at__isnull=True).exists():
            raise ServiceError("__all__", "a legal hold was placed after the plan was made")
        people.append(person)
    counts: dict[int, dict[str, int]] = {leaver.person_id: {} for leaver in group}
    for leaver in group:
        for label, model, lookup in FILE_PARTS:
            _tally(counts[leaver.person_id], label, model, file_part(model, lookup, {leaver.person_id}).delete())
    for leaver, person in zip(group, people, strict=True):
        if leaver.person_deletable:
            user_id = person.user_id
            result = Person.objects.filter(pk=leaver.person_id).delete()
            _tally(counts[leaver.person_id], "person", Person, result)
            if user_id is not None:
                close_account(user_id)
                counts[leaver.person_id][SIGN_IN_ACCOUNT] = 1
    markers = []
    for leaver, person in zip(group, people, strict=True):
        marker = DeletionMarker.objects.create(
            organisation=organisation,
            former_person_id=leaver.person_id,
            staff_id_sha256=staff_id_hash(organisation, person.staff_id),
            counts=counts[leaver.person_id],
            person_deleted=leaver.person_deletable,
            kept_references=leaver.kept_references,
            rule_id=leaver.basis.rule_id,
            rule_source=leaver.basis.source,
            deleted_at=timezone.now(),
        )
        audit_event(
            actor=by,
            acting_as=SYSTEM if by is None else "hr",
            action="retention.delete",
            obj=marker,
            organisation_id=organisation.pk,
            detail={
                "former_person_id": leaver.person_id,
                "rule": leaver.basis.rule_id,
                "source": leaver.basis.source,
                "counts": counts[leaver.person_id],
                "person_deleted": leaver.person_deletable,
            },
        )
        markers.append(marker)
    return markers


def retention_apply(*, plan: OrganisationPlan, by: Person | None = None) -> list[Deleted]:
    """Delete what ``plan`` lists as due, in its deletion order, one transaction per leaver
    (leavers who supervised each other in turn: one transaction for the cycle). A leaver whose
    deletion fails is rolled back and reported; the others go on."""
    results: list[Deleted] = []
    for group in plan.deletion_order():
        try:
            with transaction.atomic():
                markers = _delete_group(group, plan.organisation, plan.today, by)
        except ServiceError as exc:
            results += [Deleted(leaver, skipped=exc.message) for leaver in group]
        except (ProtectedError, RestrictedError, IntegrityError, DatabaseError) as exc:
            reason = f"refused by the database: {type(exc).__name__}: {str(exc).splitlines()[0][:200]}"
            results += [Deleted(leaver, skipped=reason) for leaver in group]
        else:
            results += [Deleted(leaver, marker=marker) for leaver, marker in zip(group, markers, strict=True)]
    return results


# --- subject access -----------------------------------------------------------------------


def sar_start(
    *, person: Person, by: Person | None, received_on: date, today: date, requested_by: str = ""
) -> SubjectAccessRequest:
    """Record a subject access request received on ``received_on``; its deadline is computed."""
    if received_on > today:
        raise ServiceError("received_on", "The date the request was received must be today or in the past")
    if by is not None and by.organisation_id != person.organisation_id:
        raise ServiceError("person", "Choose a member of staff in your organisation")
    requested_by = requested_by.strip() or "the member of staff"
    with transaction.atomic():
        sar = SubjectAccessRequest.objects.create(
            person=person,
            received_on=received_on,
            requested_by=requested_by[:200],
            deadline=sar_deadline(received_on),
            started_by=by,
            started_at=timezone.now(),
        )
        audit_event(
            actor=by,
            action="sar.start",
            obj=sar,
            organisation_id=person.organisation_id,
            detail={
                "person_id": person.pk,
                "received_on": received_on.isoformat(),
                "deadline": sar.deadline.isoformat(),
            },
        )
    return sar


def sar_record_export(*, sar: SubjectAccessRequest, by: Person | None, what: str, redacted: bool) -> None:
    """Audit that the bundle (or one file of it) was produced, and whether redacted."""
    audit_event(
        actor=by,
        action="sar.export",
        obj=sar,
        organisation_id=sar.person.organisation_id,
        detail={"what": what, "redacted": redacted},
    )


def sar_complete(*, sar: SubjectAccessRequest, by: Person | None, at: datetime | None = None) -> SubjectAccessRequest:
    """Record that the response was sent; says whether it was within the deadline."""
    with transaction.atomic():
        locked = SubjectAccessRequest.objects.select_for_update().filter(pk=sar.pk, completed_at__isnull=True).first()
        if locked is None:
            raise ServiceError("__all__", "This request is already recorded as answered")
        locked.completed_at = at or timezone.now()
        locked.save(update_fields=["completed_at"])
        on_time = timezone.localtime(locked.completed_at).date() <= locked.deadline
        audit_event(
            actor=by,
            action="sar.complete",
            obj=locked,
            organisation_id=locked.person.organisation_id,
            detail={"deadline": locked.deadline.isoformat(), "on_time": on_time},
        )
    return locked
