"""Django admin for platform staff: certificates and failed issue jobs, read-only.

Revoking and reissuing go through the site or the API (services keep their rules);
the admin is for looking a certificate up by number, person or organisation.
"""

from django.contrib import admin
from django.http import HttpRequest

from certificates.models import Certificate, CertificateIssueFailure


class ReadOnlyAdmin[T: (Certificate, CertificateIssueFailure)](admin.ModelAdmin[T]):
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: T | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: T | None = None) -> bool:
        return False


@admin.register(Certificate)
class CertificateAdmin(ReadOnlyAdmin[Certificate]):
    list_display = ["number", "learner_name", "module_title", "organisation_name", "issued_at"]
    search_fields = ["number", "learner_name", "learner__email", "module_title"]
    list_filter = ["issued_at", "organisation"]
    date_hierarchy = "issued_at"


@admin.register(CertificateIssueFailure)
class CertificateIssueFailureAdmin(ReadOnlyAdmin[CertificateIssueFailure]):
    list_display = ["enrolment", "learner", "error", "failures", "failed_at", "retried_at"]
    list_filter = ["failed_at"]
