"""Page URLs for the audit trail."""

from django.urls import path

from audit import views

urlpatterns = [path("organisation/audit/", views.audit_trail, name="audit")]
