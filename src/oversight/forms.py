"""Form pieces shared by every page: a GOV.UK date input and error helpers."""

from __future__ import annotations

from datetime import date
from typing import Any

from django import forms
from django.http import HttpRequest, QueryDict

DATE_INCOMPLETE = "The date must include a day, month and year"


def posted(request: HttpRequest) -> QueryDict | None:
    """The form data of a POST, else None. Not ``request.POST or None``: an empty POST is
    still a submission, and must show its errors rather than a fresh form."""
    return request.POST if request.method == "POST" else None


class DateInputWidget(forms.MultiWidget):
    template_name = "includes/date_input.html"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__([forms.TextInput(), forms.TextInput(), forms.TextInput()], attrs)

    def decompress(self, value: Any) -> list[Any]:
        if isinstance(value, date):
            return [value.day, value.month, value.year]
        return [None, None, None]


class GovukDateField(forms.MultiValueField):
    """Day, month and year boxes (the GOV.UK date input); errors say which part is wrong."""

    widget = DateInputWidget
    default_error_messages = {"incomplete": DATE_INCOMPLETE}

    def __init__(self, **kwargs: Any) -> None:
        fields = (forms.CharField(), forms.CharField(), forms.CharField())
        super().__init__(fields=fields, require_all_fields=False, **kwargs)

    def compress(self, data_list: list[Any]) -> date | None:
        if not data_list or not any(data_list):
            return None
        day, month, year = (str(p or "").strip() for p in data_list)
        if not (day and month and year):
            missing = [name for name, part in (("day", day), ("month", month), ("year", year)) if not part]
            raise forms.ValidationError(f"The date must include a {' and '.join(missing)}")
        if not (day.isdigit() and month.isdigit() and year.isdigit()):
            raise forms.ValidationError("The date must be real numbers, for example 27 3 2026")
        if len(year) != 4:
            raise forms.ValidationError("The year must include 4 numbers")
        try:
            return date(int(year), int(month), int(day))
        except ValueError:
            raise forms.ValidationError("The date must be a real date") from None


def apply_service_error(form: forms.Form, field: str, message: str) -> None:
    """Put a ServiceError on the form, on its field where the form has one."""
    form.add_error(field if field in form.fields else None, message)


_CLASSES = {
    forms.TextInput: "govuk-input",
    forms.NumberInput: "govuk-input govuk-input--width-5",
    forms.TimeInput: "govuk-input govuk-input--width-5",
    forms.Textarea: "govuk-textarea",
    forms.Select: "govuk-select",
    forms.SelectMultiple: "govuk-select",
    forms.PasswordInput: "govuk-input govuk-input--width-20",
    forms.EmailInput: "govuk-input",
}


def govukify(form: forms.BaseForm) -> forms.BaseForm:
    """Give every widget its GOV.UK class and error state."""
    for name, field in form.fields.items():
        widget = field.widget
        css = next((c for kind, c in _CLASSES.items() if type(widget) is kind), "")
        if css:
            if form.is_bound and name in form.errors:
                css += " " + css.split()[0] + "--error"
            widget.attrs["class"] = css
    return form
