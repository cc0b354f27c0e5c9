"""State changes of capabilities, grants, consent and overrides: each one named, keyword-only
function that checks, changes and writes its audit row in one transaction."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from oversight.audit.services import audit_event
from oversight.errors import ServiceError
from oversight.people.models import Person, Service
from oversight.records.models import Record

from .models import ChildProtectionOverride, ConfidentialConsent, Grant, StaffCapability

SENIOR_MANAGER = StaffCapability.Capability.SENIOR_MANAGER


def live_capabilities(person: Person, at: datetime) -> Any:
    """The capabilities ``person`` holds at ``at`` (a queryset)."""
    return StaffCapability.objects.filter(person=person, created__lte=at).exclude(revoked_at__lte=at)


def is_senior_manager(person: Person | None, at: datetime) -> bool:
    return person is not None and live_capabilities(person, at).filter(capability=SENIOR_MANAGER).exists()


def _require_senior_manager(by: Person | None, organisation_id: int, at: datetime, doing: str) -> None:
    if by is None or by.organisation_id != organisation_id or not is_senior_manager(by, at):
        raise ServiceError("__all__", f"Only a senior manager of the organisation {doing}")


def _reason(reason: str, field: str = "reason") -> str:
    reason = reason.strip()
    if not reason:
        raise ServiceError(field, "Give the reason")
    return reason


def capability_grant(
    *,
    person: Person,
    capability: str,
    by: Person | None,
    reason: str,
    service: Service | None = None,
    at: datetime | None = None,
) -> StaffCapability:
    """Give ``person`` a capability. ``by`` is a senior manager of the same organisation; only
    the very first senior manager of an organisation may be set up with ``by=None`` (from the
    command line, audited as the system)."""
    at = at or timezone.now()
    if capability not in StaffCapability.Capability.values:
        raise ServiceError("capability", f"unknown capability {capability!r}")
    reason = _reason(reason)
    if capability == StaffCapability.Capability.QA:
        if service is None:
            raise ServiceError("service", "Quality assurance reads within one service: choose it")
        if service.organisation_id != person.organisation_id:
            raise ServiceError("service", "This service is not in the person's organisation")
    elif service is not None:
        raise ServiceError("service", "Only quality assurance is limited to a service")
    bootstrap = (
        by is None
        and capability == SENIOR_MANAGER
        and not StaffCapability.objects.filter(
            organisation_id=person.organisation_id, capability=SENIOR_MANAGER
        ).exists()
    )
    if not bootstrap:
        _require_senior_manager(by, person.organisation_id, at, "gives a capability")
    if person.left is not None and person.left < at.date():
        raise ServiceError("person", f"{person.name} has left")
    with transaction.atomic():
        if live_capabilities(person, at).filter(capability=capability, service=service).exists():
            raise ServiceError("capability", f"{person.name} already holds this capability")
        held = StaffCapability.objects.create(
            organisation_id=person.organisation_id,
            person=person,
            capability=capability,
            service=service,
            reason=reason,
            granted_by=by,
            created=at,
        )
        audit_event(
            actor=by,
            action="capability.grant",
            obj=held,
            organisation_id=person.organisation_id,
            purpose=reason,
            detail={"person": person.pk, "capability": capability, "service": service.pk if service else None},
        )
    return held


def capability_revoke(*, capability: StaffCapability, by: Person, at: datetime | None = None) -> StaffCapability:
    at = at or timezone.now()
    _require_senior_manager(by, capability.organisation_id, at, "takes a capability away")
    with transaction.atomic():
        if (
            StaffCapability.objects.filter(pk=capability.pk, revoked_at__isnull=True).update(
                revoked_at=at, revoked_by=by
            )
            != 1
        ):
            raise ServiceError("__all__", "This capability was already taken away")
        audit_event(actor=by, action="capability.revoke", obj=capability, organisation_id=capability.organisation_id)
    capability.refresh_from_db()
    return capability


def grant_create(
    *,
    kind: str,
    holder: Any,
    by: Person,
    reason: str,
    expires: datetime,
    service: Service | None = None,
    subject: Person | None = None,
    starts: datetime | None = None,
    at: datetime | None = None,
) -> Grant:
    """A senior manager grants an inspector read access to one service, or an investigating
    officer read access to one person, until ``expires``. ``holder`` is a user, or a member of
    staff (whose user is used)."""
    at = at or timezone.now()
    starts = starts or at
    organisation_id = by.organisation_id
    _require_senior_manager(by, organisation_id, at, "grants access")
    reason = _reason(reason)
    if isinstance(holder, Person):
        if holder.user_id is None:
            raise ServiceError("holder", f"{holder.name} has no sign-in to hold a grant with")
        holder = holder.user
    if holder is None or not isinstance(holder, get_user_model()):
        raise ServiceError("holder", "Choose who holds the grant")
    if kind == Grant.Kind.INSPECTOR:
        if service is None or subject is not None:
            raise ServiceError("service", "An inspector's grant covers one service: choose it")
        if service.organisation_id != organisation_id:
            raise ServiceError("service", "This service is not in your organisation")
    elif kind == Grant.Kind.INVESTIGATOR:
        if subject is None or service is not None:
            raise ServiceError("subject", "An investigating officer's grant covers one named person: choose them")
        if subject.organisation_id != organisation_id:
            raise ServiceError("subject", "This person is not in your organisation")
        if getattr(holder, "person", None) is not None and holder.person.pk == subject.pk:
            raise ServiceError("holder", "Nobody investigates themselves")
    else:
        raise ServiceError("kind", f"unknown kind of grant {kind!r}")
    if expires <= starts:
        raise ServiceError("expires", "The grant must expire after it starts")
    if expires <= at:
        raise ServiceError("expires", "The expiry must be in the future")
    with transaction.atomic():
        grant = Grant.objects.create(
            organisation_id=organisation_id,
            kind=kind,
            holder=holder,
            service=service,
            subject=subject,
            reason=reason,
            created_by=by,
            created=at,
            starts=starts,
            expires=expires,
        )
        audit_event(
            actor=by,
            action="grant.create",
            obj=grant,
            organisation_id=organisation_id,
            purpose=reason,
            detail={
                "kind": kind,
                "holder_user": holder.pk,
                "service": service.pk if service else None,
                "subject": subject.pk if subject else None,
                "starts": starts.isoformat(),
                "expires": expires.isoformat(),
            },
        )
    return grant


def grant_revoke(*, grant: Grant, by: Person, reason: str, at: datetime | None = None) -> Grant:
    """End a grant before it expires. A grant that has expired or was revoked is left as it is."""
    at = at or timezone.now()
    _require_senior_manager(by, grant.organisation_id, at, "revokes a grant")
    reason = _reason(reason)
    with transaction.atomic():
        changed = Grant.objects.filter(pk=grant.pk, revoked_at__isnull=True, expires__gt=at).update(
            revoked_at=at, revoked_by=by, revoke_reason=reason
        )
        if changed != 1:
            raise ServiceError("__all__", "This grant has already ended")
        audit_event(actor=by, action="grant.revoke", obj=grant, organisation_id=grant.organisation_id, purpose=reason)
    grant.refresh_from_db()
    return grant


def _own_record(record: Record, person: Person) -> bool:
    session = record.session
    if session.supervisee_id is not None:
        return session.supervisee_id == person.pk
    return session.attendees.filter(pk=person.pk).exists()


def consent_give(
    *, person: Person, by: Person, record: Record | None = None, note: str = "", at: datetime | None = None
) -> ConfidentialConsent:
    """The supervisee consents to others reading the confidential sections of one record, or
    (``record`` None) of their whole file. Only they can give it."""
    at = at or timezone.now()
    if by.pk != person.pk:
        raise ServiceError("__all__", "Only the supervisee consents to sharing their confidential content")
    if record is not None and not _own_record(record, person):
        raise ServiceError("record", "This is not a record of your supervision")
    with transaction.atomic():
        existing = ConfidentialConsent.objects.filter(person=person, record=record, withdrawn_at__isnull=True).first()
        if existing is not None:
            raise ServiceError("__all__", "You have already consented")
        consent = ConfidentialConsent.objects.create(
            organisation_id=person.organisation_id, person=person, record=record, note=note.strip(), given_at=at
        )
        audit_event(
            actor=by,
            action="confidential.consent",
            obj=record if record is not None else person,
            organisation_id=person.organisation_id,
            acting_as="supervisee",
            detail={"consent": consent.pk, "scope": "record" if record is not None else "file"},
        )
    return consent


def consent_withdraw(*, consent: ConfidentialConsent, by: Person, at: datetime | None = None) -> ConfidentialConsent:
    at = at or timezone.now()
    if by.pk != consent.person_id:
        raise ServiceError("__all__", "Only the supervisee withdraws their consent")
    with transaction.atomic():
        if ConfidentialConsent.objects.filter(pk=consent.pk, withdrawn_at__isnull=True).update(withdrawn_at=at) != 1:
            raise ServiceError("__all__", "This consent was already withdrawn")
        audit_event(
            actor=by,
            action="confidential.consent_withdraw",
            obj=consent.record if consent.record is not None else consent.person,
            organisation_id=consent.organisation_id,
            acting_as="supervisee",
            detail={"consent": consent.pk},
        )
    consent.refresh_from_db()
    return consent


def override_record(*, record: Record, by: Person, reason: str, at: datetime | None = None) -> ChildProtectionOverride:
    """A senior manager records that a child-protection concern lifts the confidentiality of
    ``record``: from now on whoever may read the record reads its confidential sections too."""
    at = at or timezone.now()
    organisation_id = record.session.organisation_id
    _require_senior_manager(by, organisation_id, at, "records a child-protection override")
    reason = _reason(reason)
    with transaction.atomic():
        override = ChildProtectionOverride.objects.create(
            organisation_id=organisation_id, record=record, by=by, reason=reason, created=at
        )
        audit_event(
            actor=by,
            action="confidential.child_protection_override",
            obj=record,
            organisation_id=organisation_id,
            acting_as="senior manager",
            purpose=reason,
            detail={"override": override.pk},
        )
    return override


def holder_for(*, email: str, name: str, by: Person) -> Any:
    """The user who will hold a grant: the one with this email address (or username), else a
    new sign-in for an inspector, who has no staff record. A new user has no password: they
    sign in through the council's single sign-on, or an administrator sets one."""
    email = email.strip().lower()
    if not email:
        raise ServiceError("email", "Enter the holder's email address")
    User = get_user_model()
    user = (
        User.objects.filter(email__iexact=email).order_by("pk").first()
        or User.objects.filter(username__iexact=email).first()
    )
    if user is not None:
        return user
    first, _, last = " ".join(name.split()).partition(" ")
    with transaction.atomic():
        user = User.objects.create_user(username=email, email=email, first_name=first[:150], last_name=last[:150])
        audit_event(
            actor=by,
            action="grant.holder_create",
            obj=user,
            organisation_id=by.organisation_id,
            detail={"email": email},
        )
    return user
