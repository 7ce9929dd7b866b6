"""Django admin for platform staff: certificates, read-only.

Revoking and reissuing go through the site or the API (services keep their rules);
the admin is for looking a certificate up by number, person or organisation.
"""

from django.contrib import admin
from django.http import HttpRequest

from certificates.models import Certificate


@admin.register(Certificate)
class CertificateAdmin(admin.ModelAdmin[Certificate]):
    list_display = ["number", "learner_name", "module_title", "organisation_name", "issued_at"]
    search_fields = ["number", "learner_name", "learner__email", "module_title"]
    list_filter = ["issued_at", "organisation"]
    date_hierarchy = "issued_at"

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Certificate | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Certificate | None = None) -> bool:
        return False
