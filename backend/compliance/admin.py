"""Django admin: training requirements, exemptions and each organisation's grace period
(until the organisation's own pages come)."""

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from compliance.models import ComplianceSettings, Exemption, TrainingRequirement


@admin.register(TrainingRequirement)
class TrainingRequirementAdmin(admin.ModelAdmin[TrainingRequirement]):
    list_display = ["module", "organisation", "team", "role", "renewal_months", "window_days"]
    list_filter = ["organisation"]
    list_select_related = ["module", "organisation", "team"]
    search_fields = ["title", "module__slug"]
    readonly_fields = ["created_at"]


@admin.register(Exemption)
class ExemptionAdmin(admin.ModelAdmin[Exemption]):
    list_display = ["person", "requirement", "ends_on", "created_by", "created_at"]
    list_filter = ["requirement__organisation"]
    list_select_related = ["person", "requirement__module", "requirement__organisation"]
    search_fields = ["person__email", "person__full_name", "reason"]
    readonly_fields = ["created_by", "created_at"]

    def save_model(self, request: HttpRequest, obj: Exemption, form: Any, change: bool) -> None:
        """Records who granted the exemption."""
        if not change:
            obj.created_by_id = request.user.pk
        super().save_model(request, obj, form, change)


@admin.register(ComplianceSettings)
class ComplianceSettingsAdmin(admin.ModelAdmin[ComplianceSettings]):
    list_display = ["organisation", "grace_days"]
