"""API routes for the audit trail, mounted under /api/v1/."""

from django.urls import path

from audit import api

urlpatterns = [
    path("audit-events/", api.AuditEventListView.as_view(), name="audit-events"),
    path(
        "audit-events/<str:kind>/<str:event_id>/",
        api.AuditEventDetailView.as_view(),
        name="audit-event",
    ),
]
