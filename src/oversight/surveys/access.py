"""Who may do what with surveys and with feedback on a record, read off the one access policy
(oversight.access: the viewer's reach and their standing on a record). Everyone else gets a 404
that says nothing about whether the survey or the record exists.

- Manage a survey (open one, close it, read its results): a senior manager of the organisation
  (the ``senior_manager`` capability) or quality assurance in one of its services (the ``qa``
  capability): Leeds 4.16 and 4.19, Bristol 5.10. Results are aggregates only (selectors.py).
- Answer a survey: a member of the organisation's staff in supervision on the day (not left,
  and the supervisee of a current supervisory relationship), once.
- Give feedback on a record: its supervisee only (the standing ``supervisee`` on a one-to-one
  session), and only where the council's template asks for it. The supervisee and the
  supervisor who led the session read it on the record page.
"""

from __future__ import annotations

from datetime import date

from django.http import Http404

from oversight.access import policy
from oversight.access.reach import QA, SUPERVISEE, SUPERVISOR, Viewer, active_on
from oversight.access.standings import record_standing
from oversight.people.models import Person
from oversight.records.models import Record
from oversight.supervision.models import Relationship

from .models import Survey
from .questions import RecordFeedbackSpec, questions_for

FEEDBACK_READERS = frozenset({SUPERVISEE, SUPERVISOR})


def manages_surveys(viewer: Viewer, organisation_id: int | None) -> bool:
    """A senior manager or quality assurance of ``organisation_id``."""
    person = viewer.person
    if person is None or organisation_id is None or person.organisation_id != organisation_id:
        return False
    if person.left is not None and person.left < viewer.on:
        return False
    return organisation_id in viewer.reach.senior_manager_of or bool(viewer.reach.people[QA])


def in_supervision(person: Person, on: date) -> bool:
    """On the staff on ``on`` and the supervisee of a current supervisory relationship."""
    if person.started > on or (person.left is not None and person.left < on):
        return False
    return Relationship.objects.filter(active_on(on), supervisee=person).exists()


def staff_in_supervision(organisation_id: int, on: date) -> int:
    """How many of the organisation's staff were in supervision on ``on`` (the response rate's
    denominator)."""
    current = Relationship.objects.filter(active_on(on), organisation_id=organisation_id)
    supervisees = Person.objects.filter(pk__in=current.values("supervisee_id"), started__lte=on).exclude(left__lt=on)
    return supervisees.count()


def may_answer(viewer: Viewer, survey: Survey) -> bool:
    person = viewer.person
    return person is not None and person.organisation_id == survey.organisation_id and in_supervision(person, viewer.on)


def get_survey_to_manage(viewer: Viewer, pk: int) -> Survey:
    survey = Survey.objects.filter(pk=pk).select_related("organisation", "opened_by", "closed_by").first()
    if survey is None or not manages_surveys(viewer, survey.organisation_id):
        raise Http404("No such survey")
    return survey


def get_survey_to_answer(viewer: Viewer, pk: int) -> Survey:
    survey = Survey.objects.filter(pk=pk).select_related("organisation").first()
    if survey is None or not may_answer(viewer, survey):
        raise Http404("No such survey")
    return survey


def feedback_spec(record: Record) -> RecordFeedbackSpec | None:
    """The council's feedback questions, if its template for this record asks for feedback."""
    council = questions_for(record.session.organisation.policy_pack)
    return council.record_feedback if council.asks_feedback_on(record.template_id) else None


def get_record_for_feedback(viewer: Viewer, pk: int) -> tuple[Record, RecordFeedbackSpec]:
    """The record whose supervisee is the viewer, with the council's feedback questions; 404
    for everyone else and where the council's template asks for no feedback."""
    person = viewer.person
    record = (
        Record.objects.filter(pk=pk, session__supervisee_id=person.pk, session__organisation_id=person.organisation_id)
        .select_related("session__organisation", "session__supervisor", "session__supervisee")
        .first()
        if person is not None
        else None
    )
    if record is None or record_standing(viewer, record) != SUPERVISEE:
        raise Http404("No such record")
    spec = feedback_spec(record)
    if spec is None:
        raise Http404("This council's record asks for no feedback")
    record, _standing = policy.get_record_for(viewer, pk)  # the read, logged as every read is
    return record, spec


def reads_feedback(standing: str | None) -> bool:
    """The record page shows the feedback to the supervisee and the supervisor who led it."""
    return standing in FEEDBACK_READERS
