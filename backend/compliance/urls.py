"""Page URLs of required training: compliance at a glance (organisation, team)."""

from django.urls import URLPattern, URLResolver

urlpatterns: list[URLPattern | URLResolver] = []
