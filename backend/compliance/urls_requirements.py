"""Page URLs where an org admin adopts starter requirements and edits their own."""

from django.urls import URLPattern, URLResolver

urlpatterns: list[URLPattern | URLResolver] = []
