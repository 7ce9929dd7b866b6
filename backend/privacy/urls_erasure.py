"""Page URLs for erasure and retention (issue 17)."""

from django.urls import URLPattern, URLResolver

urlpatterns: list[URLPattern | URLResolver] = []
