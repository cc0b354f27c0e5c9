"""The capacity page's form (GET): the quarter, the assumptions, and a what-if (one rule's
frequency changed, one supervisee moved). Nothing it asks for is saved: the page recomputes.
Every bad value gets a message naming the field; what was typed is kept."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from django import forms

from oversight.forms import govukify
from oversight.policy.capacity import Assumptions, FrequencyChange, Move, WhatIf, next_quarter, parse_quarter
from oversight.policy.pack import Period, PolicyPack

from .selectors import Planning

# How each field is named in an error message ("Share of hours: ensure this value ...").
FIELD_NAMES = {
    "quarter": "Quarter",
    "share": "Share of hours",
    "case_review_minutes": "Minutes per case review",
    "rule": "Rule",
    "every": "Every",
    "unit": "Unit",
    "supervisee": "Supervisee",
    "to_supervisor": "To this supervisor",
}
UNITS = [("weeks", "weeks"), ("months", "months"), ("calendar_months", "calendar months"), ("days", "days")]


class CapacityForm(forms.Form):
    quarter = forms.CharField(
        label="Quarter", required=False, max_length=7, help_text="For example 2026-Q2. Empty: next quarter."
    )
    share = forms.DecimalField(
        label="Share of contracted hours available for supervision (%)",
        required=False,
        min_value=Decimal(1),
        max_value=Decimal(100),
        decimal_places=1,
        help_text="The policies do not say; the council's setting is used when empty.",
    )
    case_review_minutes = forms.IntegerField(
        label="Minutes per child's case review", required=False, min_value=0, max_value=240
    )
    rule = forms.ChoiceField(label="What if this rule's frequency changed", required=False)
    every = forms.IntegerField(label="to every", required=False, min_value=1, max_value=104)
    unit = forms.ChoiceField(label="Unit", required=False, choices=UNITS)
    supervisee = forms.ChoiceField(label="What if this supervisee moved", required=False)
    to_supervisor = forms.ChoiceField(label="to this supervisor", required=False)

    def __init__(self, data: Any, *, pack: PolicyPack, planning: Planning, today: date, defaults: Assumptions):
        super().__init__(data)
        self.today = today
        self.defaults = defaults
        rules = [(r.id, f"{r.id} ({r.source})") for r in [*pack.supervision, *pack.case_review]]
        # self.fields is typed as plain Fields: these are ChoiceFields (declared above).
        self.fields["rule"].choices = [("", "No change"), *rules]  # type: ignore[attr-defined]
        self.fields["supervisee"].choices = [("", "No move"), *((s.id, s.name) for s in planning.supervisees)]  # type: ignore[attr-defined]
        self.fields["to_supervisor"].choices = [("", "Choose"), *((s.id, s.name) for s in planning.supervisors)]  # type: ignore[attr-defined]
        self.fields["share"].widget.attrs["placeholder"] = f"{defaults.share * 100:g}"
        self.fields["case_review_minutes"].widget.attrs["placeholder"] = str(defaults.case_review_minutes)
        govukify(self)

    def clean_quarter(self) -> tuple[date, date]:
        text = self.cleaned_data.get("quarter") or ""
        if not text.strip():
            return next_quarter(self.today)
        try:
            return parse_quarter(text)
        except ValueError as exc:
            raise forms.ValidationError(str(exc)) from None

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        rule, every = data.get("rule"), data.get("every")
        if rule and every is None and "every" not in self.errors:
            self.add_error("every", "enter how often, a whole number, for the rule you chose")
        if every is not None and not rule:
            self.add_error("rule", "choose the rule whose frequency changes")
        supervisee, to = data.get("supervisee"), data.get("to_supervisor")
        if supervisee and not to:
            self.add_error("to_supervisor", "choose who would supervise them")
        if to and not supervisee:
            self.add_error("supervisee", "choose who moves")
        if supervisee and to and supervisee == to:
            self.add_error("to_supervisor", "a person cannot supervise themselves")
        return data

    def full_clean(self) -> None:
        super().full_clean()
        for name, errors in list(self.errors.items()):
            named = FIELD_NAMES.get(name)
            if named:
                self.errors[name] = self.error_class(
                    [f"{named}: {text[:1].lower()}{text[1:]}" for text in map(str, errors)]
                )

    def assumptions(self) -> Assumptions:
        data = self.cleaned_data
        share = data.get("share")
        minutes = data.get("case_review_minutes")
        return Assumptions(
            share=float(share) / 100 if share is not None else self.defaults.share,
            default_minutes=self.defaults.default_minutes,
            case_review_minutes=minutes if minutes is not None else self.defaults.case_review_minutes,
        )

    def what_if(self) -> WhatIf:
        data = self.cleaned_data
        frequencies: tuple[FrequencyChange, ...] = ()
        if data.get("rule") and data.get("every"):
            period = Period(**{data.get("unit") or "weeks": data["every"]})
            frequencies = (FrequencyChange(data["rule"], period),)
        moves: tuple[Move, ...] = ()
        if data.get("supervisee") and data.get("to_supervisor"):
            moves = (Move(data["supervisee"], data["to_supervisor"]),)
        return WhatIf(frequencies=frequencies, moves=moves)
