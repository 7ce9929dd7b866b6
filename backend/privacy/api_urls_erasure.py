"""API routes for erasure and retention, mounted under /api/v1/."""

from django.urls import URLPattern, URLResolver, path

from privacy import api_erasure

urlpatterns: list[URLPattern | URLResolver] = [
    path("erasures/", api_erasure.ErasureListView.as_view(), name="erasure-list"),
    path(
        "erasures/<id:erasure_id>/", api_erasure.ErasureDetailView.as_view(), name="erasure-detail"
    ),
    path(
        "organisations/<id:organisation_id>/retention/",
        api_erasure.RetentionPolicyView.as_view(),
        name="retention-policy",
    ),
]
