"""A partnership's required training at a glance (issue 15, ADR 0019): the share met in
each member organisation, suppressed where small, for the partnership's viewers only
(404 for anyone else), as JSON or CSV."""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework.renderers import JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.selectors import actor_from_request
from reporting import selectors, serializers
from reporting.compliance_shares import compliance_shares, compliance_shares_csv
from reporting.renderers import FiguresCSVRenderer


class PartnershipComplianceView(APIView):
    """The share of required training met (compliant or due soon, of all that applies
    less exemptions) in each member organisation, as of today; suppressed below the
    small-number threshold, or where none or all is met. Anyone but its viewers: 404."""

    renderer_classes = [JSONRenderer, FiguresCSVRenderer]

    @extend_schema(
        operation_id="partnership_compliance",
        responses={
            200: serializers.PartnershipComplianceSerializer,
            (200, "text/csv"): OpenApiResponse(OpenApiTypes.STR, description="The same as CSV."),
        },
    )
    def get(self, request: Request, partnership_id: int) -> Response:
        scope = selectors.partnership_scope_for(
            actor_from_request(request), partnership_id=partnership_id
        )
        data = compliance_shares(scope)
        if request.accepted_renderer.format == "csv":
            filename = f"hearth-partnership-compliance-{data['on']}.csv"
            return Response(
                compliance_shares_csv(data),
                headers={"Content-Disposition": f'attachment; filename="{filename}"'},
            )
        return Response(data)
