"""Django admin for platform staff: provisioning tokens (made with a secret shown once),
and the organisations' provisioned people and teams, read only."""

from typing import Any

from django.contrib import admin, messages
from django.http import HttpRequest
from django.utils import timezone

from provisioning.models import ProvisionedGroup, ProvisionedUser, ProvisioningToken


@admin.register(ProvisioningToken)
class ProvisioningTokenAdmin(admin.ModelAdmin[ProvisioningToken]):
    """Tokens are made with a random secret shown once in a message, then only hashed."""

    list_display = ["prefix", "name", "organisation", "created", "revoked", "revoked_at"]
    list_filter = ["organisation", "revoked"]
    search_fields = ["name", "prefix", "organisation__name"]
    fields = ["name", "organisation", "expiry_date", "revoked", "prefix", "created"]
    readonly_fields = ["prefix", "created"]

    def save_model(
        self, request: HttpRequest, obj: ProvisioningToken, form: Any, change: bool
    ) -> None:
        if change:
            if obj.revoked and obj.revoked_at is None:
                obj.revoked_at = timezone.now()
            obj.save()
            return
        secret = ProvisioningToken.objects.assign_key(obj)
        obj.save()
        self.message_user(
            request,
            f"The provisioning token for {obj.organisation} is {secret} . Copy it now: it is "
            "not shown again.",
            level=messages.WARNING,
        )


class ReadOnlyAdmin[M: Any](admin.ModelAdmin[M]):
    """What a provisioning client wrote: changed only through SCIM."""

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(ProvisionedUser)
class ProvisionedUserAdmin(ReadOnlyAdmin[ProvisionedUser]):
    list_display = ["user_name", "user", "organisation", "active", "external_id", "modified_at"]
    list_filter = ["organisation", "active"]
    search_fields = ["user_name", "user__email", "external_id"]


@admin.register(ProvisionedGroup)
class ProvisionedGroupAdmin(ReadOnlyAdmin[ProvisionedGroup]):
    list_display = ["team", "organisation", "external_id", "modified_at"]
    list_filter = ["organisation"]
    search_fields = ["team__name", "external_id"]
