"""The audit trail through the API (issue 17; ADR 0027): read-only, for org admins signed
in and the organisation's API keys. Nothing in Hearth creates, changes or deletes an
event: the views answer GET only (anything else is a 405), and the database refuses the
rest. Out of scope and unknown alike are a 404."""

from urllib.parse import urlencode

from drf_spectacular.utils import extend_schema
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.selectors import actor_from_request
from audit import selectors, serializers


class AuditEventListView(APIView):
    """Every change to your organisation's records (people, memberships and roles, teams,
    enrolments and their extensions and withdrawals, requirements, assessments,
    certificates, API keys, identity settings, provisioning tokens) and every audited read
    of personal data, newest first: when, who (a person or an API key), what, the fields
    before and after, and the request. Filter by organisation, kind, actor, the person the
    record is about, the row's id and days. Pages follow `next`."""

    @extend_schema(
        operation_id="audit_events_list",
        parameters=[serializers.AuditQuerySerializer],
        responses=serializers.AuditPageSerializer,
    )
    def get(self, request: Request) -> Response:
        query = serializers.audit_query(request.query_params)
        page = selectors.audit_events_list(
            actor=actor_from_request(request),
            filters=query.filters,
            before=query.before,
            size=query.size,
        )
        following = None
        if page.next is not None:
            params = request.query_params.copy()
            params["before"] = page.next.encode()
            following = request.build_absolute_uri(
                f"{request.path}?{urlencode(list(params.lists()), doseq=True)}"
            )
        body = {"next": following, "results": page.events}
        return Response(serializers.AuditPageSerializer(body).data)


class AuditEventDetailView(APIView):
    """One audit event of your organisation, by its kind and id (as the list gives them)."""

    @extend_schema(responses=serializers.AuditEventSerializer)
    def get(self, request: Request, kind: str, event_id: int) -> Response:
        event = selectors.audit_event_get(
            actor=actor_from_request(request), kind=kind, event_id=event_id
        )
        return Response(serializers.AuditEventSerializer(event).data)
