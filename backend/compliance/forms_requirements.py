"""Forms of the requirements pages: an org admin's edit of one requirement, the grace
period for new starters, and adopting a starter definition. They only shape input (in
Hearth's words); compliance.services_requirements owns the rules and says which field a
refusal belongs to."""

from typing import Any, cast

from django import forms
from django.db.models import QuerySet

from accounts.models import Role, Team
from compliance.services_requirements import (
    GRACE_DAYS_MAX,
    NOTES_MAX,
    RENEWAL_MONTHS_MAX,
    TITLE_MAX,
    WINDOW_DAYS_MAX,
)
from core.forms import RefusableForm
from training.models import Module


def _whole_number(label: str, most: int, help_text: str, what: str) -> forms.IntegerField:
    between = f"Enter a number of {what} from 0 to {most}."
    return forms.IntegerField(
        label=label,
        min_value=0,
        max_value=most,
        help_text=help_text,
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
        error_messages={
            "required": f"Enter a number of {what}, 0 to {most}.",
            "invalid": f"Enter the number of {what} as a whole number, like 12.",
            "min_value": between,
            "max_value": between,
        },
    )


class ModuleField(forms.ModelChoiceField[Module]):
    def label_from_instance(self, obj: Module) -> str:
        return obj.current_version.title if obj.current_version else obj.slug


class TeamField(forms.ModelChoiceField[Team]):
    def label_from_instance(self, obj: Team) -> str:
        return obj.name


class RequirementForm(RefusableForm):
    """One requirement of the organisation, as its org admin edits it."""

    title = forms.CharField(
        label="Title",
        required=False,
        max_length=TITLE_MAX,
        help_text="What people and inspectors call it. Leave empty to use the module's title.",
        error_messages={"max_length": f"Keep the title to {TITLE_MAX} characters or fewer."},
    )
    module = ModuleField(
        queryset=Module.objects.none(),
        label="Module that meets it",
        required=False,
        empty_label="No module: met by training recorded elsewhere",
        help_text="Completing it meets the requirement, and people are enrolled in it again "
        "when renewal opens. Training done elsewhere, once recorded, meets it too.",
        error_messages={"invalid_choice": "Choose a module from the list, or none."},
    )
    renewal_months = _whole_number(
        "Renew every (months)",
        RENEWAL_MONTHS_MAX,
        "How long a completion stays valid. 0: once is enough, it never expires.",
        "months",
    )
    window_days = _whole_number(
        "Renewal opens (days before expiry)",
        WINDOW_DAYS_MAX,
        "People are enrolled again, and it shows as due soon, this many days before it expires.",
        "days",
    )
    team = TeamField(
        queryset=Team.objects.none(),
        label="Team",
        required=False,
        empty_label="The whole organisation",
        error_messages={"invalid_choice": "Choose one of your teams, or the whole organisation."},
    )
    role = forms.ChoiceField(
        label="Role",
        required=False,
        choices=[("", "Every role"), *Role.choices],
        error_messages={"invalid_choice": "Choose a role from the list, or every role."},
    )
    notes = forms.CharField(
        label="Notes",
        required=False,
        max_length=NOTES_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="For your organisation's admins: who delivers it, where the evidence is kept.",
        error_messages={"max_length": f"Keep the notes to {NOTES_MAX} characters or fewer."},
    )

    def __init__(
        self, *args: Any, modules: QuerySet[Module], teams: QuerySet[Team], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        cast(ModuleField, self.fields["module"]).queryset = modules
        cast(TeamField, self.fields["team"]).queryset = teams


class GraceDaysForm(RefusableForm):
    """The organisation's grace period for new starters."""

    grace_days = _whole_number(
        "Grace period for new starters (days)",
        GRACE_DAYS_MAX,
        "Days someone new (or anyone a new requirement applies to) has before required "
        "training counts as overdue.",
        "days",
    )


class AdoptForm(forms.Form):
    """Which starter definition to adopt, for which organisation (hidden fields)."""

    definition = forms.IntegerField(min_value=1, widget=forms.HiddenInput)
    organisation = forms.IntegerField(min_value=1, widget=forms.HiddenInput)
