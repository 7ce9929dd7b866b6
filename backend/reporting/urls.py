"""Page URLs for the organisation and partnership dashboards."""

from django.urls import URLPattern, URLResolver, path

from reporting import views

urlpatterns: list[URLPattern | URLResolver] = [
    path("dashboard/", views.dashboard, name="dashboard"),
    path(
        "partnerships/<int:partnership_id>/",
        views.partnership_dashboard,
        name="partnership-dashboard",
    ),
    path(
        "partnerships/<int:partnership_id>/report/",
        views.partnership_report_request,
        name="partnership-report-request",
    ),
]
