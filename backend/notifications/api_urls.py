"""API routes for reminders, mounted under /api/v1/."""

from django.urls import URLPattern, URLResolver, path
from rest_framework.routers import SimpleRouter

from notifications import api

router = SimpleRouter()
router.register("reminders", api.ReminderViewSet, basename="reminder")
urlpatterns: list[URLPattern | URLResolver] = [
    path(
        "organisations/<id:organisation_id>/mandatory-email-kinds/",
        api.MandatoryKindsView.as_view(),
        name="mandatory-email-kinds",
    ),
    *router.urls,
]
