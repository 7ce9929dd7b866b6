"""An org admin's identity settings (ADR 0024): the organisation's OpenID Connect
provider and whether its admins, managers and assessors must give a second factor. The
rules are accounts.services_sso's (identity_settings_save)."""

import ipaddress
import re
from typing import Any, cast
from urllib.parse import urlsplit

from django import forms

from accounts.models import IdentityProvider, Organisation, Team
from core.forms import RefusableForm

DOMAIN = re.compile(r"^(?=.{1,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$")


def _loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


class IdentitySettingsForm(RefusableForm):
    second_factor_required = forms.BooleanField(
        label="Ask admins, managers and assessors for a second factor",
        required=False,
        help_text="After their password they enter a code from an authenticator app.",
    )
    issuer = forms.URLField(
        label="Issuer URL",
        required=False,
        max_length=300,
        assume_scheme="https",
        help_text="Your provider's issuer, exactly as its ID tokens give it, for example "
        "https://login.microsoftonline.com/&lt;tenant&gt;/v2.0. Leave empty to turn single "
        "sign-on off.",
        error_messages={
            "invalid": "Enter the issuer as a web address, like https://id.example.org."
        },
    )
    client_id = forms.CharField(
        label="Client ID",
        required=False,
        max_length=300,
        help_text="The ID your provider gave Hearth when you registered it.",
    )
    client_secret = forms.CharField(
        label="Client secret",
        required=False,
        max_length=500,
        strip=False,
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "off"}),
        help_text="Never shown again once saved. Leave empty to keep the saved one.",
    )
    domains = forms.CharField(
        label="Email domains",
        required=False,
        max_length=2000,
        help_text="People with an address at these domains sign in through your provider. "
        "Separate them with commas or spaces, for example riverside-nhs.example.",
    )
    creates_people = forms.BooleanField(
        label="First sign-in may create a person",
        required=False,
        help_text="Someone your provider vouches for, new to Hearth, joins as a learner.",
    )
    default_team = forms.TypedChoiceField(
        label="Team new people join",
        required=False,
        coerce=int,
        empty_value=None,
        error_messages={"invalid_choice": "Choose one of your organisation's teams."},
    )
    password_sign_in = forms.BooleanField(
        label="People may also sign in with a password",
        required=False,
        help_text="Turned off, people whose organisations all sign in here must use single "
        "sign-on.",
    )
    provider_mfa_trusted = forms.BooleanField(
        label="Trust your provider's second factor",
        required=False,
        help_text="Not asked for a Hearth code after your provider asked for a second factor.",
    )

    def __init__(
        self,
        *args: Any,
        organisation: Organisation,
        provider: IdentityProvider | None,
        teams: list[Team],
        **kwargs: Any,
    ) -> None:
        initial: dict[str, Any]
        if provider is None:
            initial = {"password_sign_in": True, "provider_mfa_trusted": True}
        else:
            initial = {
                "issuer": provider.issuer,
                "client_id": provider.client_id,
                "domains": ", ".join(row.domain for row in provider.domains.all()),
                "creates_people": provider.creates_people,
                "default_team": provider.default_team_id,
                "password_sign_in": provider.password_sign_in,
                "provider_mfa_trusted": provider.provider_mfa_trusted,
            }
        initial["second_factor_required"] = organisation.second_factor_required
        kwargs["initial"] = initial
        super().__init__(*args, **kwargs)
        self.has_secret = bool(provider and provider.client_secret)
        field = cast(forms.TypedChoiceField, self.fields["default_team"])
        field.choices = [("", "No team chosen")] + [(team.pk, team.name) for team in teams]

    def clean_issuer(self) -> str:
        issuer = str(self.cleaned_data.get("issuer") or "")
        if issuer:
            parts = urlsplit(issuer)
            if parts.scheme != "https" and not _loopback(parts.hostname or ""):
                raise forms.ValidationError("The issuer must be an https:// address.")
        return issuer

    def clean_domains(self) -> list[str]:
        raw = str(self.cleaned_data.get("domains") or "")
        domains = sorted({part.lower().lstrip("@") for part in re.split(r"[\s,;]+", raw) if part})
        wrong = [domain for domain in domains if not DOMAIN.match(domain)]
        if wrong:
            raise forms.ValidationError(
                "These are not email domains: %(wrong)s. Enter domains like example.org.",
                params={"wrong": ", ".join(wrong)},
            )
        return domains

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if cleaned.get("issuer"):
            if not cleaned.get("client_id"):
                self.add_error("client_id", "Enter the client ID your provider gave Hearth.")
            if "domains" in cleaned and not cleaned["domains"]:
                self.add_error("domains", "List at least one email domain.")
            if cleaned.get("creates_people") and not cleaned.get("default_team"):
                self.add_error("default_team", "Choose the team new people join.")
        return cleaned
