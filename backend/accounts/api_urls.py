"""API routes for accounts, mounted under /api/v1/."""

from django.urls import path
from rest_framework.routers import SimpleRouter

from accounts import api

router = SimpleRouter()
router.register("organisations", api.OrganisationViewSet, basename="organisation")
router.register("teams", api.TeamViewSet, basename="team")
router.register("people", api.PersonViewSet, basename="person")
router.register("memberships", api.MembershipViewSet, basename="membership")
router.register("api-keys", api.APIKeyViewSet, basename="api-key")
router.register("jobs", api.JobViewSet, basename="job")

urlpatterns = [path("me/", api.MeView.as_view(), name="me"), *router.urls]
