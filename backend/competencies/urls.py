"""Page URLs for competencies: the matrix, learner and assessor pages."""

from django.urls import URLPattern, URLResolver, path

from competencies import views

urlpatterns: list[URLPattern | URLResolver] = [
    path("team/competency/", views.team_matrix_index, name="team-matrix-index"),
    path("teams/<int:team_id>/competency/", views.team_matrix, name="team-matrix"),
    path("teams/<int:team_id>/competency.csv", views.team_matrix_csv, name="team-matrix-csv"),
    path("competencies/", views.my_competencies, name="my-competencies"),
    path(
        "people/<int:person_id>/competencies/",
        views.person_competencies,
        name="person-competencies",
    ),
    path("assess/", views.assess, name="assess"),
    path("assess/people/", views.people_assessed, name="people-assessed"),
]
