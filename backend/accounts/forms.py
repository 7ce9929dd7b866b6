"""Forms for signing in, resetting a password, and people's names in the admin."""

from typing import Any

from django import forms
from django.conf import settings
from django.contrib.auth import forms as auth_forms

from accounts import identity
from accounts.models import IdentityProvider, User
from core.names import normalise_name

# The sign-in page's second button: go to the organisation's own provider (ADR 0024).
PROVIDER_BUTTON = "organisation_account"


class EmailAuthenticationForm(auth_forms.AuthenticationForm):
    """Sign in by email address; labels and autocomplete tokens suit password managers.

    With the organisation's-account button (`provider_wanted`), only the email address is
    read: its domain chooses the organisation's provider (`self.provider`), and nothing is
    authenticated here. A person all of whose organisations turned password sign-in off is
    refused a password sign-in, pointed at that button."""

    def __init__(self, *args: Any, provider_wanted: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.provider_wanted = provider_wanted
        self.provider: IdentityProvider | None = None
        self.fields["password"].required = not provider_wanted
        self.fields["username"].label = "Email address"
        # Focus starts in the email box, unless the form came back with errors: then it
        # starts on the error summary (static/js/error-summary.js).
        self.fields["username"].widget = forms.EmailInput(
            attrs={"autocomplete": "email", "autofocus": not self.is_bound, "spellcheck": "false"}
        )
        self.fields["password"].widget.attrs["autocomplete"] = "current-password"
        self.fields["username"].error_messages["required"] = "Enter your email address."
        self.fields["username"].error_messages["max_length"] = (
            "Enter the email address you sign in with."
        )
        self.fields["password"].error_messages["required"] = "Enter your password."
        self.error_messages["invalid_login"] = (
            "That email address and password do not match an account. "
            "Check both and try again, or reset your password."
        )

    def clean(self) -> dict[str, Any]:
        if not self.provider_wanted:
            return super().clean()
        email = self.cleaned_data.get("username") or ""
        if email:
            self.provider = identity.provider_for_email(email)
            if self.provider is None:
                raise forms.ValidationError(
                    "No organisation signs in people at %(domain)s with its own account in "
                    "Hearth. Enter your password and choose Sign in.",
                    code="no_provider",
                    params={"domain": identity.email_domain(email) or "that address"},
                )
        return self.cleaned_data

    def confirm_login_allowed(self, user: Any) -> None:
        super().confirm_login_allowed(user)
        if isinstance(user, User) and identity.password_sign_in_refused(user):
            raise forms.ValidationError(
                "Your organisation signs you in with its own account, not a password. "
                "Choose “Use your organisation's account” instead.",
                code="password_sign_in_off",
            )


class HearthPasswordResetForm(auth_forms.PasswordResetForm):
    """Send reset links that point at the configured site address."""

    email = forms.EmailField(
        label="Email",
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
        error_messages={
            "required": "Enter the email address you sign in with.",
            "invalid": "Enter an email address in the right form, like name@example.com.",
            "max_length": "Enter the email address you sign in with.",
        },
    )

    def save(self, *args: Any, **kwargs: Any) -> None:
        site = settings.SITE_URL
        kwargs.setdefault("domain_override", site.split("://", 1)[-1])
        kwargs.setdefault("use_https", site.startswith("https://"))
        super().save(*args, **kwargs)


class HearthSetPasswordForm(auth_forms.SetPasswordForm[User]):
    """Set a new password from an emailed link, with Hearth's words for what is missing."""

    error_messages = {
        **auth_forms.SetPasswordForm.error_messages,
        "password_mismatch": "The two passwords are not the same: type the new password "
        "again in both boxes.",
    }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["new_password1"].error_messages["required"] = "Enter a new password."
        self.fields["new_password2"].error_messages["required"] = "Enter the new password again."


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
