"""Forms for agreements and for a change of supervisor."""

from __future__ import annotations

from datetime import date
from typing import Any

from django import forms
from django.db.models import QuerySet

from oversight.forms import GovukDateField, govukify
from oversight.people.models import Person
from oversight.policy.pack import Template

SECTION_MAX_CHARS = 10_000


# GovukDateField's own "must include a ..." message is never reached for a part-filled date:
# Django's MultiValueField stops first with its generic "Enter a complete value.".
def writable_sections(template: Template) -> list[Any]:
    """The sections the supervisor writes: all but the signature block, which is signed on the page."""
    return [s for s in template.sections if not s.signature]


class AgreementForm(forms.Form):
    """One textarea per section of the council's agreement template; field names are section ids."""

    def __init__(self, *args: Any, template: Template, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.template = template
        for section in writable_sections(template):
            hint = " · ".join(section.prompts)
            if section.confidential:
                hint = ("Confidential between the supervisor and the supervisee. " + hint).strip()
            self.fields[section.id] = forms.CharField(
                label=section.title,
                required=False,
                max_length=SECTION_MAX_CHARS,
                help_text=hint,
                widget=forms.Textarea(
                    attrs={"rows": 4, **({"aria-describedby": f"id_{section.id}-hint"} if hint else {})}
                ),
            )
        govukify(self)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not self.errors and not any((value or "").strip() for value in data.values()):
            first = next(iter(self.fields), None)
            self.add_error(first, "Write at least one section of the agreement")
        return data

    def content(self) -> dict[str, str]:
        """Section id -> text, without the sections left empty."""
        return {key: value.strip() for key, value in self.cleaned_data.items() if (value or "").strip()}


class AgreementReviewForm(forms.Form):
    on = GovukDateField(
        label="Date of the review",
        help_text="For example, 27 3 2026",
        error_messages={"required": "Enter the date of the review"},
    )
    notes = forms.CharField(
        label="What changed (optional)",
        required=False,
        max_length=SECTION_MAX_CHARS,
        widget=forms.Textarea(attrs={"rows": 4}),
    )

    def __init__(self, *args: Any, today: date, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.today = today
        govukify(self)

    def clean_on(self) -> date:
        on: date = self.cleaned_data["on"]
        if on > self.today:
            raise forms.ValidationError("The date of the review must be today or in the past")
        return on


class ChangeSupervisorForm(forms.Form):
    new_supervisor = forms.ModelChoiceField(
        label="New supervisor",
        queryset=Person.objects.none(),
        empty_label="Choose a colleague",
        error_messages={
            "required": "Choose the new supervisor",
            "invalid_choice": "Choose a colleague in your organisation",
        },
    )
    on = GovukDateField(
        label="Date the new supervisor starts",
        help_text="The current relationship ends the day before. For example, 27 3 2026",
        error_messages={"required": "Enter the date the new supervisor starts"},
    )

    def __init__(self, *args: Any, colleagues: QuerySet[Person], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["new_supervisor"].queryset = colleagues  # type: ignore[attr-defined]
        govukify(self)
