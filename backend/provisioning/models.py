"""Automatic provisioning (SCIM 2.0, ADR 0025): an organisation's provisioning tokens,
and its record of each person and team a provisioning client manages."""

import uuid
from typing import Any

from django.db import models
from django.utils import timezone
from rest_framework_api_key.models import AbstractAPIKey

from accounts.models import Organisation, Team, User, acting_person


class ProvisioningToken(AbstractAPIKey):
    """A bearer token an identity provider or HR system provisions one organisation with;
    stored hashed, shown once."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="provisioning_tokens"
    )
    created_by = acting_person()
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta(AbstractAPIKey.Meta):
        verbose_name = "provisioning token"
        verbose_name_plural = "provisioning tokens"


class ProvisionedUser(models.Model):
    """The organisation's SCIM User: one person's account as its provisioning client
    describes them there. It outlives a deactivation (active false), so the client still
    reads the person back; DELETE removes it."""

    scim_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="provisioned_users"
    )
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="provisioned_as")
    user_name = models.CharField(max_length=254)
    external_id = models.CharField(max_length=254, blank=True)
    active = models.BooleanField(default=True)
    attributes: "models.JSONField[dict[str, Any]]" = models.JSONField(
        default=dict,
        help_text="What the client last wrote of name, displayName, title and emails.",
    )
    created_at = models.DateTimeField(default=timezone.now)
    modified_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["organisation", "created_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "user"], name="provisioned_user_once_per_org"
            ),
            models.UniqueConstraint(
                fields=["organisation", "user_name"], name="provisioned_user_name_unique_in_org"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user_name} ({self.organisation})"


class ProvisionedGroup(models.Model):
    """The organisation's SCIM Group: one team, and the people the client put in it
    (learners of the team while they are active)."""

    scim_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="provisioned_groups"
    )
    team = models.OneToOneField(Team, on_delete=models.CASCADE, related_name="provisioned_as")
    external_id = models.CharField(max_length=254, blank=True)
    members = models.ManyToManyField(ProvisionedUser, related_name="groups", blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    modified_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["organisation", "created_at", "id"]

    def __str__(self) -> str:
        return f"{self.team.name} ({self.organisation})"
