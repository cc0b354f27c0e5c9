"""The reminder preferences form: what to be told about, how far ahead, and where."""

from __future__ import annotations

from typing import Any

from django import forms

from .models import Channel, Topic
from .preferences import MAX_AHEAD_DAYS


class PreferenceForm(forms.Form):
    topics = forms.MultipleChoiceField(
        label="Tell me about",
        choices=Topic.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    ahead_days = forms.IntegerField(
        label="Days before a due date to remind me",
        required=False,
        min_value=0,
        max_value=MAX_AHEAD_DAYS,
        error_messages={
            "invalid": "Days ahead must be a whole number, like 7",
            "min_value": "Days ahead must be 0 or more",
            "max_value": f"Days ahead must be {MAX_AHEAD_DAYS} or fewer",
        },
    )
    channels = forms.MultipleChoiceField(
        label="How to tell me",
        choices=Channel.choices,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Choose at least one way to be told"},
    )

    def __init__(self, *args: Any, defaults_text: str = "", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["ahead_days"].widget.attrs.update(
            {"class": "govuk-input govuk-input--width-3", "inputmode": "numeric"}
        )
        self.fields["ahead_days"].help_text = defaults_text
