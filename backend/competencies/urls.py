"""Page URLs for competencies: the matrix, learner and assessor pages."""

from django.urls import URLPattern, URLResolver

urlpatterns: list[URLPattern | URLResolver] = []
