"""Reads of an organisation's provisioned people and teams: a provisioning token sees its
own organisation's and nothing else, so another organisation's id answers 404 exactly as
a missing one."""

import uuid

from django.db.models import Prefetch, QuerySet

from core.errors import NotFound
from provisioning.models import ProvisionedGroup, ProvisionedUser, ProvisioningToken


def _scim_id(value: str) -> uuid.UUID | None:
    try:
        return uuid.UUID(value)
    except ValueError:
        return None


def provisioned_users(*, organisation_id: int) -> QuerySet[ProvisionedUser]:
    """The organisation's provisioned people, oldest first, with their accounts (1 query)."""
    return (
        ProvisionedUser.objects.filter(organisation_id=organisation_id)
        .select_related("user")
        .order_by("created_at", "id")
    )


def provisioned_user_get(*, organisation_id: int, scim_id: str) -> ProvisionedUser:
    """One of the organisation's provisioned people; any other id is not found."""
    found = _scim_id(scim_id)
    record = (
        provisioned_users(organisation_id=organisation_id).filter(scim_id=found).first()
        if found
        else None
    )
    if record is None:
        raise NotFound("No such user.")
    return record


def provisioned_groups(*, organisation_id: int) -> QuerySet[ProvisionedGroup]:
    """The organisation's provisioned teams, oldest first, with their members (2 queries)."""
    return (
        ProvisionedGroup.objects.filter(organisation_id=organisation_id)
        .select_related("team")
        .prefetch_related(
            Prefetch("members", queryset=ProvisionedUser.objects.order_by("created_at", "id"))
        )
        .order_by("created_at", "id")
    )


def provisioned_group_get(*, organisation_id: int, scim_id: str) -> ProvisionedGroup:
    """One of the organisation's provisioned teams; any other id is not found."""
    found = _scim_id(scim_id)
    record = (
        provisioned_groups(organisation_id=organisation_id).filter(scim_id=found).first()
        if found
        else None
    )
    if record is None:
        raise NotFound("No such group.")
    return record


def provisioning_tokens_of(*, organisation_ids: frozenset[int]) -> QuerySet[ProvisioningToken]:
    """The tokens of the organisations an org admin administers, newest first."""
    return (
        ProvisioningToken.objects.filter(organisation_id__in=organisation_ids)
        .select_related("organisation", "created_by")
        .order_by("-created", "prefix")
    )


def provisioning_token_from_key(key: str) -> ProvisioningToken | None:
    """The usable (not revoked, not expired) token this secret is, else None."""
    try:
        token = ProvisioningToken.objects.get_from_key(key)
    except ProvisioningToken.DoesNotExist:
        return None
    if token.has_expired:
        return None
    return token  # type: ignore[return-value]
