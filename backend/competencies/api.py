"""The competencies API: frameworks, competencies, assessments (append-only), a person's
competencies, team requirements and the team matrix (JSON or CSV)."""

from typing import Any

import django_filters
from django.db.models import QuerySet
from django.http import FileResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.renderers import JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.models_access import AccessKind
from accounts.selectors import actor_from_request, team_get_for_manager
from accounts.services_access import record_access
from competencies import selectors, serializers, services
from competencies.evidence import evidence_served
from competencies.matrix import matrix_csv_description, matrix_csv_rows, matrix_data
from competencies.models import Assessment, Competency, Domain, Framework, Level
from core.codes import holds_code
from core.downloads import attachment
from core.errors import NotFound
from core.filters import IdFilter
from core.renderers import CSVRenderer


class FrameworkViewSet(viewsets.ReadOnlyModelViewSet[Framework]):
    """Competency frameworks."""

    serializer_class = serializers.FrameworkSerializer

    def get_queryset(self) -> QuerySet[Framework]:
        return selectors.frameworks_all()


class CompetencyFilter(django_filters.FilterSet):
    framework = IdFilter(field_name="framework_id")
    domain = django_filters.ChoiceFilter(choices=Domain.choices)
    level = django_filters.ChoiceFilter(choices=Level.choices)
    indicator = django_filters.CharFilter(method="filter_indicator")

    class Meta:
        model = Competency
        fields = ["framework", "domain", "level", "indicator"]

    def filter_indicator(
        self, queryset: QuerySet[Competency], name: str, value: str
    ) -> QuerySet[Competency]:
        return queryset.filter(holds_code("indicators", value))


class CompetencyViewSet(viewsets.ReadOnlyModelViewSet[Competency]):
    """Competencies, with the memorandum indicators they evidence and the modules that
    award them."""

    serializer_class = serializers.CompetencySerializer
    filterset_class = CompetencyFilter

    def get_queryset(self) -> QuerySet[Competency]:
        return selectors.competencies_all().prefetch_related("modules")


class AssessmentFilter(django_filters.FilterSet):
    learner = IdFilter(field_name="learner_id")
    competency = IdFilter(field_name="competency_id")

    class Meta:
        model = Assessment
        fields = ["learner", "competency", "method", "outcome"]


class AssessmentViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet[Assessment],
):
    """Assessments are append-only: list, read and record. A correction is a new
    assessment with `supersedes`; nothing is ever edited or deleted (PUT, PATCH and
    DELETE answer 405)."""

    serializer_class = serializers.AssessmentSerializer
    filterset_class = AssessmentFilter
    parser_classes = [JSONParser, MultiPartParser, FormParser]

    def get_queryset(self) -> QuerySet[Assessment]:
        return selectors.assessments_visible_to(actor_from_request(self.request)).select_related(
            "superseded_by"
        )

    @extend_schema(
        request={
            "application/json": serializers.AssessmentCreateSerializer,
            "multipart/form-data": serializers.AssessmentCreateSerializer,
        },
        responses={201: serializers.AssessmentSerializer},
    )
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        payload = serializers.AssessmentCreateSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        data = payload.validated_data
        actor = actor_from_request(request)
        competency = Competency.objects.filter(pk=data["competency"]).first()
        if competency is None:
            raise NotFound("No such competency.", fields={"competency": ["No such competency."]})
        assessment = services.assessment_record(
            actor=actor,
            learner_id=data["learner"],
            competency=competency,
            method=data["method"],
            outcome=data["outcome"],
            evidence_note=data.get("evidence_note", ""),
            evidence_file=data.get("evidence_file"),
            assessed_at=data.get("assessed_at"),
            level=data.get("level"),
            supersedes_id=data.get("supersedes"),
        )
        return Response(
            serializers.AssessmentSerializer(assessment).data, status=status.HTTP_201_CREATED
        )

    @extend_schema(responses={(200, "application/octet-stream"): OpenApiTypes.BINARY})
    @action(detail=True, methods=["get"])
    def evidence(self, request: Request, pk: str) -> FileResponse:
        """Download the evidence file (scoped like the assessment itself)."""
        assessment = self.get_object()
        if not assessment.evidence_file:
            raise NotFound("This assessment has no evidence file.")
        served = evidence_served(assessment.evidence_file.name or "")
        return attachment(
            assessment.evidence_file,
            filename=served.filename,
            content_type=served.content_type,
        )


class PersonCompetenciesView(APIView):
    """A person's competencies: what they hold, until when, and what their roles require."""

    @extend_schema(responses=serializers.LearnerCompetencySerializer(many=True))
    def get(self, request: Request, person_id: int) -> Response:
        rows = selectors.learner_competencies(
            actor=actor_from_request(request), learner_id=person_id
        )
        return Response(
            [
                {
                    "competency": row.competency.pk,
                    "code": row.competency.code,
                    "title": row.competency.title,
                    "domain": row.competency.domain,
                    "state": row.cell.state.value,
                    "level": row.cell.level,
                    "valid_until": row.cell.valid_until,
                    "required_level": row.required_level,
                    "organisation": row.organisation_id,
                }
                for row in rows
            ]
        )


class TeamRequirementsView(APIView):
    """A team's competency requirements (managers and org admins of the team)."""

    @extend_schema(responses=serializers.RequirementSerializer(many=True))
    def get(self, request: Request, team_id: int) -> Response:
        team = team_get_for_manager(actor=actor_from_request(request), team_id=team_id)
        requirements = team.requirements.select_related("competency")
        return Response(serializers.RequirementSerializer(requirements, many=True).data)

    @extend_schema(
        request=serializers.RequirementCreateSerializer,
        responses={201: serializers.RequirementSerializer},
    )
    def post(self, request: Request, team_id: int) -> Response:
        payload = serializers.RequirementCreateSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        data = payload.validated_data
        requirement = services.requirement_set(
            actor=actor_from_request(request),
            team_id=team_id,
            competency=selectors.competency_get(data["competency"]),
            level=data["level"],
            role=data["role"],
        )
        return Response(
            serializers.RequirementSerializer(requirement).data, status=status.HTTP_201_CREATED
        )


class TeamMatrixView(APIView):
    """A team's people by competencies, with gaps and attainment by domain. `?format=csv`
    (or `Accept: text/csv`) gives the same cells as CSV."""

    renderer_classes = [JSONRenderer, CSVRenderer]

    @extend_schema(
        parameters=[serializers.MatrixQuerySerializer],
        responses={
            200: serializers.MatrixSerializer,
            (200, "text/csv"): OpenApiResponse(OpenApiTypes.STR, description="The same as CSV"),
        },
    )
    def get(self, request: Request, team_id: int) -> Response:
        matrix = selectors.team_matrix_get(
            actor=actor_from_request(request),
            team_id=team_id,
            filters=serializers.matrix_filters(request.query_params),
        )
        if request.accepted_renderer.format == "csv":
            record_access(
                organisation=matrix.team.organisation,
                kind=AccessKind.PEOPLE_CSV,
                description=matrix_csv_description(matrix),
            )
            filename = f"matrix-team-{team_id}-{matrix.on.isoformat()}.csv"
            return Response(
                list(matrix_csv_rows(matrix)),
                headers={"Content-Disposition": f'attachment; filename="{filename}"'},
            )
        return Response(matrix_data(matrix))
