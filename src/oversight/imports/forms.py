from __future__ import annotations

from typing import Any

from django import forms

from oversight.forms import govukify

from .models import ImportUpload
from .reading import MAX_BYTES


class UploadForm(forms.Form):
    kind = forms.ChoiceField(
        label="What is the file?",
        choices=[("", "Choose what the file is"), *ImportUpload.Kind.choices],
        error_messages={
            "required": "Choose what the file is: an HR export or a caseload",
            "invalid_choice": "Choose what the file is: an HR export or a caseload",
        },
    )
    file = forms.FileField(
        label="Upload a file",
        help_text=f"A CSV file (UTF-8 or Windows-1252), at most {MAX_BYTES // 1024 // 1024} MB. "
        "Nothing changes until you have seen what it would do and confirmed it.",
        widget=forms.FileInput(attrs={"class": "govuk-file-upload", "accept": ".csv,text/csv"}),
        error_messages={"required": "Select a CSV file", "empty": "The selected file is empty"},
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        govukify(self)
        if self.is_bound and "file" in self.errors:
            self.fields["file"].widget.attrs["class"] = "govuk-file-upload govuk-file-upload--error"

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if upload.size > MAX_BYTES:
            raise forms.ValidationError(
                f"The selected file is {upload.size / 1024 / 1024:.1f} MB: it must be smaller than "
                f"{MAX_BYTES // 1024 // 1024} MB. Split it into smaller files"
            )
        return upload
