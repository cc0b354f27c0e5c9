"""Feedback and surveys' part of a subject access bundle (oversight.retention.subject_access):
the feedback the person gave on their supervision records, and the surveys they took part in.
Answers to anonymous surveys are held with no link to anyone (oversight.surveys.models), so no
one's answers can be found and none are included: the bundle says so."""

from __future__ import annotations

from oversight.people.models import Person
from oversight.retention.subject_access import Entry, Part, Redactor

from .models import RecordFeedback, SurveyParticipation
from .questions import questions_for


def part(person: Person, redactor: Redactor) -> Part:
    council = questions_for(person.organisation.policy_pack)
    spec = council.record_feedback
    by_id = {q.id: q for q in spec.questions} if spec is not None else {}
    entries = []
    for i, fb in enumerate(
        RecordFeedback.objects.filter(person=person).select_related("record__session").order_by("given_at", "pk")
    ):
        texts = []
        for key in [*by_id, *(k for k in fb.answers if k not in by_id)]:
            if key not in fb.answers:
                continue
            question = by_id.get(key)
            value = str(fb.answers[key] or "")
            shown = question.label_of(value) if question is not None and question.kind == "choice" else value
            texts.append((question.text if question is not None else key, redactor.text(shown, f"feedback[{i}].{key}")))
        entries.append(
            Entry(
                title=f"Your feedback on the record of {fb.record.session.date.isoformat()}",
                facts=[("Given", fb.given_at.date().isoformat()), ("Versions", str(fb.version))],
                texts=texts,
            )
        )
    for p in SurveyParticipation.objects.filter(person=person).select_related("survey").order_by("survey__opens_on"):
        entries.append(
            Entry(
                title=f"Survey taken part in: {p.survey.title}",
                facts=[("Open", f"{p.survey.opens_on.isoformat()} to {p.survey.closes_on.isoformat()}")],
            )
        )
    return Part(
        key="feedback_and_surveys",
        title="Your feedback and surveys",
        note="Feedback you gave on your supervision records, and the anonymous surveys you took part in. "
        "Survey answers are kept with no link to who gave them, so they cannot be found or included.",
        entries=entries,
    )
