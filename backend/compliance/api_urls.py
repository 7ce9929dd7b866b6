"""API URLs of required training (under /api/v1/)."""

from django.urls import URLPattern, URLResolver
from rest_framework.routers import SimpleRouter

from compliance import api

router = SimpleRouter()
router.register("training-records", api.TrainingRecordViewSet, basename="training-record")
router.register("exemptions", api.ExemptionViewSet, basename="exemption")

urlpatterns: list[URLPattern | URLResolver] = [*router.urls]
