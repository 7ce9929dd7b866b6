"""The person record's required-training actions: record training done elsewhere,
recognise another organisation's Hearth certificate, mark exempt. They only shape input;
the rules are compliance.services' and certificates.services_recognition's."""

from django import forms

from competencies.evidence import EVIDENCE_MAX_BYTES
from compliance.models import RecordKind
from core.forms import RefusableForm

DATE_FORMATS = ["%Y-%m-%d", "%d/%m/%Y"]
DATE_ERRORS = {"invalid": "Enter a real date, for example 2026-03-27."}


def _date_widget() -> forms.DateInput:
    return forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class TrainingRecordForm(RefusableForm):
    """An external course, a face-to-face session or prior learning, with its evidence."""

    kind = forms.ChoiceField(
        label="What kind of training",
        choices=[
            (value, label)
            for value, label in RecordKind.choices
            if value != RecordKind.HEARTH_CERTIFICATE
        ],
        widget=forms.RadioSelect,
        error_messages={
            "required": "Choose what kind of training it was.",
            "invalid_choice": "Choose one of the kinds listed.",
        },
    )
    title = forms.CharField(
        label="Course or session",
        max_length=200,
        error_messages={
            "required": "Enter the course's name.",
            "max_length": "Shorten the name to 200 characters or fewer.",
        },
    )
    provider = forms.CharField(
        label="Provider",
        required=False,
        max_length=200,
        help_text="Who ran it, for example St John Ambulance. Optional.",
        error_messages={"max_length": "Shorten the provider to 200 characters or fewer."},
    )
    completed_on = forms.DateField(
        label="Completed on",
        input_formats=DATE_FORMATS,
        widget=_date_widget(),
        error_messages={"required": "Enter the day it was completed.", **DATE_ERRORS},
    )
    evidence_file = forms.FileField(
        label="Evidence",
        required=False,
        help_text=(
            "A certificate or attendance record: PDF, JPEG, PNG or Word, "
            f"up to {EVIDENCE_MAX_BYTES // (1024 * 1024)} MB. Optional."
        ),
        error_messages={
            "invalid": "Choose the file again.",
            "empty": "The file chosen is empty.",
            "missing": "Choose the file again.",
        },
    )
    notes = forms.CharField(
        label="Notes",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Anything the next reader should know, for example the course's level.",
        error_messages={"max_length": "Keep the notes to 2,000 characters or fewer."},
    )


class RecogniseForm(RefusableForm):
    """The verification code printed on another organisation's Hearth certificate."""

    code = forms.CharField(
        label="Verification code",
        max_length=300,
        help_text=(
            "The 20 letters and digits at the end of the certificate's verification "
            "address. You can paste the whole address."
        ),
        error_messages={
            "required": "Enter the code on the certificate.",
            "max_length": "That is longer than any verification address; check it.",
        },
    )


class ExemptForm(RefusableForm):
    """Excuse the person from the requirement until a day, and why."""

    ends_on = forms.DateField(
        label="Exempt until",
        input_formats=DATE_FORMATS,
        widget=_date_widget(),
        help_text="The last day the exemption holds; at most three years ahead.",
        error_messages={"required": "Enter the last day of the exemption.", **DATE_ERRORS},
    )
    reason = forms.CharField(
        label="Reason",
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Kept with the exemption, which the person's managers can see.",
        error_messages={"required": "Say why.", "max_length": "At most 500 characters."},
    )
