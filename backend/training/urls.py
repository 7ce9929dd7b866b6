"""Page URLs for the learner site and the manager's assign page."""

from django.urls import path

urlpatterns: list = []  # type: ignore[type-arg]
