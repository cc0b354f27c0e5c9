"""The forms of the quality-assurance pages. Questions and outcomes come from the council's tool
(oversight.quality.tools); radios and checkboxes are drawn by quality/includes/choices.html."""

from __future__ import annotations

from datetime import date
from typing import Any

from django import forms

from oversight.forms import GovukDateField, govukify
from oversight.people.models import Person

from .models import TrainingRecord
from .tools import AuditTool, ObservationGuide

TEXT_MAX = 20_000


def _outcome_choices(tool: AuditTool) -> list[tuple[str, str]]:
    return [(o.id, o.label) for o in tool.outcomes]


class PeopleChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Person) -> str:
        return f"{obj.name} ({obj.role_label.lower()})"


class AuditNewForm(forms.Form):
    supervisees = PeopleChoiceField(
        label="Whose supervision files to sample",
        help_text="Choose from the people this supervisor supervises now.",
        queryset=Person.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Choose at least one supervisee whose file to sample"},
    )

    def __init__(self, *args: Any, supervisees: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["supervisees"].queryset = supervisees  # type: ignore[attr-defined]
        govukify(self)


class AddFileForm(forms.Form):
    supervisee = forms.ModelChoiceField(
        label="Add another supervisee's file",
        queryset=Person.objects.none(),
        empty_label="Choose a supervisee",
        error_messages={"required": "Choose the supervisee whose file to add"},
    )

    def __init__(self, *args: Any, supervisees: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["supervisee"].queryset = supervisees  # type: ignore[attr-defined]
        govukify(self)


class AnswersForm(forms.Form):
    """One radio group and one comment per question of the council's tool: ``q-<id>``, ``c-<id>``."""

    def __init__(self, *args: Any, tool: AuditTool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.tool = tool
        for question in tool.questions:
            scale = tool.scale(question.scale)
            self.fields[f"q-{question.id}"] = forms.ChoiceField(
                label=question.text,
                help_text=f"{question.hint + ' ' if question.hint else ''}Source: {question.source}",
                choices=[(o.value, o.label) for o in scale.options],
                widget=forms.RadioSelect,
                required=False,
            )
            self.fields[f"c-{question.id}"] = forms.CharField(
                label="Comment (optional)",
                max_length=TEXT_MAX,
                required=False,
                widget=forms.Textarea(attrs={"rows": 2}),
            )
        govukify(self)

    def pairs(self) -> list[tuple[Any, Any]]:
        """(answer field, comment field) for each question, in the tool's order."""
        return [(self[f"q-{q.id}"], self[f"c-{q.id}"]) for q in self.tool.questions]

    def answers(self) -> dict[str, tuple[str, str]]:
        data = self.cleaned_data
        return {q.id: (data.get(f"q-{q.id}") or "", data.get(f"c-{q.id}") or "") for q in self.tool.questions}


class CompleteForm(forms.Form):
    outcome = forms.ChoiceField(
        label="Outcome of the audit",
        widget=forms.RadioSelect,
        error_messages={"required": "Choose the outcome of the audit"},
    )
    summary = forms.CharField(
        label="Summary: the good practice found and what requires development",
        max_length=TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 6}),
        error_messages={"required": "Write the summary: the good practice found and what requires development"},
    )

    def __init__(self, *args: Any, tool: AuditTool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["outcome"].choices = _outcome_choices(tool)  # type: ignore[attr-defined]
        govukify(self)


class ModerateForm(forms.Form):
    outcome = forms.ChoiceField(
        label="Moderated outcome",
        help_text="Agree with the auditor's outcome or change it; both are kept.",
        widget=forms.RadioSelect,
        error_messages={"required": "Choose the moderated outcome"},
    )
    note = forms.CharField(
        label="Moderation note",
        help_text="Needed when you change the outcome: say why.",
        max_length=TEXT_MAX,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )

    def __init__(self, *args: Any, tool: AuditTool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["outcome"].choices = _outcome_choices(tool)  # type: ignore[attr-defined]
        govukify(self)


class FindingForm(forms.Form):
    text = forms.CharField(
        label="Finding",
        max_length=TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Say what the audit found"},
    )
    action = forms.CharField(
        label="Action",
        max_length=TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": "Say what action is to be taken"},
    )
    owner = forms.ModelChoiceField(
        label="Who",
        queryset=Person.objects.none(),
        empty_label="Choose who",
        error_messages={"required": "Choose who will take the action"},
    )
    due = GovukDateField(
        label="By when", help_text="For example, 27 3 2026", error_messages={"required": "Enter the date it is due by"}
    )

    def __init__(self, *args: Any, owners: list[Person], today: date, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.today = today
        self.fields["owner"].queryset = Person.objects.filter(pk__in=[p.pk for p in owners])  # type: ignore[attr-defined]
        govukify(self)

    def clean_due(self) -> date:
        due: date = self.cleaned_data["due"]
        if due < self.today:
            raise forms.ValidationError("The date it is due by must be today or in the future")
        return due


class ObservationForm(forms.Form):
    observed_on = GovukDateField(
        label="Date observed",
        help_text="For example, 27 3 2026",
        error_messages={"required": "Enter the date the supervision was observed"},
    )
    session: forms.ModelChoiceField = forms.ModelChoiceField(
        label="The session observed (optional)",
        queryset=None,
        required=False,
        empty_label="Not a session booked in Oversight",
    )
    elements = forms.MultipleChoiceField(
        label="What the observation covered", widget=forms.CheckboxSelectMultiple, required=False
    )
    strengths = forms.CharField(
        label="Strengths: areas of good practice",
        max_length=TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 5}),
        error_messages={"required": "Write the strengths seen: the areas of good practice"},
    )
    areas_to_develop = forms.CharField(
        label="Areas to develop",
        max_length=TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 5}),
        error_messages={"required": "Write the areas to develop, or say there are none"},
    )

    def __init__(self, *args: Any, sessions: Any, guide: ObservationGuide | None, today: date, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.today = today
        self.fields["session"].queryset = sessions  # type: ignore[attr-defined]
        self.fields["session"].label_from_instance = (  # type: ignore[attr-defined]
            lambda s: (
                f"{s.date:%d %b %Y} with {s.supervisee.name if s.supervisee_id else 'a group'} ({s.get_kind_display().lower()})"
            )
        )
        if guide is not None and guide.elements:
            self.fields["elements"].choices = [(e.id, e.label) for e in guide.elements]  # type: ignore[attr-defined]
            self.fields["elements"].help_text = f"As {guide.source} sets out."
        else:
            del self.fields["elements"]
        govukify(self)

    def clean_observed_on(self) -> date:
        on: date = self.cleaned_data["observed_on"]
        if on > self.today:
            raise forms.ValidationError("The date observed must be today or in the past")
        return on


class ResponseForm(forms.Form):
    response = forms.CharField(
        label="Your response to the observation",
        max_length=TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": "Write your response to the observation"},
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        govukify(self)


class TrainingForm(forms.Form):
    kind = forms.ChoiceField(
        label="Kind of training",
        choices=TrainingRecord.Kind.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose whether this was supervision training or a refresher"},
    )
    course = forms.CharField(
        label="Course name", max_length=200, error_messages={"required": "Enter the name of the course"}
    )
    provider = forms.CharField(
        label="Provider", max_length=200, error_messages={"required": "Enter who provided the training"}
    )
    completed_on = GovukDateField(
        label="Date completed",
        help_text="For example, 27 3 2026",
        error_messages={"required": "Enter the date the training was completed"},
    )

    def __init__(self, *args: Any, today: date, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.today = today
        govukify(self)

    def clean_completed_on(self) -> date:
        on: date = self.cleaned_data["completed_on"]
        if on > self.today:
            raise forms.ValidationError("The date completed must be today or in the past")
        return on
