"""Page URLs where an org admin adopts starter requirements and edits their own."""

from django.urls import URLPattern, URLResolver, path

from compliance import views_requirements as views

urlpatterns: list[URLPattern | URLResolver] = [
    path("compliance/requirements/", views.requirements, name="requirements"),
    path("compliance/requirements/adopt/", views.requirement_adopt_page, name="requirement-adopt"),
    path(
        "compliance/requirements/grace-days/",
        views.grace_days_page,
        name="requirement-grace-days",
    ),
    path(
        "compliance/requirements/<int:requirement_id>/",
        views.requirement_page,
        name="requirement",
    ),
    path(
        "compliance/requirements/<int:requirement_id>/remove/",
        views.requirement_remove_page,
        name="requirement-remove",
    ),
]
