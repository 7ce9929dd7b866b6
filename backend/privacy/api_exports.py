"""API for the exports (issue 17): ask for a subject access or organisation export (202,
built by the worker), poll it, download its ZIP while it is ready (each download logged).
Thin: services_exports writes, exports_selectors scopes; out of scope answers 404."""

from typing import Any

from django.db.models import QuerySet
from django.http import FileResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.negotiation import BaseContentNegotiation
from rest_framework.request import Request
from rest_framework.response import Response

from accounts.selectors import actor_from_request
from core.downloads import attachment
from privacy import exports_selectors, services_exports
from privacy.exports_serializers import (
    OrganisationExportRequestSerializer,
    OrganisationExportSerializer,
    SubjectAccessExportSerializer,
    SubjectAccessRequestSerializer,
)
from privacy.models import OrganisationExport, SubjectAccessExport

ZIP_RESPONSES = {
    (200, "application/zip"): OpenApiResponse(OpenApiTypes.BINARY, description="The ZIP."),
    409: OpenApiResponse(description="The export is still being prepared."),
    410: OpenApiResponse(description="The export expired; its file is deleted."),
}


class FirstRendererNegotiation(BaseContentNegotiation):
    """The download answers a file whatever the Accept header says, and errors in JSON."""

    def select_parser(self, request: Request, parsers: Any) -> Any:
        return parsers[0]

    def select_renderer(self, request: Request, renderers: Any, format_suffix: Any = None) -> Any:
        return (renderers[0], renderers[0].media_type)


def _accepted(data: dict[str, Any]) -> Response:
    return Response(data, status=status.HTTP_202_ACCEPTED, headers={"Location": data["status_url"]})


class SubjectAccessExportViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet[SubjectAccessExport]
):
    """Subject access exports: a copy of everything Hearth holds about a person. People
    see their own; org admins (and the organisation's keys) the ones made for their
    organisation's people. Ready for 7 days, then deleted."""

    serializer_class = SubjectAccessExportSerializer

    def get_queryset(self) -> QuerySet[SubjectAccessExport]:
        return exports_selectors.subject_access_exports_visible_to(actor_from_request(self.request))

    @extend_schema(
        request=SubjectAccessRequestSerializer, responses={202: SubjectAccessExportSerializer}
    )
    def create(self, request: Request) -> Response:
        """Ask for an export: your own (every organisation), or an org admin's for a person
        of their organisation (what it holds). The worker builds it; poll status_url."""
        params = SubjectAccessRequestSerializer(data=request.data)
        params.is_valid(raise_exception=True)
        export = services_exports.subject_access_request(
            actor=actor_from_request(request),
            person_id=params.validated_data.get("person"),
            organisation_id=params.validated_data.get("organisation"),
        )
        return _accepted(SubjectAccessExportSerializer(export).data)

    @extend_schema(responses=ZIP_RESPONSES)
    @action(detail=True, methods=["get"], content_negotiation_class=FirstRendererNegotiation)
    def download(self, request: Request, pk: str) -> FileResponse:
        """The export's ZIP while it is ready (each download is logged)."""
        export = services_exports.subject_access_download(
            actor=actor_from_request(request), export_id=int(pk)
        )
        return attachment(
            export.file,
            filename=f"hearth-subject-access-{export.pk}.zip",
            content_type="application/zip",
        )


class OrganisationExportViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet[OrganisationExport]
):
    """Organisation exports: everything held under the organisation, a CSV and a JSON
    file per table in one ZIP, for its org admins and keys. Ready for 7 days."""

    serializer_class = OrganisationExportSerializer

    def get_queryset(self) -> QuerySet[OrganisationExport]:
        return exports_selectors.organisation_exports_visible_to(actor_from_request(self.request))

    @extend_schema(
        request=OrganisationExportRequestSerializer,
        responses={202: OrganisationExportSerializer},
    )
    def create(self, request: Request) -> Response:
        """Ask for an organisation export. The worker builds it; poll status_url."""
        params = OrganisationExportRequestSerializer(data=request.data)
        params.is_valid(raise_exception=True)
        export = services_exports.organisation_export_request(
            actor=actor_from_request(request),
            organisation_id=params.validated_data.get("organisation"),
        )
        return _accepted(OrganisationExportSerializer(export).data)

    @extend_schema(responses=ZIP_RESPONSES)
    @action(detail=True, methods=["get"], content_negotiation_class=FirstRendererNegotiation)
    def download(self, request: Request, pk: str) -> FileResponse:
        """The export's ZIP while it is ready (each download is logged)."""
        export = services_exports.organisation_export_download(
            actor=actor_from_request(request), export_id=int(pk)
        )
        return attachment(
            export.file,
            filename=f"hearth-organisation-export-{export.pk}.zip",
            content_type="application/zip",
        )
