"""The forms of supervision file items, built from the council's kind: one input per question
(text and lists as text areas, dates as GOV.UK date inputs, choices as selects). Every error
message names the question it is about."""

from __future__ import annotations

from datetime import date
from typing import Any

from django import forms
from django.db.models import QuerySet
from django.forms.utils import ErrorList

from oversight.forms import GovukDateField, govukify
from oversight.people.models import Person
from oversight.sessions.models import Session
from oversight.supervision.models import Relationship

from .kinds import ItemField, Kind
from .services import TEXT_MAX_CHARS

DATE_HINT = "For example, 27 3 2026"


class NamedErrorsForm(forms.Form):
    """A form whose every field error starts with the field's label."""

    def full_clean(self) -> None:
        super().full_clean()
        for name in list(self.errors):
            self._name_errors(name)

    def _name_errors(self, name: str) -> None:
        field = self.fields.get(name)
        if field is None or not field.label:
            return
        label = str(field.label)
        errors = self.errors[name]
        self.errors[name] = ErrorList([str(e) if str(e).startswith(label) else f"{label}: {e}" for e in errors])

    def name_error(self, field: str, message: str) -> None:
        """Put a service's error on its field (if the form has it), named, else on the form."""
        target = field if field in self.fields else None
        self.add_error(target, message)
        if target is not None:
            self._name_errors(target)


def _question(question: ItemField) -> forms.Field:
    required = {"required": "this must be answered"}
    hint = question.hint or ""
    if question.type == "date":
        return GovukDateField(
            label=question.label,
            required=question.required,
            help_text=(hint + " " + DATE_HINT).strip(),
            error_messages=required,
        )
    if question.type == "choice":
        return forms.ChoiceField(
            label=question.label,
            required=question.required,
            choices=[("", "Choose one")] + [(c.value, c.label) for c in question.choices or ()],
            help_text=hint,
            error_messages={**required, "invalid_choice": "choose one of the options"},
        )
    rows = 5 if question.type == "text" else 4
    if question.type == "list" and not hint:
        hint = "One a line."
    return forms.CharField(
        label=question.label,
        required=question.required,
        max_length=TEXT_MAX_CHARS * (10 if question.type == "list" else 1),
        help_text=hint,
        widget=forms.Textarea(attrs={"rows": rows}),
        error_messages=required,
    )


class ItemForm(NamedErrorsForm):
    """The date of the item, the kind's questions and, for a preparation form, the session."""

    dated = True

    def __init__(
        self,
        *args: Any,
        kind: Kind,
        today: date,
        sessions: QuerySet[Session] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.kind = kind
        self.today = today
        self.add_leading_fields()
        if self.dated:
            self.fields["on"] = GovukDateField(
                label="Date",
                help_text=f"The date this is about. {DATE_HINT}",
                error_messages={"required": "enter the date"},
            )
        if kind.links_session and sessions is not None:
            self.fields["session"] = SessionChoiceField(
                label="For the session",
                queryset=sessions,
                required=False,
                empty_label="Not linked to a session",
                help_text="Your supervisor reads it before this session; it is shown in the pre-supervision pack.",
                error_messages={"invalid_choice": "choose one of your planned sessions"},
            )
        for question in kind.fields:
            self.fields[question.id] = _question(question)
        govukify(self)  # last: it reads the errors, which cleans a bound form

    def add_leading_fields(self) -> None:
        """Fields a kind of form asks before the date and the questions."""

    def clean_on(self) -> date:
        on: date = self.cleaned_data["on"]
        if on > self.today:
            raise forms.ValidationError("the date cannot be in the future")
        return on

    def content(self) -> dict[str, Any]:
        return {q.id: self.cleaned_data.get(q.id) for q in self.kind.fields if self.cleaned_data.get(q.id)}


class ChangeSupervisorItemForm(ItemForm):
    """A change of supervisor: which supervision ends, who supervises next and from when, with
    the evidence of what was tried first. Recorded on the day it is agreed (no date asked)."""

    dated = False

    def __init__(
        self, *args: Any, relationships: QuerySet[Relationship], colleagues: QuerySet[Person], **kwargs: Any
    ) -> None:
        self.relationships, self.colleagues = relationships, colleagues
        super().__init__(*args, **kwargs)

    def add_leading_fields(self) -> None:
        relationship = RelationshipChoiceField(
            label="The supervision that ends",
            queryset=self.relationships,
            empty_label="Choose the current supervisor",
            error_messages={
                "required": "choose the supervision that ends",
                "invalid_choice": "choose a current supervisor",
            },
        )
        self.fields["relationship"] = relationship
        self.fields["new_supervisor"] = forms.ModelChoiceField(
            label="New supervisor",
            queryset=self.colleagues,
            empty_label="Choose a colleague",
            error_messages={"required": "choose the new supervisor", "invalid_choice": "choose a colleague"},
        )
        self.fields["starts"] = GovukDateField(
            label="Date the new supervisor starts",
            help_text=f"The current supervision ends the day before. {DATE_HINT}",
            error_messages={"required": "enter the date the new supervisor starts"},
        )


class SessionChoiceField(forms.ModelChoiceField):
    """A planned session as the preparation form lists it: its day and its supervisor."""

    def label_from_instance(self, obj: Session) -> str:
        when = f"{obj.date:%A} {obj.date.day} {obj.date:%B %Y}"
        return f"{when} with {obj.supervisor.name} ({obj.get_kind_display().lower()})"


class RelationshipChoiceField(forms.ModelChoiceField):
    """A current supervisor and since when, as the change-of-supervisor form lists them."""

    def label_from_instance(self, obj: Relationship) -> str:
        kinds = f" ({', '.join(obj.kinds)})" if obj.kinds else ""
        return f"{obj.supervisor.name}, since {obj.start.day} {obj.start:%B %Y}{kinds}"


class EventForm(NamedErrorsForm):
    """A review (a note is required) or a step (a note is optional)."""

    on = GovukDateField(label="Date", help_text=DATE_HINT, error_messages={"required": "enter the date"})
    note = forms.CharField(
        label="Note", max_length=TEXT_MAX_CHARS, widget=forms.Textarea(attrs={"rows": 5}), required=False
    )

    def __init__(self, *args: Any, today: date, note_label: str, note_required: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.today = today
        self.fields["note"].label = note_label
        self.fields["note"].required = note_required
        self.fields["note"].error_messages["required"] = "write what was found"
        govukify(self)

    def clean_on(self) -> date:
        on: date = self.cleaned_data["on"]
        if on > self.today:
            raise forms.ValidationError("the date cannot be in the future")
        return on
