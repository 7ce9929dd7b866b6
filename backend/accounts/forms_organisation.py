"""The org admin's pages: a new API key's name, scope and organisation; a new team's name
and organisation. The rules are accounts.services' (api_key_create, team_create)."""

from collections.abc import Sequence
from typing import Any, cast

from django import forms

from accounts.models import KeyScope, Organisation
from core.forms import RefusableForm

KEY_NAME_MAX = 50
TEAM_NAME_MAX = 200


class OrganisationChoiceForm(RefusableForm):
    """A form whose record belongs to one of the admin's organisations: a choice when they
    administer several, else theirs without asking."""

    organisation = forms.TypedChoiceField(
        label="Organisation",
        coerce=int,
        error_messages={
            "required": "Choose the organisation.",
            "invalid_choice": "Choose one of your organisations.",
        },
    )

    def __init__(self, *args: Any, organisations: Sequence[Organisation], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.organisation_id = 0
        if len(organisations) == 1:
            del self.fields["organisation"]  # theirs, the only one
            self.organisation_id = organisations[0].pk
            return
        field = cast(forms.TypedChoiceField, self.fields["organisation"])
        field.choices = [(organisation.pk, organisation.name) for organisation in organisations]

    def chosen_organisation(self) -> int:
        """The organisation chosen, or the admin's only one."""
        return int(self.cleaned_data.get("organisation") or self.organisation_id)


class TeamForm(OrganisationChoiceForm):
    name = forms.CharField(
        label="Team name",
        max_length=TEAM_NAME_MAX,
        help_text="As people call it, for example “Hospital Discharge Team”.",
        error_messages={
            "required": "Name the team.",
            "max_length": f"Keep the name to {TEAM_NAME_MAX} characters or fewer.",
        },
    )
    field_order = ["name", "organisation"]


class APIKeyForm(OrganisationChoiceForm):
    name = forms.CharField(
        label="Name",
        max_length=KEY_NAME_MAX,
        help_text="What uses it, for example “Power BI” or “HR sync”, so you know which to revoke.",
        error_messages={
            "required": "Name the key.",
            "max_length": f"Keep the name to {KEY_NAME_MAX} characters or fewer.",
        },
    )
    scope = forms.ChoiceField(
        label="What it may do",
        choices=KeyScope.choices,
        initial=KeyScope.READ,
        widget=forms.RadioSelect,
        help_text="Read only suits reporting. Read and write can also make changes "
        "through the API, for example record training done elsewhere.",
        error_messages={
            "required": "Choose what the key may do.",
            "invalid_choice": "Choose read only, or read and write.",
        },
    )
    field_order = ["name", "scope", "organisation"]
