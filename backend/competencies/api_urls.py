"""API routes for competencies, mounted under /api/v1/."""

from django.urls import URLPattern, URLResolver, path
from rest_framework.routers import SimpleRouter

from competencies import api

router = SimpleRouter()
router.register("frameworks", api.FrameworkViewSet, basename="framework")
router.register("competencies", api.CompetencyViewSet, basename="competency")
router.register("assessments", api.AssessmentViewSet, basename="assessment")

urlpatterns: list[URLPattern | URLResolver] = [
    path("teams/<id:team_id>/matrix/", api.TeamMatrixView.as_view(), name="team-matrix"),
    path(
        "teams/<id:team_id>/requirements/",
        api.TeamRequirementsView.as_view(),
        name="team-requirements",
    ),
    path(
        "people/<id:person_id>/competencies/",
        api.PersonCompetenciesView.as_view(),
        name="person-competencies",
    ),
    *router.urls,
]
