"""The org admin's Provisioning page (ADR 0025)."""

from django.urls import path

from provisioning import views

urlpatterns = [
    path("organisation/provisioning/", views.provisioning_tokens, name="provisioning"),
    path(
        "organisation/provisioning/<str:prefix>/revoke/",
        views.provisioning_token_revoke,
        name="provisioning-token-revoke",
    ),
]
