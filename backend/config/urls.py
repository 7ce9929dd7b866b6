"""Hearth's URLs: pages, the versioned API, its schema and docs, health."""

from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from config.health import healthz

api_v1 = [
    path("", include("accounts.api_urls")),
    path("", include("training.api_urls")),
    path("", include("competencies.api_urls")),
    path("", include("compliance.api_urls")),
    path("", include("notifications.api_urls")),
    path("", include("certificates.api_urls")),
    path("", include("reporting.api_urls")),
    path("", include("audit.api_urls")),
    path("", include("privacy.api_urls")),
    path("", include("privacy.api_urls_erasure")),
]

urlpatterns = [
    path("admin/", admin.site.urls),
    path("healthz", healthz, name="healthz"),
    path("api/v1/", include((api_v1, "api"), namespace="v1")),
    path("scim/v2/", include("provisioning.scim_urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    path(
        "api/docs/",
        SpectacularSwaggerView.as_view(url_name="schema", template_name="api/docs.html"),
        name="api-docs",
    ),
    path("", include("accounts.urls")),
    path("", include("provisioning.urls")),
    path("", include("training.urls")),
    path("", include("competencies.urls")),
    path("", include("compliance.urls")),
    path("", include("compliance.urls_requirements")),
    path("", include("notifications.urls")),
    path("", include("certificates.urls")),
    path("", include("reporting.urls")),
    path("", include("audit.urls")),
    path("", include("privacy.urls")),
    path("", include("privacy.urls_erasure")),
]

handler400 = "config.errors.bad_request"
handler403 = "config.errors.permission_denied"
handler404 = "config.errors.not_found"
handler500 = "config.errors.server_error"
