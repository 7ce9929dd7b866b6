"""The bulk onboarding page's forms (ADR 0022, "The page"): the people file to preview,
and the preview's "Apply these changes", which carries only the file's digest and name.
The file's rows are accounts.services_onboarding's to read and judge."""

from typing import Any

from django import forms
from django.core.files.uploadedfile import UploadedFile

from accounts.forms_organisation import OrganisationChoiceForm
from accounts.onboarding_file import COLUMNS

PEOPLE_FILE_MAX_BYTES = 5 * 1024 * 1024
PEOPLE_FILE_TYPES = (".csv", ".xlsx")
ACCEPTED_PEOPLE_FILES = (
    ".csv,.xlsx,text/csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
)
FILENAME_MAX = 255
AGAIN = "This preview has expired; upload the file again."


class PeopleFileForm(OrganisationChoiceForm):
    file = forms.FileField(
        label="People file (CSV or XLSX)",
        max_length=FILENAME_MAX,
        widget=forms.FileInput(attrs={"accept": ACCEPTED_PEOPLE_FILES}),
        help_text="One person a row, under a first row naming the columns: "
        + ", ".join(COLUMNS.values())
        + f". Manager, start date and leaving date may be left empty. At most "
        f"{PEOPLE_FILE_MAX_BYTES // (1024 * 1024)} MB.",
        error_messages={
            "required": "Choose a CSV or XLSX file of people to upload.",
            "invalid": "Choose the file again.",
            "missing": "Choose the file again.",
            "empty": "The file is empty: choose the file with the people in it.",
            "max_length": f"Rename the file to {FILENAME_MAX} characters or fewer.",
        },
    )
    field_order = ["file", "organisation"]

    def clean_file(self) -> UploadedFile:
        upload: UploadedFile = self.cleaned_data["file"]
        if not (upload.name or "").lower().endswith(PEOPLE_FILE_TYPES):
            raise forms.ValidationError(
                "The file must be a CSV (.csv) or an Excel workbook (.xlsx).", code="type"
            )
        if (upload.size or 0) > PEOPLE_FILE_MAX_BYTES:
            raise forms.ValidationError(
                f"The file is larger than {PEOPLE_FILE_MAX_BYTES // (1024 * 1024)} MB; "
                "split it into smaller files.",
                code="size",
            )
        return upload


class ApplyForm(OrganisationChoiceForm):
    """What the preview's button sends back: which file (by digest) to apply, and where."""

    digest = forms.RegexField(regex=r"^[0-9a-f]{64}$", widget=forms.HiddenInput)
    filename = forms.CharField(max_length=FILENAME_MAX, required=False, widget=forms.HiddenInput)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if "organisation" in self.fields:
            self.fields["organisation"].widget = forms.HiddenInput()
