"""API representations of people, organisations, teams, memberships and keys."""

from typing import Any

from rest_framework import serializers

from accounts.models import KeyScope, Membership, Organisation, OrganisationAPIKey, Role, Team, User


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
    organisation = serializers.IntegerField(min_value=1)
    name = serializers.CharField(max_length=200)


class MembershipSerializer(serializers.ModelSerializer[Membership]):
    user_name = serializers.CharField(source="user.full_name", read_only=True)
    team_name = serializers.CharField(
        source="team.name", read_only=True, allow_null=True, default=None
    )

    class Meta:
        model = Membership
        fields = ["id", "user", "user_name", "organisation", "team", "team_name", "role"]
        read_only_fields = fields


class MembershipCreateSerializer(serializers.Serializer[Membership]):
    user = serializers.IntegerField(min_value=1)
    organisation = serializers.IntegerField(min_value=1)
    team = serializers.IntegerField(min_value=1, required=False, allow_null=True)
    role = serializers.ChoiceField(choices=Role.choices)


class PersonSerializer(serializers.ModelSerializer[User]):
    class Meta:
        model = User
        fields = ["id", "email", "full_name", "job_title", "is_active"]
        read_only_fields = fields


class PersonInviteSerializer(serializers.Serializer[User]):
    organisation = serializers.IntegerField(min_value=1)
    email = serializers.EmailField()
    full_name = serializers.CharField(max_length=150)
    job_title = serializers.CharField(max_length=150, required=False, default="", allow_blank=True)
    role = serializers.ChoiceField(choices=Role.choices, default=Role.LEARNER)
    team = serializers.IntegerField(min_value=1, required=False, allow_null=True)


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
    organisation = serializers.IntegerField(min_value=1)
    name = serializers.CharField(max_length=50)
    scope = serializers.ChoiceField(choices=KeyScope.choices, default=KeyScope.READ)


class APIKeyCreatedSerializer(APIKeySerializer):
    key = serializers.CharField(help_text="The key itself. Shown this once; store it safely.")

    class Meta(APIKeySerializer.Meta):
        fields = [*APIKeySerializer.Meta.fields, "key"]
        read_only_fields = fields
