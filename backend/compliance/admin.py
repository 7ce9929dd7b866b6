"""Django admin: training requirements, exemptions and each organisation's grace period
(organisations edit their own at /compliance/requirements/), and the starter definitions,
read-only, with a button that imports the shipped sets (ADR 0020)."""

from typing import Any

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import URLPattern, path, reverse
from django.views.decorators.http import require_POST

from compliance.definitions_file import parse_definition_files
from compliance.models import (
    ComplianceSettings,
    Exemption,
    RequirementDefinition,
    TrainingRequirement,
)
from compliance.services_requirements import requirement_sets_import
from core.errors import HearthError
from training.content import ContentError


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


@admin.register(RequirementDefinition)
class RequirementDefinitionAdmin(admin.ModelAdmin[RequirementDefinition]):
    """The shipped starter subjects, as imported: read-only here (they change only through
    their files), with "Import the starter sets" for staff who may add them."""

    change_list_template = "admin/compliance/requirementdefinition/change_list.html"
    list_display = ["title", "set", "renewal_months", "audience", "code", "position"]
    list_filter = ["set"]
    search_fields = ["code", "title", "audience"]
    readonly_fields = [
        "code",
        "set",
        "title",
        "description",
        "renewal_months",
        "audience",
        "position",
    ]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    @staticmethod
    def may_import(request: HttpRequest) -> bool:
        return request.user.has_perm("compliance.add_requirementdefinition")

    def changelist_view(
        self, request: HttpRequest, extra_context: dict[str, Any] | None = None
    ) -> HttpResponse:
        context = {**(extra_context or {}), "may_import": self.may_import(request)}
        return super().changelist_view(request, extra_context=context)

    def get_urls(self) -> list[URLPattern]:
        import_view = self.admin_site.admin_view(require_POST(self.import_sets))
        name = "compliance_requirementdefinition_import"
        return [path("import/", import_view, name=name), *super().get_urls()]

    def import_sets(self, request: HttpRequest) -> HttpResponse:
        """Import content/requirements/*.yaml (the same service as the command), and say
        what changed."""
        if not self.may_import(request):
            raise PermissionDenied
        try:
            counts = requirement_sets_import(definitions=parse_definition_files())
        except (ContentError, HearthError) as error:
            self.message_user(request, f"Nothing was imported. {error}", messages.ERROR)
        else:
            self.message_user(request, f"Starter sets imported: {counts}.", messages.SUCCESS)
        return HttpResponseRedirect(reverse("admin:compliance_requirementdefinition_changelist"))
