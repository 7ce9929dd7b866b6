"""API URLs of required training (under /api/v1/)."""

from django.urls import URLPattern, URLResolver, path
from rest_framework.routers import SimpleRouter

from compliance import api, api_glance

router = SimpleRouter()
router.register("training-records", api.TrainingRecordViewSet, basename="training-record")
router.register("exemptions", api.ExemptionViewSet, basename="exemption")

urlpatterns: list[URLPattern | URLResolver] = [
    path("compliance/", api_glance.ComplianceFiguresView.as_view(), name="compliance"),
    path("compliance/people/", api_glance.ComplianceRowsView.as_view(), name="compliance-people"),
    *router.urls,
]
