"""The forms: opening a survey, and answering questions (a survey's or a record's feedback).

Questions come from the council's data, so their form is built from them: each is shown as a
GOV.UK radios fieldset (a choice) or a textarea (words), with every error listed at once and
what was given kept."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django import forms
from django.http import QueryDict

from oversight.forms import GovukDateField, govukify

from .questions import TEXT_LIMIT, Question


class SurveyOpenForm(forms.Form):
    title = forms.CharField(
        label="Title (optional)",
        required=False,
        max_length=200,
        help_text="Leave empty to use the council's own name for the survey.",
    )
    opens_on = GovukDateField(
        label="Opens on",
        help_text="For example, 2 3 2026",
        error_messages={"required": "Enter the date the survey opens"},
    )
    closes_on = GovukDateField(
        label="Closes on",
        help_text="The last day answers are taken. At most 3 months on.",
        error_messages={"required": "Enter the date the survey closes"},
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        govukify(self)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        opens_on, closes_on = data.get("opens_on"), data.get("closes_on")
        if opens_on is None and "opens_on" not in self.errors:
            self.add_error("opens_on", "Enter the date the survey opens")
        if closes_on is None and "closes_on" not in self.errors:
            self.add_error("closes_on", "Enter the date the survey closes")
        return data


@dataclass(frozen=True)
class OptionRow:
    id: str
    label: str
    checked: bool


@dataclass(frozen=True)
class QuestionRow:
    """One question as the template draws it."""

    question: Question
    value: str
    error: str
    options: list[OptionRow]

    @property
    def field_id(self) -> str:
        return f"q-{self.question.id}"


def read_answers(questions: list[Question], posted: QueryDict) -> tuple[dict[str, str], dict[str, str]]:
    """What was given for each question, and an error for each question not answered right."""
    answers: dict[str, str] = {}
    errors: dict[str, str] = {}
    for question in questions:
        given = posted.get(question.id, "")
        if question.kind == "choice":
            given = given.strip()
            if given not in {o.id for o in question.options}:
                errors[question.id] = f"Choose an answer for ‘{question.text}’"
        elif len(given.strip()) > TEXT_LIMIT:
            errors[question.id] = f"‘{question.text}’ must be {TEXT_LIMIT} characters or fewer"
        answers[question.id] = given
    return answers, errors


def question_rows(questions: list[Question], values: dict[str, str], errors: dict[str, str]) -> list[QuestionRow]:
    return [
        QuestionRow(
            question=q,
            value=values.get(q.id, ""),
            error=errors.get(q.id, ""),
            options=[OptionRow(o.id, o.label, values.get(q.id) == o.id) for o in q.options],
        )
        for q in questions
    ]
