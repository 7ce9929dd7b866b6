"""API routes for training, mounted under /api/v1/."""

from django.urls import path

urlpatterns: list = []  # type: ignore[type-arg]
