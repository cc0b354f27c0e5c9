"""The dashboards' filters: team, role, kind and dates, from GET parameters; and the bucket a
drill-down narrows to. Every bad value gets a message naming the field."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from typing import Any

from django import forms

from oversight.forms import govukify
from oversight.people.models import Team
from oversight.sessions.models import Session

from .scope import Scope

MONTH = re.compile(r"^\d{4}-(0[1-9]|1[0-2])$")
LONGEST_RANGE_DAYS = 366 * 6
SESSION_KINDS = [k for k, _ in Session.Kind.choices]
CHILD_STATUSES = ["cin", "cp", "cla", "cla_matched", "sixteen_plus", "care_leaver", "early_help"]
OBLIGATION_KINDS = [
    "supervision",
    "case_review",
    "agreement",
    "agreement_review",
    "record_shared",
    "record_signed",
    "record_response",
    "case_direction",
    "rearrange",
    "observation",
    "asye_review",
    "absence_cover",
    "ratio",
    "file",
]
STATUSES = [
    "overdue",
    "upcoming",
    "pending",
    "met",
    "late",
    "deemed_agreed",
    "exceeded",
    "ok",
    "short",
    "needs_cover",
    "shared",
    "agreed",
    "disputed",
]
WHO_CANCELLED = ["supervisor", "supervisee", "someone_else", "not_recorded"]


def months_back(today: date, months: int) -> date:
    """The first day of the month ``months`` before ``today``'s month."""
    index = today.year * 12 + today.month - 1 - months
    return date(index // 12, index % 12 + 1, 1)


def _choices(values: list[str]) -> list[tuple[str, str]]:
    return [("", "Any")] + [(v, v.replace("_", " ").capitalize()) for v in values]


class FilterForm(forms.Form):
    """The filters every dashboard page takes (GET)."""

    team = forms.TypedChoiceField(label="Team", required=False, coerce=int, empty_value=None)
    role = forms.ChoiceField(label="Role", required=False)
    kind = forms.ChoiceField(label="Kind of supervision", required=False, choices=_choices(SESSION_KINDS))
    start = forms.DateField(
        label="From",
        required=False,
        input_formats=["%Y-%m-%d"],
        help_text="For example, 2026-01-31",
        error_messages={"invalid": "From must be a real date, written like 2026-01-31"},
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    end = forms.DateField(
        label="To",
        required=False,
        input_formats=["%Y-%m-%d"],
        help_text="For example, 2026-12-31",
        error_messages={"invalid": "To must be a real date, written like 2026-12-31"},
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    # The bucket a drill-down lists (set by the links on each figure's table).
    ob_kind = forms.ChoiceField(label="Obligation", required=False, choices=_choices(OBLIGATION_KINDS))
    session_kind = forms.ChoiceField(label="Session kind", required=False, choices=_choices(SESSION_KINDS))
    status = forms.ChoiceField(label="Status", required=False, choices=_choices(STATUSES))
    child_status = forms.ChoiceField(label="Child status", required=False, choices=_choices(CHILD_STATUSES))
    month = forms.CharField(label="Month", required=False, max_length=7)
    on_time = forms.ChoiceField(label="On time", required=False, choices=[("", "Any"), ("yes", "Yes"), ("no", "No")])
    reason = forms.ChoiceField(label="Reason", required=False, choices=_choices([r for r, _ in Session.Reason.choices]))
    who = forms.ChoiceField(label="Cancelled by", required=False, choices=_choices(WHO_CANCELLED))
    supervisor = forms.IntegerField(label="Supervisor", required=False, min_value=1)
    rule = forms.ChoiceField(label="Rule", required=False)  # the pack's rule ids (set per scope)

    FILTERS = ("team", "role", "kind", "start", "end")
    BUCKET = (
        "ob_kind",
        "session_kind",
        "status",
        "child_status",
        "month",
        "on_time",
        "reason",
        "who",
        "supervisor",
        "rule",
    )

    def __init__(self, data: object, *, scope: Scope, teams: list[Team], today: date) -> None:
        super().__init__(data)  # type: ignore[arg-type]
        self.today = today
        # self.fields is typed as plain Fields: these are ChoiceFields (declared above).
        self.fields["team"].choices = [("", "All teams")] + [(t.pk, t.name) for t in teams]  # type: ignore[attr-defined]
        self.fields["team"].error_messages["invalid_choice"] = "Team must be one of the teams listed"
        roles = scope.organisation.pack.roles
        self.fields["role"].choices = [("", "All roles")] + [(r, r.replace("_", " ").capitalize()) for r in roles]  # type: ignore[attr-defined]
        self.fields["kind"].choices = [("", "All kinds")] + _choices(SESSION_KINDS)[1:]  # type: ignore[attr-defined]
        self.fields["rule"].choices = [("", "Any")] + [(r.id, r.id) for r in scope.organisation.pack.all_rules()]  # type: ignore[attr-defined]
        names = (
            "role",
            "kind",
            "ob_kind",
            "session_kind",
            "status",
            "child_status",
            "on_time",
            "reason",
            "who",
            "rule",
        )
        for name in names:
            label = self.fields[name].label
            self.fields[name].error_messages["invalid_choice"] = f"{label} must be one of the values listed"
        self.fields["supervisor"].error_messages["invalid"] = "Supervisor must be a whole number"
        govukify(self)

    def clean_month(self) -> str:
        value: str = self.cleaned_data.get("month") or ""
        if value and not MONTH.match(value):
            raise forms.ValidationError("Month must be a year and month, written like 2026-03")
        return value

    def clean(self) -> dict[str, object]:
        data = super().clean() or {}
        start, end = data.get("start"), data.get("end")
        if "start" in data and "end" in data:
            end = end or self.today
            start = start or months_back(end, 11)
            if start > end:
                self.add_error("start", "From must be on or before To")
            elif (end - start).days > LONGEST_RANGE_DAYS:
                self.add_error("start", "From must be no more than 6 years before To")
            data["start"], data["end"] = start, end
        return data


@dataclass(frozen=True)
class Filters:
    """Validated filters and bucket, as the selectors take them."""

    start: date
    end: date
    team: int | None = None
    role: str = ""
    kind: str = ""
    ob_kind: str = ""
    session_kind: str = ""
    status: str = ""
    child_status: str = ""
    month: str = ""
    on_time: str = ""
    reason: str = ""
    who: str = ""
    supervisor: int | None = None
    rule: str = ""

    @classmethod
    def default(cls, today: date) -> Filters:
        return cls(start=months_back(today, 11), end=today)

    @classmethod
    def from_form(cls, form: FilterForm) -> Filters:
        data = form.cleaned_data
        values: dict[str, Any] = {
            name: data.get(name) or ("" if name not in ("team", "supervisor") else None)
            for name in (*FilterForm.FILTERS, *FilterForm.BUCKET)
        }
        return cls(**values)

    def query(self, *, bucket: bool = False) -> dict[str, str]:
        """The filters (and the bucket, if asked) as GET parameters, empty ones left out."""
        names = (*FilterForm.FILTERS, *(FilterForm.BUCKET if bucket else ()))
        out: dict[str, str] = {}
        for name in names:
            value = getattr(self, name)
            if value in ("", None):
                continue
            out[name] = value.isoformat() if isinstance(value, date) else str(value)
        return out

    @property
    def month_range(self) -> tuple[date, date] | None:
        if not self.month:
            return None
        year, month = (int(x) for x in self.month.split("-"))
        first = date(year, month, 1)
        following = date(year + month // 12, month % 12 + 1, 1)
        return first, following
