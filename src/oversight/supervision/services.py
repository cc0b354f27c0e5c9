"""State changes of relationships and agreements."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime, timedelta
from typing import Any

from django.db import IntegrityError, transaction

from oversight.audit.services import audit_event
from oversight.errors import ServiceError
from oversight.organisations.models import Organisation
from oversight.people.models import Person

from .models import ALL_KINDS, Agreement, AgreementReview, AgreementSignature, Relationship


def relationship_start(
    *,
    organisation: Organisation,
    by: Person,
    supervisor: Person,
    supervisee: Person,
    start: date,
    kinds: Iterable[str] = (),
    delegated: bool = False,
) -> Relationship:
    kinds = sorted(set(kinds))
    for kind in kinds:
        if kind not in ALL_KINDS:
            raise ServiceError("kinds", f"unknown kind of supervision {kind!r}")
    if supervisor.pk == supervisee.pk:
        raise ServiceError("supervisor", "A person cannot supervise themselves")
    for field, person in (("supervisor", supervisor), ("supervisee", supervisee)):
        if person.organisation_id != organisation.pk:
            raise ServiceError(field, "This person is not in your organisation")
        if person.left is not None and person.left < start:
            raise ServiceError("start", f"{person.name} left on {person.left:%d %B %Y}")
    with transaction.atomic():
        relationship = Relationship.objects.create(
            organisation=organisation,
            supervisor=supervisor,
            supervisee=supervisee,
            start=start,
            kinds=kinds,
            delegated=delegated,
        )
        audit_event(actor=by, action="relationship.start", obj=relationship, organisation_id=organisation.pk)
    return relationship


def relationship_end(*, relationship: Relationship, by: Person, end: date) -> Relationship:
    if end < relationship.start:
        raise ServiceError("end", "A relationship cannot end before it starts")
    with transaction.atomic():
        locked = Relationship.objects.select_for_update().filter(pk=relationship.pk, end__isnull=True).first()
        if locked is None:
            raise ServiceError("__all__", "This relationship has already ended")
        locked.end = end
        locked.save(update_fields=["end"])
        audit_event(actor=by, action="relationship.end", obj=locked, organisation_id=locked.organisation_id)
    return locked


def relationship_change_supervisor(
    *, relationship: Relationship, by: Person, new_supervisor: Person, on: date
) -> Relationship:
    """End the old relationship the day before ``on`` and start a new one on ``on``.
    The new relationship owes a new agreement; the file follows the supervisee."""
    if new_supervisor.pk == relationship.supervisor_id:
        raise ServiceError("new_supervisor", "Choose a different supervisor")
    if on <= relationship.start:
        raise ServiceError("on", "The change must come after the relationship started")
    with transaction.atomic():
        relationship_end(relationship=relationship, by=by, end=on - timedelta(days=1))
        return relationship_start(
            organisation=relationship.organisation,
            by=by,
            supervisor=new_supervisor,
            supervisee=relationship.supervisee,
            start=on,
            kinds=relationship.kinds,
            delegated=relationship.delegated,
        )


def agreement_create(*, relationship: Relationship, by: Person, content: dict[str, Any]) -> Agreement:
    pack = relationship.organisation.pack
    template = pack.template_for("agreement")
    if template is None:
        raise ServiceError("template", f"{pack.id} has no agreement template")
    unknown = sorted(set(content) - {s.id for s in template.sections})
    if unknown:
        raise ServiceError(unknown[0], "This section is not on the council's agreement template")
    with transaction.atomic():
        agreement = Agreement.objects.create(relationship=relationship, template_id=template.id, content=content)
        audit_event(actor=by, action="agreement.create", obj=agreement, organisation_id=relationship.organisation_id)
    return agreement


def agreement_sign(*, agreement: Agreement, by: Person, at: datetime) -> AgreementSignature:
    """Sign as whichever party ``by`` is. A second click does not sign twice."""
    relationship = agreement.relationship
    if by.pk == relationship.supervisor_id:
        party = AgreementSignature.Party.SUPERVISOR
    elif by.pk == relationship.supervisee_id:
        party = AgreementSignature.Party.SUPERVISEE
    elif relationship.delegated and by.pk == relationship.supervisee.line_manager_id:
        party = AgreementSignature.Party.LINE_MANAGER
    else:
        raise ServiceError(
            "__all__",
            "Only the supervisor, the supervisee or, for delegated supervision, "
            "the supervisee's line manager signs this agreement",
        )
    try:
        with transaction.atomic():
            Agreement.objects.select_for_update().get(pk=agreement.pk)
            signature = AgreementSignature.objects.create(agreement=agreement, party=party, person=by, signed_at=at)
            audit_event(
                actor=by, action=f"agreement.sign.{party}", obj=agreement, organisation_id=relationship.organisation_id
            )
    except IntegrityError:
        raise ServiceError("__all__", "You have already signed this agreement") from None
    return signature


def agreement_review(*, agreement: Agreement, by: Person, on: date, notes: str = "") -> AgreementReview:
    if agreement.signed_on is None:
        raise ServiceError("__all__", "An agreement is reviewed once both have signed it")
    if on < agreement.signed_on:
        raise ServiceError("on", "A review cannot come before the signatures")
    with transaction.atomic():
        review = AgreementReview.objects.create(agreement=agreement, date=on, by=by, notes=notes)
        audit_event(
            actor=by, action="agreement.review", obj=agreement, organisation_id=agreement.relationship.organisation_id
        )
    return review
