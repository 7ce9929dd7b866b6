"""Page URLs of required training: the signed-in home page (the person's own standing)."""

from django.urls import URLPattern, URLResolver, path

from compliance import views_home

urlpatterns: list[URLPattern | URLResolver] = [
    path("", views_home.home, name="home"),
]
