"""``{% record_feedback record standing %}``: the supervisee's feedback on the record page, for
the supervisee and the supervisor who led the session (access.reads_feedback), with the link
to give or change it for the supervisee while the record is not yet agreed."""

from __future__ import annotations

from typing import Any

from django import template

from oversight.records.models import Record

from ..access import feedback_spec, reads_feedback
from ..models import RecordFeedback
from ..selectors import feedback_answers
from ..services import LOCKED_STATUSES

register = template.Library()


@register.inclusion_tag("surveys/includes/record_feedback.html")
def record_feedback(record: Record, standing: str | None) -> dict[str, Any]:
    if not reads_feedback(standing) or record.session.supervisee_id is None:
        return {"show": False}
    spec = feedback_spec(record)
    if spec is None:
        return {"show": False}
    feedback = RecordFeedback.objects.filter(record=record).first()
    return {
        "show": True,
        "record": record,
        "spec": spec,
        "feedback": feedback,
        "answers": feedback_answers(record, feedback),
        "is_supervisee": standing == "supervisee",
        "editable": record.status not in LOCKED_STATUSES,
    }
