"""The API of training done elsewhere (list, read, record; its evidence file) and of
exemptions (list, grant). Records are kept, never edited or deleted here (ADR 0021)."""

from typing import Any

import django_filters
from django.db.models import QuerySet
from django.http import FileResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response

from accounts.selectors import actor_from_request
from competencies.evidence import evidence_served
from compliance import selectors, serializers, services
from compliance.models import Exemption, TrainingRecord
from core.downloads import attachment
from core.errors import NotFound
from core.filters import IdFilter


class TrainingRecordFilter(django_filters.FilterSet):
    person = IdFilter(field_name="person_id")
    requirement = IdFilter(field_name="requirement_id")

    class Meta:
        model = TrainingRecord
        fields = ["person", "requirement", "kind"]


class TrainingRecordViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet[TrainingRecord],
):
    """Training a person did elsewhere, counted towards one requirement from the day it
    was completed: list, read and record (a manager of the person's team, an org admin,
    or the organisation's read-write key)."""

    serializer_class = serializers.TrainingRecordSerializer
    filterset_class = TrainingRecordFilter
    parser_classes = [JSONParser, MultiPartParser, FormParser]
    lookup_value_regex = r"[0-9]+"

    def get_queryset(self) -> QuerySet[TrainingRecord]:
        return selectors.training_records_visible_to(actor_from_request(self.request))

    @extend_schema(
        request={
            "application/json": serializers.TrainingRecordCreateSerializer,
            "multipart/form-data": serializers.TrainingRecordCreateSerializer,
        },
        responses={201: serializers.TrainingRecordSerializer},
    )
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        payload = serializers.TrainingRecordCreateSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        data = payload.validated_data
        record = services.training_record_add(
            actor=actor_from_request(request),
            person_id=data["person"],
            requirement_id=data["requirement"],
            kind=data["kind"],
            title=data["title"],
            provider=data.get("provider", ""),
            completed_on=data["completed_on"],
            evidence_file=data.get("evidence_file"),
            notes=data.get("notes", ""),
        )
        return Response(
            serializers.TrainingRecordSerializer(record).data, status=status.HTTP_201_CREATED
        )

    @extend_schema(responses={(200, "application/octet-stream"): OpenApiTypes.BINARY})
    @action(detail=True, methods=["get"])
    def evidence(self, request: Request, pk: str) -> FileResponse:
        """Download the evidence file (scoped like the record itself)."""
        record = self.get_object()
        if not record.evidence_file:
            raise NotFound("This record has no evidence file.")
        served = evidence_served(record.evidence_file.name or "")
        return attachment(
            record.evidence_file, filename=served.filename, content_type=served.content_type
        )


class ExemptionFilter(django_filters.FilterSet):
    person = IdFilter(field_name="person_id")
    requirement = IdFilter(field_name="requirement_id")

    class Meta:
        model = Exemption
        fields = ["person", "requirement"]


class ExemptionViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet[Exemption],
):
    """A person excused from one requirement until a day, with a reason: list, read and
    grant (at most three years ahead)."""

    serializer_class = serializers.ExemptionSerializer
    filterset_class = ExemptionFilter
    lookup_value_regex = r"[0-9]+"

    def get_queryset(self) -> QuerySet[Exemption]:
        return selectors.exemptions_visible_to(actor_from_request(self.request))

    @extend_schema(
        request=serializers.ExemptionCreateSerializer,
        responses={201: serializers.ExemptionSerializer},
    )
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        payload = serializers.ExemptionCreateSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        data = payload.validated_data
        exemption = services.exemption_grant(
            actor=actor_from_request(request),
            person_id=data["person"],
            requirement_id=data["requirement"],
            reason=data["reason"],
            ends_on=data["ends_on"],
        )
        return Response(
            serializers.ExemptionSerializer(exemption).data, status=status.HTTP_201_CREATED
        )
