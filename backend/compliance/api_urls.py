"""API URLs of required training (under /api/v1/)."""

from django.urls import URLPattern, URLResolver, path

from compliance import api

urlpatterns: list[URLPattern | URLResolver] = [
    path("compliance/", api.ComplianceFiguresView.as_view(), name="compliance"),
    path("compliance/people/", api.ComplianceRowsView.as_view(), name="compliance-people"),
]
