"""Django admin: the reminder log (read-only), opt-outs and mandatory kinds."""

from django.contrib import admin
from django.http import HttpRequest

from notifications.models import EmailOptOut, MandatoryKind, ReminderLog


@admin.register(ReminderLog)
class ReminderLogAdmin(admin.ModelAdmin[ReminderLog]):
    list_display = ["person", "kind", "window", "status", "planned_at", "sent_at", "attempts"]
    list_filter = ["status", "kind", "organisation"]
    search_fields = ["person__email", "person__full_name", "last_error"]
    list_select_related = ["person"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: ReminderLog | None = None) -> bool:
        return False


@admin.register(MandatoryKind)
class MandatoryKindAdmin(admin.ModelAdmin[MandatoryKind]):
    list_display = ["organisation", "kind"]
    list_filter = ["kind"]


@admin.register(EmailOptOut)
class EmailOptOutAdmin(admin.ModelAdmin[EmailOptOut]):
    list_display = ["person", "kind", "created_at"]
    list_filter = ["kind"]
    search_fields = ["person__email"]
