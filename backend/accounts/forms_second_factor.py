"""Forms of the second factor's pages: a code from the authenticator app (or a recovery
code), and whether to remember this device."""

from typing import Any

from django import forms
from django.conf import settings


class SetupCodeForm(forms.Form):
    """The first code from the app being set up."""

    code = forms.CharField(
        label="Code from your authenticator app",
        max_length=20,
        help_text="The 6-digit code the app shows for Hearth.",
        error_messages={
            "required": "Enter the 6-digit code your authenticator app shows for Hearth.",
            "max_length": "Enter the 6-digit code your authenticator app shows for Hearth.",
        },
        widget=forms.TextInput(
            attrs={
                "autocomplete": "one-time-code",
                "inputmode": "numeric",
                "spellcheck": "false",
                "class": "input--short",
            }
        ),
    )


class ChallengeForm(forms.Form):
    """A code from the app, or one recovery code; and whether to remember this device."""

    code = forms.CharField(
        label="Code",
        max_length=40,
        help_text="The 6-digit code your authenticator app shows for Hearth, or one of "
        "your recovery codes.",
        error_messages={
            "required": "Enter the 6-digit code from your authenticator app, or one of "
            "your recovery codes.",
            "max_length": "Enter the 6-digit code from your authenticator app, or one of "
            "your recovery codes.",
        },
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "spellcheck": "false", "autofocus": True}
        ),
    )
    remember = forms.BooleanField(required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        days = settings.SECOND_FACTOR_REMEMBER_DAYS
        self.fields["remember"].label = f"Remember this device for {days} days"
        self.fields[
            "remember"
        ].help_text = "Only on a device nobody else uses. Resetting your authenticator forgets it."
