"""The SCIM resources Hearth serves (RFC 7643), as scim2-models models: only the
attributes Hearth keeps, so what the Schemas endpoint publishes is what a client may
write and will read back. No database here."""

from typing import Annotated, Any, ClassVar

from pydantic import Field
from scim2_models import (
    URN,
    AuthenticationScheme,
    Bulk,
    CaseExact,
    ChangePassword,
    ComplexAttribute,
    ETag,
    Filter,
    Mutability,
    Patch,
    Reference,
    Required,
    Resource,
    ScimPolicy,
    ScimProvider,
    ServiceProviderConfig,
    Sort,
    Uniqueness,
)

USER_SCHEMA = "urn:ietf:params:scim:schemas:core:2.0:User"
GROUP_SCHEMA = "urn:ietf:params:scim:schemas:core:2.0:Group"


class Name(ComplexAttribute):
    """The components of the person's name."""

    formatted: str | None = None
    family_name: str | None = None
    given_name: str | None = None


class Email(ComplexAttribute):
    """An email address of the person; the primary (else work, else first) is the one
    Hearth signs them in with."""

    value: Annotated[str | None, Required.true] = None
    type: str | None = Field(None, examples=["work", "home", "other"])
    primary: bool | None = None


class User(Resource[Any]):
    """A person of the organisation."""

    __schema__ = URN(USER_SCHEMA)

    user_name: Annotated[str | None, Uniqueness.server, Required.true] = None
    """The identifier the provisioning client knows the person by, unique in the
    organisation (Entra ID sends the user principal name)."""

    name: Name | None = None
    display_name: str | None = None
    """The name Hearth shows."""

    title: str | None = None
    """The job title."""

    emails: Annotated[list[Email] | None, Required.true] = None
    """The person's email addresses; Hearth needs one to sign them in."""

    active: bool | None = None
    """False: the person has left the organisation (their memberships end)."""

    Name: ClassVar[type[ComplexAttribute]] = Name
    Emails: ClassVar[type[ComplexAttribute]] = Email


class GroupMember(ComplexAttribute):
    """A learner of the team."""

    value: Annotated[str | None, Mutability.immutable, CaseExact.true] = None
    ref: Annotated[Reference["User"] | None, Mutability.immutable] = Field(
        None, serialization_alias="$ref", validation_alias="$ref"
    )
    type: Annotated[str | None, Mutability.immutable] = Field(None, examples=["User"])
    display: Annotated[str | None, Mutability.read_only] = None


class Group(Resource[Any]):
    """A team of the organisation; its members are the team's learners."""

    __schema__ = URN(GROUP_SCHEMA)

    display_name: Annotated[str | None, Required.true, Uniqueness.server] = None
    members: list[GroupMember] | None = None

    Members: ClassVar[type[ComplexAttribute]] = GroupMember


MAX_RESULTS = 200

SERVICE_PROVIDER_CONFIG = ServiceProviderConfig(
    documentation_uri=None,
    patch=Patch(supported=True),
    bulk=Bulk(supported=False, max_operations=0, max_payload_size=0),
    filter=Filter(supported=True, max_results=MAX_RESULTS),
    change_password=ChangePassword(supported=False),
    sort=Sort(supported=False),
    etag=ETag(supported=False),
    authentication_schemes=[
        AuthenticationScheme(
            type=AuthenticationScheme.Type.oauthbearertoken,
            name="Provisioning token",
            description="The organisation's provisioning token, made by an org admin on "
            "Hearth's Provisioning page: Authorization: Bearer <token>.",
            primary=True,
        )
    ],
)

# How much a client may depart from the strict reading: Hearth ignores attributes it does
# not keep (Entra ID and HR systems send many), and takes Entra ID's PATCH dialect.
POLICY = ScimPolicy(
    unknown=ScimPolicy.Unknown.ignore,
    remove_value_as_filter=ScimPolicy.RemoveValue.apply,
    unmatched_path_filter=ScimPolicy.UnmatchedPathFilter.create,
)

PROVIDER = ScimProvider(models=[User, Group], config=SERVICE_PROVIDER_CONFIG, policy=POLICY)


def user_resource(record: Any, *, base_url: str) -> User:
    """The SCIM User of a provisioned person (a provisioning.models.ProvisionedUser)."""
    scim_id = str(record.scim_id)
    return User.model_validate(
        {
            **record.attributes,
            "id": scim_id,
            "externalId": record.external_id or None,
            "userName": record.user_name,
            "meta": {
                "resourceType": "User",
                "created": record.created_at,
                "lastModified": record.modified_at,
                "location": f"{base_url}/Users/{scim_id}",
            },
        },
        scim_ctx=None,
    )


def group_resource(group: Any, *, base_url: str) -> Group:
    """The SCIM Group of a provisioned team (a provisioning.models.ProvisionedGroup), its
    members loaded."""
    scim_id = str(group.scim_id)
    members = [
        {
            "value": str(member.scim_id),
            "$ref": f"{base_url}/Users/{member.scim_id}",
            "type": "User",
        }
        for member in group.members.all()
    ]
    return Group.model_validate(
        {
            "id": scim_id,
            "externalId": group.external_id or None,
            "displayName": group.team.name,
            "members": members or None,
            "meta": {
                "resourceType": "Group",
                "created": group.created_at,
                "lastModified": group.modified_at,
                "location": f"{base_url}/Groups/{scim_id}",
            },
        },
        scim_ctx=None,
    )
