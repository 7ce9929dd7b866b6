"""The org admin's people pages: finding people, inviting one, changing a role or team,
deactivating. The rules are the services' (person_invite, membership_add,
membership_change, person_leave); these forms only read what was asked."""

from collections.abc import Sequence
from typing import Any, cast

from django import forms

from accounts.forms_organisation import OrganisationChoiceForm
from accounts.models import MembershipStatus, Role, Team
from core.forms import RefusableForm

NAME_MAX = 150
SEARCH_MAX = 100
ROLE_HELP = (
    "Learners and managers belong to a team; an assessor may work in one team or across "
    "the organisation; an org admin holds the whole organisation."
)


def _team_choices(teams: Sequence[Team], *, several_organisations: bool) -> list[tuple[str, str]]:
    def label(team: Team) -> str:
        return f"{team.organisation.name}: {team.name}" if several_organisations else team.name

    return [("", "No team")] + [(str(team.pk), label(team)) for team in teams]


class _TeamChoice:
    """A team field offering the given teams (none chosen means no team)."""

    def _offer_teams(self, teams: Sequence[Team], *, several_organisations: bool = False) -> None:
        field = cast(forms.TypedChoiceField, cast(forms.Form, self).fields["team"])
        field.choices = _team_choices(teams, several_organisations=several_organisations)

    def chosen_team(self) -> int | None:
        value = cast(forms.Form, self).cleaned_data.get("team")
        return int(value) if value else None


def _team_field(help_text: str = "") -> forms.TypedChoiceField:
    return forms.TypedChoiceField(
        label="Team",
        required=False,
        coerce=int,
        empty_value=None,
        help_text=help_text,
        error_messages={"invalid_choice": "Choose one of the organisation's teams."},
    )


def _role_field() -> forms.ChoiceField:
    return forms.ChoiceField(
        label="Role",
        choices=Role.choices,
        help_text=ROLE_HELP,
        error_messages={
            "required": "Choose a role.",
            "invalid_choice": "Choose one of the roles.",
        },
    )


class PeopleFilterForm(forms.Form):
    """What the people list shows: by name, email or employee number, team, role, status."""

    q = forms.CharField(
        label="Name, email or employee number",
        required=False,
        max_length=SEARCH_MAX,
        error_messages={"max_length": f"Search for {SEARCH_MAX} characters or fewer."},
    )
    team = _team_field()
    role = forms.ChoiceField(
        label="Role",
        required=False,
        choices=[("", "Any role"), *Role.choices],
        error_messages={"invalid_choice": "Choose one of the roles."},
    )
    status = forms.ChoiceField(
        label="Status",
        required=False,
        choices=[("", "Any status"), *MembershipStatus.choices],
        error_messages={"invalid_choice": "Choose active or invitation sent."},
    )

    def __init__(self, *args: Any, teams: Sequence[Team], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = cast(forms.TypedChoiceField, self.fields["team"])
        field.choices = [("", "Any team")] + [(str(team.pk), team.name) for team in teams]


class InviteForm(_TeamChoice, OrganisationChoiceForm):
    email = forms.EmailField(
        label="Work email",
        max_length=254,
        help_text="Hearth emails them a link to set a password, or, if they already use "
        "Hearth, asks them to accept.",
        error_messages={
            "required": "Enter their work email address.",
            "invalid": "Enter an email address like name@example.org.",
        },
    )
    full_name = forms.CharField(
        label="Full name",
        max_length=NAME_MAX,
        error_messages={
            "required": "Enter their name.",
            "max_length": f"Keep the name to {NAME_MAX} characters or fewer.",
        },
    )
    job_title = forms.CharField(
        label="Job title (optional)",
        required=False,
        max_length=NAME_MAX,
        error_messages={"max_length": f"Keep the job title to {NAME_MAX} characters or fewer."},
    )
    role = _role_field()
    team = _team_field()
    field_order = ["email", "full_name", "job_title", "role", "team", "organisation"]

    def __init__(self, *args: Any, teams: Sequence[Team], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._offer_teams(teams, several_organisations="organisation" in self.fields)
        self.fields["role"].initial = Role.LEARNER
        self._team_organisation = {team.pk: team.organisation_id for team in teams}

    def clean(self) -> dict[str, Any] | None:
        cleaned = super().clean()
        team = self.chosen_team() if "team" in self.cleaned_data else None
        if team is not None and self._team_organisation.get(team) != self.chosen_organisation():
            self.add_error("team", "Choose a team of the organisation you invite them to.")
        return cleaned


class MembershipForm(_TeamChoice, RefusableForm):
    """A role, and the team it is held in: to add one, or to change one."""

    role = _role_field()
    team = _team_field()

    def __init__(
        self, *args: Any, teams: Sequence[Team], explain: bool = True, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self._offer_teams(teams)
        if not explain:  # said once on the page, by the form that adds a role
            self.fields["role"].help_text = ""


class DeactivateForm(RefusableForm):
    confirm = forms.BooleanField(
        label="Yes, they have left: end their access now",
        error_messages={"required": "Tick the box to confirm they have left."},
    )
