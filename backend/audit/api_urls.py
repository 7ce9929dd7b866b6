"""API routes for the audit trail, mounted under /api/v1/: the list, and one event by its
kind and id (a path per kind, so every id in a path is a whole number)."""

from django.urls import path

from audit import api
from audit.registry import CHOICES

urlpatterns = [
    path("audit-events/", api.AuditEventListView.as_view(), name="audit-events"),
    *(
        path(
            f"audit-events/{kind}/<id:event_id>/",
            api.AuditEventDetailView.as_view(),
            {"kind": kind},
            name=f"audit-event-{kind}",
        )
        for kind, _name in CHOICES
    ),
]
