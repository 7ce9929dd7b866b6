"""Page URLs for erasure and retention (issue 17)."""

from django.urls import URLPattern, URLResolver, path

from privacy import views_erasure

urlpatterns: list[URLPattern | URLResolver] = [
    path(
        "organisation/<int:organisation_id>/people/<int:person_id>/erase/",
        views_erasure.person_erase,
        name="person-erase",
    ),
    path(
        "organisation/<int:organisation_id>/erasures/",
        views_erasure.erasures,
        name="erasures",
    ),
]
