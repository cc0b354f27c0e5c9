"""State changes of observations of supervision and of supervision training: each one named,
keyword-only function that checks, changes and writes its audit row in one transaction.

Leeds 4.19: a supervisor is observed in supervision by their Line Manager at least annually
(direct observation, a conversation with the supervisee and with the supervisor, a review of the
file), and the Line Manager identifies good practice and what requires development. Leeds 4.18:
supervisors refresh their supervision training at least every 5 years.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from django.db import transaction

from oversight.access.reach import LINE_MANAGEMENT, QA, Viewer
from oversight.audit.services import audit_event
from oversight.errors import ServiceError
from oversight.people.models import Person
from oversight.sessions.models import Session

from .access import may_audit_supervisor, records_training_for, standings_on_supervisor, training_standing
from .models import Observation, TrainingRecord
from .services import TEXT_MAX, _text, touch_supervisors
from .tools import tool_for


def observation_record(
    *,
    supervisor: Person,
    observer: Person,
    observed_on: date,
    strengths: str,
    areas_to_develop: str,
    on: date,
    elements: Iterable[str] = (),
    session: Session | None = None,
) -> Observation:
    """Record an observation of ``supervisor``'s supervision by ``observer`` (the line above the
    supervisor, or quality assurance over them)."""
    viewer = Viewer.for_person(observer, on)
    if not may_audit_supervisor(viewer, supervisor):
        raise ServiceError(
            "supervisor",
            "You can observe only a current supervisor below you in line management or in your quality-assurance service",
        )
    if observed_on > on:
        raise ServiceError("observed_on", "The date observed must be today or in the past")
    guide = tool_for(supervisor.organisation.policy_pack).observation
    known = {e.id for e in guide.elements} if guide is not None else set()
    chosen = list(dict.fromkeys(elements))
    for element in chosen:
        if element not in known:
            raise ServiceError("elements", f"'{element}' is not part of an observation in this council's policy")
    if session is not None:
        if session.supervisor_id != supervisor.pk or session.organisation_id != supervisor.organisation_id:
            raise ServiceError("session", f"That session was not led by {supervisor.name}")
        if session.status != Session.Status.HELD:
            raise ServiceError("session", "Choose a session that was held")
        if session.date != observed_on:
            raise ServiceError("session", "The session observed must be on the date observed")
    strengths = _text(strengths, "strengths", "Write the strengths seen: the areas of good practice")
    areas = _text(areas_to_develop, "areas_to_develop", "Write the areas to develop, or say there are none")
    held = standings_on_supervisor(viewer, supervisor.pk, supervisor.organisation_id)
    with transaction.atomic():
        observation = Observation.objects.create(
            organisation_id=supervisor.organisation_id,
            supervisor=supervisor,
            observer=observer,
            observer_standing=LINE_MANAGEMENT if LINE_MANAGEMENT in held else QA,
            session=session,
            observed_on=observed_on,
            elements=chosen,
            strengths=strengths,
            areas_to_develop=areas,
            recorded_on=on,
        )
        audit_event(
            actor=observer,
            action="quality_observation.record",
            obj=observation,
            organisation_id=observation.organisation_id,
            acting_as=observation.observer_standing,
            detail={
                "supervisor": supervisor.pk,
                "session": session.pk if session is not None else None,
                "observed_on": observed_on.isoformat(),
                "elements": chosen,
            },
        )
        touch_supervisors(supervisor.pk)  # an observation of their supervision held
    return observation


def observation_respond(*, observation: Observation, by: Person, response: str, on: date) -> Observation:
    """The supervisor observed records their response, once."""
    if by.pk != observation.supervisor_id:
        raise ServiceError("__all__", "Only the supervisor observed responds to the observation")
    response = _text(response, "response", "Write your response to the observation")
    with transaction.atomic():
        locked = Observation.objects.select_for_update().filter(pk=observation.pk, responded_on__isnull=True).first()
        if locked is None:
            raise ServiceError("__all__", "You have already responded to this observation")
        locked.response = response
        locked.responded_on = max(on, locked.recorded_on)
        locked.save(update_fields=["response", "responded_on"])
        audit_event(
            actor=by,
            action="quality_observation.respond",
            obj=locked,
            organisation_id=locked.organisation_id,
            acting_as="self",
        )
    return locked


def training_record(
    *,
    person: Person,
    by: Person,
    kind: str,
    course: str,
    provider: str,
    completed_on: date,
    on: date,
) -> TrainingRecord:
    """Record supervision training ``person`` completed (by themselves, the line above, quality
    assurance, a senior manager or HR)."""
    viewer = Viewer.for_person(by, on)
    if not records_training_for(viewer, person):
        raise ServiceError("person", "You cannot record training for this person")
    if kind not in TrainingRecord.Kind.values:
        raise ServiceError("kind", "Choose whether this was supervision training or a refresher")
    course = _text(course, "course", "Enter the name of the course")[:200]
    provider = _text(provider, "provider", "Enter who provided the training")[:200]
    if completed_on > on:
        raise ServiceError("completed_on", "The date completed must be today or in the past")
    if completed_on.year < 1970:
        raise ServiceError("completed_on", "The date completed must be after 1970")
    standing = training_standing(viewer, person) or ""
    with transaction.atomic():
        record = TrainingRecord.objects.create(
            organisation_id=person.organisation_id,
            person=person,
            kind=kind,
            course=course,
            provider=provider,
            completed_on=completed_on,
            recorded_by=by,
            recorded_on=on,
        )
        audit_event(
            actor=by,
            action="quality_training.record",
            obj=record,
            organisation_id=person.organisation_id,
            acting_as=standing,
            detail={"person": person.pk, "kind": kind, "completed_on": completed_on.isoformat()},
        )
        touch_supervisors(person.pk)  # supervision training completed
    return record


__all__ = ["TEXT_MAX", "observation_record", "observation_respond", "training_record"]
