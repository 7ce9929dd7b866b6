"""API routes for training, mounted under /api/v1/."""

from django.urls import path
from rest_framework.routers import SimpleRouter

from training import api

router = SimpleRouter()
router.register("modules", api.ModuleViewSet, basename="module")
router.register("enrolments", api.EnrolmentViewSet, basename="enrolment")

urlpatterns = [
    path("assignments/", api.AssignmentView.as_view(), name="assignments"),
    *router.urls,
]
