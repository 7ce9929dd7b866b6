"""The Provisioning page's form: a new token's name and organisation. The rules are
provisioning.services' (provisioning_token_create)."""

from django import forms

from accounts.forms_organisation import OrganisationChoiceForm

TOKEN_NAME_MAX = 50


class ProvisioningTokenForm(OrganisationChoiceForm):
    name = forms.CharField(
        label="Name",
        max_length=TOKEN_NAME_MAX,
        help_text="What uses it, for example “Entra ID” or “HR system”, so you know which "
        "to revoke.",
        error_messages={
            "required": "Name the token.",
            "max_length": f"Keep the name to {TOKEN_NAME_MAX} characters or fewer.",
        },
    )
    field_order = ["name", "organisation"]
