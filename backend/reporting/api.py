"""The statistics API: completion and competency figures for an organisation (or a
manager's teams) and for a partnership, the indicator report, and its PDF.

Each view validates its parameters, resolves scope through reporting.selectors (404
outside it), asks one selector for the figures, and answers JSON or CSV (`?format=csv`
or `Accept: text/csv`) with an exact ETag and Last-Modified, or 304 (reporting.conditional).
"""

from typing import Any

from django.http import FileResponse, HttpResponse
from django.urls import reverse
from drf_spectacular.utils import OpenApiExample, extend_schema, extend_schema_view
from rest_framework import status
from rest_framework.renderers import JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.serializers import Serializer
from rest_framework.views import APIView

from accounts.selectors import actor_from_request, partnerships_viewed_by
from core.downloads import attachment
from core.errors import Conflict
from reporting import competency_figures, completions, selectors, serializers, services
from reporting.conditional import conditional_response, query_signature
from reporting.dimensions import parse_group_by
from reporting.indicators import Quarter, check_quarter, indicator_report
from reporting.models import IndicatorReport, ReportStatus
from reporting.renderers import FiguresCSVRenderer
from reporting.schema import (
    COMPETENCIES_EXAMPLE,
    COMPLETIONS_CSV_EXAMPLE,
    COMPLETIONS_EXAMPLE,
    INDICATORS_CSV,
    INDICATORS_CSV_EXAMPLE,
    INDICATORS_EXAMPLE,
    PARTNERSHIP_COMPETENCIES_EXAMPLE,
    PARTNERSHIP_COMPLETIONS_EXAMPLE,
    REPORT_PDF_RESPONSES,
    REPORT_STATUS_EXAMPLE,
    figures_schema,
)
from reporting.selectors import StatsScope
from reporting.tables import Table


def _validated(serializer_class: type[Serializer[Any]], params: Any) -> dict[str, Any]:
    query = serializer_class(data=params)
    query.is_valid(raise_exception=True)
    return dict(query.validated_data)


def _respond(
    request: Request, *, data: Any, csv_rows: Any, filename: str, scope_key: str
) -> HttpResponse:
    """Render JSON or CSV once, then answer 200 or 304 with exact validators."""
    renderer = request.accepted_renderer
    is_csv = renderer.format == "csv"
    payload = csv_rows() if is_csv else data()
    rendered = renderer.render(payload, request.accepted_media_type, {"request": request})
    body = rendered if isinstance(rendered, bytes) else str(rendered).encode()
    content_type = "text/csv; charset=utf-8" if is_csv else "application/json"
    response = conditional_response(
        request,
        body=body,
        content_type=content_type,
        key_parts=[request.path, scope_key, query_signature(request)],
    )
    if is_csv:
        response["Content-Disposition"] = f'attachment; filename="{filename}.csv"'
    return response


def _table_response(request: Request, table: Table, *, name: str, scope_key: str) -> HttpResponse:
    return _respond(
        request,
        data=table.as_data,
        csv_rows=lambda: list(table.csv_rows()),
        filename=f"hearth-{name}-{table.meta['on']}",
        scope_key=scope_key,
    )


def _completion_query(params: dict[str, Any], allowed: tuple[str, ...]) -> Any:
    return completions.CompletionQuery(
        group_by=parse_group_by(params.get("group_by"), allowed),
        date_from=params.get("from"),
        date_to=params.get("to"),
        module_id=params.get("module"),
        team_id=params.get("team"),
        sector=params.get("sector"),
        organisation_id=params.get("organisation"),
    )


def _competency_query(params: dict[str, Any]) -> Any:
    return competency_figures.CompetencyQuery(
        group_by=parse_group_by(params.get("group_by"), competency_figures.DIMENSIONS),
        competency_id=params.get("competency"),
        domain=params.get("domain"),
        level=int(params["level"]) if params.get("level") else None,
        team_id=params.get("team"),
        sector=params.get("sector"),
        organisation_id=params.get("organisation"),
    )


class _FiguresView(APIView):
    """One figures table as JSON or CSV: validate the query (`query_serializer`), resolve
    the scope (your organisation or teams, or the partnership in the URL; 404 outside
    it), build the table (`table`), and answer with exact validators or 304.

    A kind of figures says its `csv_name` (in a CSV download's file name), its
    `body_serializer` and how its table is built; each endpoint its `operation_id`,
    `query_serializer` and `examples`, from which its OpenAPI operation is declared
    (reporting.schema.figures_schema)."""

    renderer_classes = [JSONRenderer, FiguresCSVRenderer]
    csv_name: str
    body_serializer: type[Serializer[Any]]
    operation_id: str
    query_serializer: type[Serializer[Any]]
    examples: list[OpenApiExample]

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        # Endpoints only: the kinds above them have no operation, and an endpoint never
        # derives from another (extend_schema would add the parent's parameters).
        if "operation_id" in cls.__dict__:
            schema = figures_schema(
                cls.operation_id, cls.query_serializer, cls.body_serializer, examples=cls.examples
            )
            extend_schema_view(get=schema)(cls)

    def table(self, scope: StatsScope, params: dict[str, Any]) -> Table:
        raise NotImplementedError

    def get(self, request: Request, partnership_id: int | None = None) -> HttpResponse:
        params = _validated(self.query_serializer, request.query_params)
        actor = actor_from_request(request)
        scope = (
            selectors.stats_scope_for(actor, organisation_id=params.get("organisation"))
            if partnership_id is None
            else selectors.partnership_scope_for(actor, partnership_id=partnership_id)
        )
        table = self.table(scope, params)
        return _table_response(request, table, name=self.csv_name, scope_key=scope.key)


class _CompletionFiguresView(_FiguresView):
    """Completion figures, grouped by the `dimensions` the endpoint allows."""

    csv_name = "completions"
    body_serializer = serializers.CompletionStatsSerializer
    dimensions: tuple[str, ...]

    def table(self, scope: StatsScope, params: dict[str, Any]) -> Table:
        query = _completion_query(params, self.dimensions)
        return completions.completions_table(scope=scope, query=query)


class _CompetencyFiguresView(_FiguresView):
    """Competency figures."""

    csv_name = "competencies"
    body_serializer = serializers.CompetencyStatsSerializer

    def table(self, scope: StatsScope, params: dict[str, Any]) -> Table:
        return competency_figures.competencies_table(scope=scope, query=_competency_query(params))


class CompletionStatsView(_CompletionFiguresView):
    """Enrolled, started, completed, overdue and the completion rate for your organisation
    (org admins and its API keys) or your teams (managers), grouped and filtered. Periods
    and months are by when the enrolment was made; withdrawn enrolments never count.
    Anyone else: 404."""

    operation_id = "stats_completions"
    query_serializer = serializers.CompletionQuerySerializer
    examples = [COMPLETIONS_EXAMPLE, COMPLETIONS_CSV_EXAMPLE]
    dimensions = completions.DIMENSIONS


class CompetencyStatsView(_CompetencyFiguresView):
    """People competent, expiring soon, expired and not yet competent in each competency
    (or domain, or level), and against requirements, for your organisation or your
    teams, as of today. Anyone else: 404."""

    operation_id = "stats_competencies"
    query_serializer = serializers.CompetencyQuerySerializer
    examples = [COMPETENCIES_EXAMPLE]


class PartnershipListView(APIView):
    """The partnerships you view, with their member organisations."""

    @extend_schema(responses=serializers.PartnershipSerializer(many=True))
    def get(self, request: Request) -> Response:
        partnerships = partnerships_viewed_by(actor_from_request(request)).prefetch_related(
            "organisations"
        )
        return Response(
            [
                {
                    "id": partnership.pk,
                    "name": partnership.name,
                    "organisations": [
                        {"id": o.pk, "name": o.name, "sector": o.sector}
                        for o in partnership.organisations.all()
                    ],
                }
                for partnership in partnerships
            ]
        )


class PartnershipCompletionStatsView(_CompletionFiguresView):
    """A partnership's completion figures across its member organisations, for its
    viewers: grouped by organisation or sector and by module or month, never by person
    or team. Counts below the threshold are suppressed, and so are others wherever a
    subtraction would give one away. Anyone else: 404."""

    operation_id = "partnership_stats_completions"
    query_serializer = serializers.PartnershipCompletionQuerySerializer
    examples = [PARTNERSHIP_COMPLETIONS_EXAMPLE]
    dimensions = completions.PARTNERSHIP_DIMENSIONS


class PartnershipCompetencyStatsView(_CompetencyFiguresView):
    """A partnership's competency figures across its member organisations, for its
    viewers, suppressed like its completion figures. Anyone else: 404."""

    operation_id = "partnership_stats_competencies"
    query_serializer = serializers.PartnershipCompetencyQuerySerializer
    examples = [PARTNERSHIP_COMPETENCIES_EXAMPLE]


def _quarter(params: dict[str, Any]) -> Quarter:
    quarter = Quarter.parse(params["quarter"]) if params.get("quarter") else Quarter.last_complete()
    check_quarter(quarter)
    return quarter


class IndicatorsView(APIView):
    """The memorandum's seven indicators of success for an organisation (its org admins
    and API keys) or a partnership (its viewers) in a quarter, with the change from the
    quarter before and from the same quarter a year before. Anyone else: 404."""

    renderer_classes = [JSONRenderer, FiguresCSVRenderer]

    @figures_schema(
        "indicators",
        serializers.IndicatorQuerySerializer,
        serializers.IndicatorReportDataSerializer,
        examples=[INDICATORS_EXAMPLE, INDICATORS_CSV_EXAMPLE],
        csv=INDICATORS_CSV,
    )
    def get(self, request: Request) -> HttpResponse:
        params = _validated(serializers.IndicatorQuerySerializer, request.query_params)
        quarter = _quarter(params)
        scope = services.report_scope_for(
            actor_from_request(request),
            organisation_id=params.get("organisation"),
            partnership_id=params.get("partnership"),
        )
        report = indicator_report(scope=scope, quarter=quarter)
        return _respond(
            request,
            data=report.as_data,
            csv_rows=report.csv_rows,
            filename=f"hearth-indicators-{quarter}",
            scope_key=scope.key,
        )


def report_status_data(report: IndicatorReport) -> dict[str, Any]:
    """A report row as the API shows it, with where to poll and where to download."""
    ready = report.status == ReportStatus.READY and bool(report.pdf)
    scope: dict[str, Any] = (
        {"kind": "partnership", "id": report.partnership_id}
        if report.partnership_id is not None
        else {"kind": "organisation", "id": report.organisation_id}
    )
    return {
        "id": report.pk,
        "quarter": report.quarter,
        "scope": scope,
        "status": report.status,
        "requested_at": report.requested_at.isoformat(),
        "rendered_at": report.rendered_at.isoformat() if report.rendered_at else None,
        "error": report.error,
        "status_url": reverse("v1:indicator-report", args=[report.pk]),
        "download_url": reverse("v1:indicator-report-pdf", args=[report.pk]) if ready else None,
    }


class IndicatorReportRequestView(APIView):
    """Ask for the indicator report as a PDF. A worker builds it: 202 with a status URL
    to poll (also in Location), or 200 when the stored PDF already shows today's figures.
    Asking again never makes a second report for the same scope and quarter."""

    @extend_schema(
        operation_id="indicator_report_request",
        request=serializers.IndicatorReportRequestSerializer,
        responses={
            202: serializers.IndicatorReportStatusSerializer,
            200: serializers.IndicatorReportStatusSerializer,
        },
        examples=[REPORT_STATUS_EXAMPLE],
    )
    def post(self, request: Request) -> Response:
        params = _validated(serializers.IndicatorReportRequestSerializer, request.data)
        report, queued = services.indicator_report_request(
            actor=actor_from_request(request),
            organisation_id=params.get("organisation"),
            partnership_id=params.get("partnership"),
            quarter=_quarter(params),
        )
        data = report_status_data(report)
        return Response(
            data,
            status=status.HTTP_202_ACCEPTED if queued else status.HTTP_200_OK,
            headers={"Location": data["status_url"]},
        )


class IndicatorReportStatusView(APIView):
    """Whether a requested report PDF is ready, and where to download it."""

    @extend_schema(
        operation_id="indicator_report_status",
        responses=serializers.IndicatorReportStatusSerializer,
        examples=[REPORT_STATUS_EXAMPLE],
    )
    def get(self, request: Request, report_id: int) -> Response:
        report = selectors.indicator_report_get(
            actor=actor_from_request(request), report_id=report_id
        )
        return Response(report_status_data(report))


class IndicatorReportDownloadView(APIView):
    """The report PDF once it is ready (409 while it is being prepared)."""

    @extend_schema(operation_id="indicator_report_pdf", responses=REPORT_PDF_RESPONSES)
    def get(self, request: Request, report_id: int) -> FileResponse:
        report = selectors.indicator_report_get(
            actor=actor_from_request(request), report_id=report_id
        )
        if report.status != ReportStatus.READY or not report.pdf:
            raise Conflict("This report is not ready yet; poll its status URL.")
        name = f"hearth-indicators-{report.scope_slug}-{report.quarter}.pdf"
        return attachment(
            report.pdf,
            filename=name,
            content_type="application/pdf",
            missing="This report's file is missing; ask for it again.",
        )
