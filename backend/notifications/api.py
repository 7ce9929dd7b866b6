"""The reminders API: an org admin sees their organisation's reminder log, failures
included, so a permanent delivery failure never goes unnoticed."""

from typing import Any

import django_filters
from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, viewsets
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.selectors import actor_from_request, organisation_get_for_admin
from core.errors import Forbidden
from core.filters import IdFilter
from notifications import selectors, services
from notifications.models import Kind, MandatoryKind, ReminderLog


class ReminderSerializer(serializers.ModelSerializer[ReminderLog]):
    person_name = serializers.CharField(source="person.full_name", read_only=True)

    class Meta:
        model = ReminderLog
        fields = [
            "id",
            "person",
            "person_name",
            "kind",
            "object_type",
            "object_id",
            "window",
            "status",
            "planned_at",
            "sent_at",
            "attempts",
            "last_error",
        ]
        read_only_fields = fields


class ReminderFilter(django_filters.FilterSet):
    person = IdFilter(field_name="person_id")

    class Meta:
        model = ReminderLog
        fields = ["status", "kind", "person"]


class ReminderViewSet(viewsets.ReadOnlyModelViewSet[ReminderLog]):
    """Reminders sent (or not) by Hearth: `?status=failed` lists permanent failures."""

    serializer_class = ReminderSerializer
    filterset_class = ReminderFilter

    def get_queryset(self) -> QuerySet[ReminderLog]:
        return selectors.reminders_visible_to(actor_from_request(self.request)).order_by(
            "-planned_at", "-pk"
        )


class MandatoryKindsSerializer(serializers.Serializer[Any]):
    kinds = serializers.ListField(child=serializers.ChoiceField(choices=Kind.choices))


class MandatoryKindsView(APIView):
    """The kinds of email an organisation makes mandatory for its people (org admins):
    they keep arriving even if a person opts out, and the preferences page says so."""

    @extend_schema(responses=MandatoryKindsSerializer)
    def get(self, request: Request, organisation_id: int) -> Response:
        organisation = organisation_get_for_admin(
            actor=actor_from_request(request), organisation_id=organisation_id
        )
        kinds = MandatoryKind.objects.filter(organisation=organisation).order_by("kind")
        return Response({"kinds": [row.kind for row in kinds]})

    @extend_schema(request=MandatoryKindsSerializer, responses=MandatoryKindsSerializer)
    def put(self, request: Request, organisation_id: int) -> Response:
        actor = actor_from_request(request)
        organisation = organisation_get_for_admin(actor=actor, organisation_id=organisation_id)
        payload = MandatoryKindsSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        if not actor.can_write:
            raise Forbidden("This API key is read-only.", code="read_only")
        kinds = set(payload.validated_data["kinds"])
        services.mandatory_kinds_set(organisation=organisation, kinds=kinds)
        return Response({"kinds": sorted(kinds)})
