"""The certificates API: certificates and their PDFs, revoking and reissuing, and public
verification (a failed issue job is a background job: accounts.api.JobViewSet).

Querysets come from certificates.selectors (scoped through accounts.selectors), so
anything outside the caller's scope is a 404; writes go through certificates.services.
"""

from collections.abc import Callable
from typing import Any

import django_filters
from django.db.models import Q, QuerySet
from django.http import FileResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import status, viewsets
from rest_framework.decorators import action
from rest_framework.negotiation import BaseContentNegotiation
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.selectors import actor_from_request
from certificates import selectors, serializers, services
from certificates.models import Certificate, CertificateStatus
from certificates.services_recognition import certificate_recognise
from certificates.throttling import VerifyThrottle
from compliance.serializers import RecogniseSerializer, TrainingRecordSerializer
from core.downloads import attachment
from core.filters import IdFilter


class FirstRendererNegotiation(BaseContentNegotiation):
    """The PDF download answers a file whatever the Accept header says, and errors in JSON."""

    def select_parser(self, request: Request, parsers: Any) -> Any:
        return parsers[0]

    def select_renderer(self, request: Request, renderers: Any, format_suffix: Any = None) -> Any:
        return (renderers[0], renderers[0].media_type)


class CertificateFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(choices=CertificateStatus.choices, method="filter_status")
    learner = IdFilter(field_name="learner_id")
    module = IdFilter(field_name="module_id")
    issued_after = django_filters.DateFilter(field_name="issued_at", lookup_expr="date__gte")
    issued_before = django_filters.DateFilter(field_name="issued_at", lookup_expr="date__lte")

    class Meta:
        model = Certificate
        fields = ["status", "learner", "module", "issued_after", "issued_before"]

    def filter_status(
        self, queryset: QuerySet[Certificate], name: str, value: str
    ) -> QuerySet[Certificate]:
        if value == CertificateStatus.REVOKED:
            return queryset.filter(revoked_at__isnull=False)
        if value == CertificateStatus.SUPERSEDED:
            return queryset.filter(revoked_at__isnull=True, superseded_at__isnull=False)
        return queryset.filter(Q(revoked_at__isnull=True) & Q(superseded_at__isnull=True))


class CertificateViewSet(viewsets.ReadOnlyModelViewSet[Certificate]):
    """Certificates: a learner's own, a manager's teams', an org admin's (or API key's)
    organisation's. Org admins revoke and reissue them."""

    serializer_class = serializers.CertificateSerializer
    filterset_class = CertificateFilter

    def get_queryset(self) -> QuerySet[Certificate]:
        return selectors.certificates_visible_to(actor_from_request(self.request))

    @extend_schema(
        responses={
            (200, "application/pdf"): OpenApiResponse(
                OpenApiTypes.BINARY, description="The certificate as a PDF."
            ),
            409: OpenApiResponse(description="The PDF is still being prepared."),
        }
    )
    @action(
        detail=True,
        methods=["get"],
        content_negotiation_class=FirstRendererNegotiation,
        filterset_class=None,
    )
    def pdf(self, request: Request, pk: str) -> FileResponse:
        """Download the certificate's PDF (authenticated and scoped like the certificate)."""
        certificate: Certificate = self.get_object()
        return attachment(
            selectors.certificate_pdf_file(certificate),
            filename=f"{certificate.number}.pdf",
            content_type="application/pdf",
        )

    @extend_schema(
        request=serializers.ReasonSerializer, responses=serializers.CertificateSerializer
    )
    @action(detail=True, methods=["post"], filterset_class=None)
    def revoke(self, request: Request, pk: str) -> Response:
        """Revoke with a reason (an admin of the certificate's organisation, signed in)."""
        certificate = self._act_with_reason(request, services.certificate_revoke)
        return Response(self._fresh(request, certificate.pk))

    @extend_schema(
        request=serializers.ReasonSerializer,
        responses={201: serializers.CertificateSerializer},
    )
    @action(detail=True, methods=["post"], filterset_class=None)
    def reissue(self, request: Request, pk: str) -> Response:
        """Replace with a new certificate (new number and code, the learner's name as it is
        now); the old one is superseded. Its PDF and email follow shortly."""
        new = self._act_with_reason(request, services.certificate_reissue)
        return Response(self._fresh(request, new.pk), status=status.HTTP_201_CREATED)

    def _act_with_reason(self, request: Request, act: Callable[..., Certificate]) -> Certificate:
        """Check the posted reason, then call the service `act` on this certificate."""
        payload = serializers.ReasonSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        return act(
            actor=actor_from_request(request),
            certificate=self.get_object(),
            reason=payload.validated_data["reason"],
        )

    def _fresh(self, request: Request, certificate_id: int) -> Any:
        certificate = selectors.certificate_get(
            actor=actor_from_request(request), certificate_id=certificate_id
        )
        return serializers.CertificateSerializer(certificate).data


class VerifyView(APIView):
    """Public: is the certificate with this code genuine and current? Answers only what
    is printed on the certificate. Rate-limited per client address; no sign-in."""

    authentication_classes: list[Any] = []
    permission_classes = [AllowAny]
    throttle_classes = [VerifyThrottle]

    @extend_schema(
        auth=[],
        parameters=[
            OpenApiParameter(
                "code", str, OpenApiParameter.PATH, description="The code from /verify/<code>."
            )
        ],
        responses={
            200: serializers.VerificationSerializer,
            404: OpenApiResponse(description="No certificate has this code."),
            429: OpenApiResponse(description="Too many checks from this address; wait."),
        },
    )
    def get(self, request: Request, code: str) -> Response:
        verification = selectors.verification_get(code=code)
        return Response(serializers.VerificationSerializer(verification).data)


class RecogniseView(APIView):
    """Recognise a Hearth certificate another organisation issued (a new starter's
    passport) by its verification code: recorded as training done elsewhere against one
    of the person's requirements, so they do not repeat it (ADR 0021)."""

    @extend_schema(
        request=RecogniseSerializer,
        responses={
            201: TrainingRecordSerializer,
            400: OpenApiResponse(
                description="The code is unknown, revoked, replaced or not theirs."
            ),
            409: OpenApiResponse(description="Already recognised for this requirement."),
        },
    )
    def post(self, request: Request) -> Response:
        payload = RecogniseSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        data = payload.validated_data
        record = certificate_recognise(
            actor=actor_from_request(request),
            person_id=data["person"],
            requirement_id=data["requirement"],
            code=data["code"],
        )
        return Response(TrainingRecordSerializer(record).data, status=status.HTTP_201_CREATED)
