"""The erasure and retention API (issue 17): org admins erase a person's records held
under their organisation (or see the erasure postponed by a legal hold, with its reason),
list erasures, and set how long leavers' records are kept. Thin: privacy.services_erasure
decides; another organisation's erasure or person is 404."""

from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.selectors import actor_from_request
from privacy import serializers_erasure as serializers
from privacy import services_erasure


class ErasureListView(APIView):
    """The erasures of the organisations the caller administers, newest first."""

    @extend_schema(
        operation_id="erasure_list",
        parameters=[serializers.ErasureListQuerySerializer],
        responses=serializers.ErasureSerializer(many=True),
    )
    def get(self, request: Request) -> Response:
        query = serializers.ErasureListQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        erasures = services_erasure.erasures_visible_to(
            actor=actor_from_request(request),
            organisation_id=query.validated_data.get("organisation"),
        )
        return Response(serializers.ErasureSerializer(erasures, many=True).data)

    @extend_schema(
        operation_id="erasure_request",
        request=serializers.ErasureRequestSerializer,
        responses={201: serializers.ErasureSerializer, 200: serializers.ErasureSerializer},
    )
    def post(self, request: Request) -> Response:
        """Erase the person's records held under the organisation: done at once (201,
        status `done`), or postponed by the organisation's legal hold (201, status
        `postponed`, with `due_on` and `hold_reason`). Asking again answers the same
        erasure (200) and does nothing more."""
        payload = serializers.ErasureRequestSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        data = payload.validated_data
        erasure, made = services_erasure.erasure_request(
            actor=actor_from_request(request),
            organisation_id=data["organisation"],
            person_id=data["person"],
            withhold_name=data["withhold_name"],
        )
        return Response(
            serializers.ErasureSerializer(erasure).data,
            status=status.HTTP_201_CREATED if made else status.HTTP_200_OK,
        )


class ErasureDetailView(APIView):
    @extend_schema(operation_id="erasure_get", responses=serializers.ErasureSerializer)
    def get(self, request: Request, erasure_id: int) -> Response:
        """One erasure of an organisation the caller administers."""
        erasure = services_erasure.erasure_get(
            actor=actor_from_request(request), erasure_id=erasure_id
        )
        return Response(serializers.ErasureSerializer(erasure).data)


class RetentionPolicyView(APIView):
    @extend_schema(operation_id="retention_get", responses=serializers.RetentionPolicySerializer)
    def get(self, request: Request, organisation_id: int) -> Response:
        """How long the organisation keeps leavers' records, and its legal hold."""
        policy = services_erasure.retention_policy_get(
            actor=actor_from_request(request), organisation_id=organisation_id
        )
        return Response(serializers.RetentionPolicySerializer(policy).data)

    @extend_schema(
        operation_id="retention_set",
        request=serializers.RetentionPolicySerializer,
        responses=serializers.RetentionPolicySerializer,
    )
    def put(self, request: Request, organisation_id: int) -> Response:
        """Set how long leavers' records are kept (the daily job erases them when it has
        run out) and the legal hold that postpones any erasure."""
        payload = serializers.RetentionPolicySerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        data = payload.validated_data
        policy = services_erasure.retention_policy_set(
            actor=actor_from_request(request),
            organisation_id=organisation_id,
            leaver_retention_months=data["leaver_retention_months"],
            legal_hold_years=data["legal_hold_years"],
            legal_hold_reason=data["legal_hold_reason"],
        )
        return Response(serializers.RetentionPolicySerializer(policy).data)
