"""API routes for statistics and indicator reports, mounted under /api/v1/."""

from django.urls import URLPattern, URLResolver, path

from reporting import api, api_compliance

urlpatterns: list[URLPattern | URLResolver] = [
    path("stats/completions/", api.CompletionStatsView.as_view(), name="stats-completions"),
    path("stats/competencies/", api.CompetencyStatsView.as_view(), name="stats-competencies"),
    path("partnerships/", api.PartnershipListView.as_view(), name="partnership-list"),
    path(
        "partnerships/<id:partnership_id>/stats/completions/",
        api.PartnershipCompletionStatsView.as_view(),
        name="partnership-stats-completions",
    ),
    path(
        "partnerships/<id:partnership_id>/stats/competencies/",
        api.PartnershipCompetencyStatsView.as_view(),
        name="partnership-stats-competencies",
    ),
    path(
        "partnerships/<id:partnership_id>/compliance/",
        api_compliance.PartnershipComplianceView.as_view(),
        name="partnership-compliance",
    ),
    path("indicators/", api.IndicatorsView.as_view(), name="indicators"),
    path(
        "indicators/reports/",
        api.IndicatorReportRequestView.as_view(),
        name="indicator-report-request",
    ),
    path(
        "indicators/reports/<id:report_id>/",
        api.IndicatorReportStatusView.as_view(),
        name="indicator-report",
    ),
    path(
        "indicators/reports/<id:report_id>/pdf/",
        api.IndicatorReportDownloadView.as_view(),
        name="indicator-report-pdf",
    ),
]
