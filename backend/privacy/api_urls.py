"""API routes for privacy, mounted under /api/v1/."""

from rest_framework.routers import SimpleRouter

from privacy import api_exports

router = SimpleRouter()
router.register(
    "subject-access-exports",
    api_exports.SubjectAccessExportViewSet,
    basename="subject-access-export",
)
router.register(
    "organisation-exports", api_exports.OrganisationExportViewSet, basename="organisation-export"
)

urlpatterns = [*router.urls]
