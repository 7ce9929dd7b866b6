"""API representations of people, organisations, teams, memberships and keys, and of
background jobs as their organisation's admins see them."""

import datetime
from typing import Any

from drf_spectacular.utils import OpenApiParameter, PolymorphicProxySerializer, extend_schema_field
from rest_framework import serializers

from accounts.models import (
    KeyScope,
    Membership,
    MembershipStatus,
    Organisation,
    OrganisationAPIKey,
    Role,
    Team,
    User,
)
from core.fields import TextField
from core.ids import MAX_ID
from core.models import Job, JobState
from core.openapi import AlwaysNullField


class OrganisationSerializer(serializers.ModelSerializer[Organisation]):
    class Meta:
        model = Organisation
        fields = ["id", "name", "slug", "sector"]


class TeamSerializer(serializers.ModelSerializer[Team]):
    organisation_name = serializers.CharField(source="organisation.name", read_only=True)

    class Meta:
        model = Team
        fields = ["id", "name", "organisation", "organisation_name"]
        read_only_fields = ["id", "organisation_name"]


class TeamCreateSerializer(serializers.Serializer[Team]):
    organisation = serializers.IntegerField(min_value=1, max_value=MAX_ID)
    name = TextField(max_length=200)


class MembershipSerializer(serializers.ModelSerializer[Membership]):
    user_name = serializers.SerializerMethodField(
        help_text="The account's own name once accepted; while pending, the name entered "
        "when inviting."
    )
    team_name = serializers.CharField(
        source="team.name", read_only=True, allow_null=True, default=None
    )
    status = serializers.ChoiceField(
        choices=MembershipStatus.choices,
        read_only=True,
        help_text="pending: invited, not yet accepted by the person (grants nothing).",
    )

    class Meta:
        model = Membership
        fields = ["id", "user", "user_name", "organisation", "team", "team_name", "role", "status"]
        read_only_fields = fields

    def get_user_name(self, membership: Membership) -> str:
        return membership.invited_full_name if membership.is_pending else membership.user.full_name


class MembershipCreateSerializer(serializers.Serializer[Membership]):
    user = serializers.IntegerField(min_value=1, max_value=MAX_ID)
    organisation = serializers.IntegerField(min_value=1, max_value=MAX_ID)
    team = serializers.IntegerField(min_value=1, max_value=MAX_ID, required=False, allow_null=True)
    role = serializers.ChoiceField(choices=Role.choices)


class PersonSerializer(serializers.ModelSerializer[User]):
    """A person as the caller may know them (accounts.people.people_visible_to): while
    every membership the caller can see is pending, the name and title it entered."""

    full_name = serializers.CharField(source="shown_full_name", read_only=True)
    job_title = serializers.CharField(source="shown_job_title", read_only=True)
    is_active = serializers.BooleanField(source="shown_is_active", read_only=True)
    status = serializers.ChoiceField(
        source="membership_status",
        choices=MembershipStatus.choices,
        read_only=True,
        help_text="pending: invited, and has neither accepted nor (new) set a password.",
    )

    class Meta:
        model = User
        fields = ["id", "email", "full_name", "job_title", "is_active", "status"]
        read_only_fields = fields


class PersonInviteSerializer(serializers.Serializer[User]):
    organisation = serializers.IntegerField(min_value=1, max_value=MAX_ID)
    email = serializers.EmailField()
    full_name = TextField(max_length=150)
    job_title = TextField(max_length=150, required=False, default="", allow_blank=True)
    role = serializers.ChoiceField(choices=Role.choices, default=Role.LEARNER)
    team = serializers.IntegerField(min_value=1, max_value=MAX_ID, required=False, allow_null=True)


class PersonInvitedSerializer(serializers.Serializer[dict[str, Any]]):
    """What an invitation answers: the membership made and what the caller sent, never
    anything stored of an account the address may already have (ADR 0012)."""

    membership = serializers.IntegerField(help_text="The membership the invitation added.")
    organisation = serializers.IntegerField()
    email = serializers.EmailField(help_text="As sent (lower-cased).")
    full_name = serializers.CharField(help_text="As sent.")
    job_title = serializers.CharField(help_text="As sent.", allow_blank=True)
    role = serializers.ChoiceField(choices=Role.choices)
    team = serializers.IntegerField(allow_null=True)


class MeMembershipSerializer(serializers.Serializer[Membership]):
    organisation = serializers.IntegerField(source="organisation_id")
    organisation_name = serializers.CharField(source="organisation.name")
    team = serializers.IntegerField(source="team_id", allow_null=True)
    team_name = serializers.CharField(source="team.name", allow_null=True, default=None)
    role = serializers.ChoiceField(choices=Role.choices)


class MeSerializer(serializers.Serializer[dict[str, Any]]):
    id = serializers.IntegerField(allow_null=True)
    email = serializers.EmailField(allow_null=True)
    full_name = serializers.CharField(allow_null=True)
    api_key = serializers.CharField(allow_null=True, help_text="The key's prefix, for key calls.")
    organisations = OrganisationSerializer(many=True)
    memberships = MeMembershipSerializer(many=True)
    can_write = serializers.BooleanField()


class APIKeySerializer(serializers.ModelSerializer[OrganisationAPIKey]):
    class Meta:
        model = OrganisationAPIKey
        fields = [
            "prefix",
            "name",
            "organisation",
            "scope",
            "created",
            "revoked",
            "revoked_at",
        ]
        read_only_fields = fields


class APIKeyCreateSerializer(serializers.Serializer[OrganisationAPIKey]):
    organisation = serializers.IntegerField(min_value=1, max_value=MAX_ID)
    name = TextField(max_length=50)
    scope = serializers.ChoiceField(choices=KeyScope.choices, default=KeyScope.READ)


class APIKeyCreatedSerializer(APIKeySerializer):
    key = serializers.CharField(help_text="The key itself. Shown this once; store it safely.")

    class Meta(APIKeySerializer.Meta):
        fields = [*APIKeySerializer.Meta.fields, "key"]
        read_only_fields = fields


class JobSerializer(serializers.ModelSerializer[Job]):
    """A background job that failed at least once, as its organisation's admins see it."""

    organisation = serializers.IntegerField(
        source="organisation_id", allow_null=True, read_only=True
    )
    state = serializers.ChoiceField(
        choices=JobState.choices,
        read_only=True,
        help_text="retrying: failed, will be tried again at next_attempt_at; gave_up: "
        "failed, retrying stopped until someone tries it again; done.",
    )
    next_attempt_at = serializers.SerializerMethodField(
        help_text="When it will next be tried, while it is retrying; else null."
    )

    class Meta:
        model = Job
        fields = [
            "id",
            "organisation",
            "description",
            "state",
            "attempts",
            "last_error",
            "requested_at",
            "failed_at",
            "next_attempt_at",
            "gave_up_at",
            "done_at",
        ]
        read_only_fields = fields

    @extend_schema_field(serializers.DateTimeField(allow_null=True))
    def get_next_attempt_at(self, job: Job) -> datetime.datetime | None:
        return job.due_at if job.state in (JobState.RETRYING, JobState.PENDING) else None


# --- Request shapes by role, for the schema only: the rules it states (issue 11) ---------
# Learners and managers belong to a team; org admins hold none; assessors may hold one.


def _role_variants(
    base: type[serializers.Serializer[Any]], name: str, *, role_defaults_to_learner: bool
) -> PolymorphicProxySerializer:
    class InTeam(base):  # type: ignore[valid-type,misc]
        role = serializers.ChoiceField(
            choices=["learner", "manager"], required=not role_defaults_to_learner
        )
        team = serializers.IntegerField(min_value=1, max_value=MAX_ID)

    class Assessor(base):  # type: ignore[valid-type,misc]
        role = serializers.ChoiceField(choices=["assessor"])
        team = serializers.IntegerField(
            min_value=1, max_value=MAX_ID, required=False, allow_null=True
        )

    class OrgAdmin(base):  # type: ignore[valid-type,misc]
        role = serializers.ChoiceField(choices=["org_admin"])
        team = AlwaysNullField(required=False)

    InTeam.__name__, Assessor.__name__, OrgAdmin.__name__ = (
        f"{name}InTeam",
        f"{name}Assessor",
        f"{name}OrgAdmin",
    )
    return PolymorphicProxySerializer(
        component_name=name,
        serializers=[InTeam, Assessor, OrgAdmin],
        resource_type_field_name=None,
    )


MEMBERSHIP_CREATE_SCHEMA = _role_variants(
    MembershipCreateSerializer, "MembershipCreateByRole", role_defaults_to_learner=False
)
PERSON_INVITE_SCHEMA = _role_variants(
    PersonInviteSerializer, "PersonInviteByRole", role_defaults_to_learner=True
)


DRY_RUN_PARAMETER = OpenApiParameter(
    "dry_run", bool, description="Preview only: say what would change, save nothing."
)


class PersonDeactivateSerializer(serializers.Serializer[Any]):
    organisation = serializers.IntegerField(
        min_value=1, max_value=2**31 - 1, help_text="The organisation the person leaves."
    )


class OnboardingUploadSerializer(serializers.Serializer[Any]):
    organisation = serializers.IntegerField(min_value=1, max_value=2**31 - 1)
    file = serializers.FileField(max_length=255, allow_empty_file=False)


class OnboardingErrorSerializer(serializers.Serializer[Any]):
    column = serializers.CharField()
    message = serializers.CharField()


class OnboardingRowSerializer(serializers.Serializer[Any]):
    row = serializers.IntegerField()
    employee_number = serializers.CharField()
    email = serializers.CharField()
    action = serializers.CharField(help_text="create, change, move, deactivate or error")
    row_errors = OnboardingErrorSerializer(many=True)


class OnboardingResultSerializer(serializers.Serializer[Any]):
    dry_run = serializers.BooleanField()
    counts = serializers.DictField(child=serializers.IntegerField())
    rows = OnboardingRowSerializer(many=True, help_text="Rows that change or have errors.")
