"""The sign-in form and the security code form, with GOV.UK error messages."""

from __future__ import annotations

import re
from typing import Any

from django import forms
from django.contrib.auth.forms import AuthenticationForm

from oversight.forms import govukify

WRONG_DETAILS = "Enter a correct username and password"


class SignInForm(AuthenticationForm):
    """Django's sign-in form with GOV.UK messages. One message for every wrong username or
    password, whether or not the username exists, so the form does not tell which."""

    error_messages = {
        "invalid_login": WRONG_DETAILS,
        "inactive": WRONG_DETAILS,  # never shown: ModelBackend refuses inactive users as wrong details
    }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["username"].error_messages["required"] = "Enter your username"
        self.fields["password"].error_messages["required"] = "Enter your password"
        self.fields["password"].strip = False  # type: ignore[attr-defined]  # a CharField; self.fields is typed Field

    def styled(self) -> SignInForm:
        """GOV.UK classes and error states, once the errors are known (just before rendering)."""
        govukify(self)
        for name in ("username", "password"):
            self.fields[name].widget.attrs["class"] += " govuk-!-width-two-thirds"
        self.fields["username"].widget.attrs.pop("autofocus", None)  # GOV.UK: do not move focus on load
        self.fields["username"].widget.attrs["spellcheck"] = "false"
        return self


class SecurityCodeForm(forms.Form):
    """The 6-digit code an authenticator app shows; spaces and dashes are let through."""

    code = forms.CharField(
        label="Security code",
        help_text="The 6-digit code your authenticator app shows for Oversight",
        max_length=20,
        error_messages={"required": "Enter the security code from your authenticator app"},
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "spellcheck": "false"}),
    )

    def styled(self) -> SecurityCodeForm:
        """GOV.UK classes and error states, once the errors are known (just before rendering)."""
        govukify(self)
        self.fields["code"].widget.attrs["class"] += " govuk-input--width-5 govuk-input--extra-letter-spacing"
        return self

    def clean_code(self) -> str:
        code = re.sub(r"[\s-]", "", self.cleaned_data["code"])
        if not re.fullmatch(r"\d{6}", code):
            raise forms.ValidationError("Enter the security code as 6 numbers")
        return code

    def wrong_code(self) -> None:
        self.add_error("code", "The security code is not right: enter the code your app shows now")

    def too_many_tries(self) -> None:
        self.add_error("code", "You have entered a wrong security code too many times: wait a minute, then try again")
