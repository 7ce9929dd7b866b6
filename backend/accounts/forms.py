"""Forms for signing in, resetting a password, and people's names in the admin."""

from typing import Any

from django import forms
from django.conf import settings
from django.contrib.auth import forms as auth_forms

from accounts.models import User
from core.names import normalise_name


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


class PersonNameFields(forms.ModelForm[User]):
    """A person's name and job title as the admin saves them: normalised (core.names)."""

    def clean_full_name(self) -> str:
        full_name = normalise_name(self.cleaned_data.get("full_name") or "")
        if not full_name:
            raise forms.ValidationError("Enter the person's name.")
        return full_name

    def clean_job_title(self) -> str:
        return normalise_name(self.cleaned_data.get("job_title") or "")


class PersonChangeForm(PersonNameFields, auth_forms.UserChangeForm[User]):
    class Meta(auth_forms.UserChangeForm.Meta):
        model = User


class PersonCreationForm(PersonNameFields, auth_forms.UserCreationForm[User]):
    class Meta(auth_forms.UserCreationForm.Meta):
        model = User
        fields = ("email", "full_name")
