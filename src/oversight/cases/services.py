"""Case reviews and case directions: decisions about a child, kept apart from the
personal record, with their own clock from the pack."""

from __future__ import annotations

from datetime import date

from django.db import transaction

from oversight.audit.services import audit_event
from oversight.errors import ServiceError
from oversight.people.models import Person
from oversight.sessions.models import Session

from .models import CaseReview, Child


def case_review_record(
    *, child: Child, by: Person, on: date, direction: str, session: Session | None = None
) -> CaseReview:
    if not direction.strip():
        raise ServiceError("direction", "Record what was decided for the child")
    if on < child.allocated:
        raise ServiceError("on", "The review cannot come before the child was allocated")
    with transaction.atomic():
        review = CaseReview.objects.create(child=child, by=by, date=on, direction=direction.strip(), session=session)
        audit_event(actor=by, action="case_review.record", obj=review, organisation_id=child.organisation_id)
    return review


def case_direction_mark_entered(*, review: CaseReview, by: Person, on: date) -> CaseReview:
    """Whoever entered the direction on the child's record (LCS, EHM, Mosaic) says so."""
    if on < review.date:
        raise ServiceError("on", "It cannot be entered before the review")
    with transaction.atomic():
        locked = CaseReview.objects.select_for_update().filter(pk=review.pk, direction_recorded__isnull=True).first()
        if locked is None:
            raise ServiceError("__all__", "This direction is already marked as entered")
        locked.direction_recorded = on
        locked.recorded_by = by
        locked.save(update_fields=["direction_recorded", "recorded_by"])
        audit_event(actor=by, action="case_direction.entered", obj=locked, organisation_id=review.child.organisation_id)
    return locked
