"""Forms for signing in and resetting a password."""

from typing import Any

from django import forms
from django.conf import settings
from django.contrib.auth import forms as auth_forms


class EmailAuthenticationForm(auth_forms.AuthenticationForm):
    """Sign in by email address; labels and autocomplete tokens suit password managers."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["username"].label = "Email address"
        self.fields["username"].widget = forms.EmailInput(
            attrs={"autocomplete": "email", "autofocus": True, "spellcheck": "false"}
        )
        self.fields["password"].widget.attrs["autocomplete"] = "current-password"
        self.error_messages["invalid_login"] = (
            "That email address and password do not match an account. "
            "Check both and try again, or reset your password."
        )


class HearthPasswordResetForm(auth_forms.PasswordResetForm):
    """Send reset links that point at the configured site address."""

    def save(self, *args: Any, **kwargs: Any) -> None:
        site = settings.SITE_URL
        kwargs.setdefault("domain_override", site.split("://", 1)[-1])
        kwargs.setdefault("use_https", site.startswith("https://"))
        super().save(*args, **kwargs)
