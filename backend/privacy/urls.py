"""Page URLs for privacy: a person's own data, the organisation's exports."""

from django.urls import URLPattern, URLResolver, path

from privacy import views_exports

urlpatterns: list[URLPattern | URLResolver] = [
    path("my-data/", views_exports.my_data, name="my-data"),
    path(
        "my-data/exports/<int:export_id>/download/",
        views_exports.subject_access_download,
        name="subject-access-download",
    ),
    path("organisation/exports/", views_exports.organisation_exports, name="organisation-exports"),
    path(
        "organisation/exports/<int:export_id>/download/",
        views_exports.organisation_export_download,
        name="organisation-export-download",
    ),
    path(
        "organisation/<int:organisation_id>/people/<int:person_id>/data-export/",
        views_exports.person_export,
        name="person-data-export",
    ),
]
