"""The erasure and retention pages' forms (issue 17), in Hearth's words."""

from django import forms

from core.forms import RefusableForm


class ErasureForm(RefusableForm):
    withhold_name = forms.BooleanField(
        required=False,
        initial=True,
        label="Withhold their name on the verify page of their certificates",
        help_text="Their certificates keep verifying; anyone checking one then sees "
        "“Name withheld at the holder's request”.",
    )
    confirm = forms.BooleanField(
        label="Yes, erase their personal data held by this organisation: this cannot be undone",
        error_messages={"required": "Tick the box to confirm the erasure."},
    )


class RetentionForm(RefusableForm):
    leaver_retention_months = forms.IntegerField(
        required=False,
        min_value=1,
        max_value=1200,
        label="Erase a leaver's records this many months after they leave",
        help_text="Leave empty to keep leavers' records until an org admin erases them.",
        error_messages={
            "invalid": "Enter a whole number of months, such as 24.",
            "min_value": "Enter at least 1 month, or leave it empty.",
            "max_value": "Enter at most 1200 months.",
        },
    )
    legal_hold_years = forms.IntegerField(
        min_value=0,
        max_value=100,
        initial=0,
        label="Legal hold: keep training records this many years after a person leaves",
        help_text="Any erasure asked for sooner waits until then (0: no hold).",
        error_messages={
            "required": "Enter the years of the legal hold (0 for none).",
            "invalid": "Enter a whole number of years, such as 6.",
            "min_value": "Enter 0 or more years.",
            "max_value": "Enter at most 100 years.",
        },
    )
    legal_hold_reason = forms.CharField(
        required=False,
        max_length=300,
        label="Reason for the legal hold, shown on postponed erasures",
        error_messages={"max_length": "Keep the reason to 300 characters or fewer."},
    )
