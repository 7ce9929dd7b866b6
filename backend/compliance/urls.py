"""Page URLs of required training: the signed-in home page (the person's own standing),
and compliance at a glance for org admins and managers."""

from django.urls import URLPattern, URLResolver, path

from compliance import views_glance, views_home

urlpatterns: list[URLPattern | URLResolver] = [
    path("", views_home.home, name="home"),
    path("compliance/", views_glance.glance, name="compliance"),
    path("compliance/teams/<int:team_id>/", views_glance.team, name="compliance-team"),
]
