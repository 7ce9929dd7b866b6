"""The audit trail's filters (the API and the page validate them alike) and its API
representation."""

import datetime
import re
from dataclasses import dataclass
from typing import Any

from django.utils import timezone
from rest_framework import serializers
from rest_framework.exceptions import ValidationError

from audit.registry import CHOICES
from audit.selectors import AuditFilters, Position
from core.filters import QuerySerializer
from core.ids import MAX_ID

API_KEY_PREFIX = re.compile(r"^[A-Za-z0-9]{8}$")
OBJECT_ID = re.compile(r"^(?:[1-9][0-9]{0,17}|[A-Za-z0-9]{8})$")
ACTOR_HELP = "A person's id, or an API key's prefix (its first 8 characters)."
PAGE_SIZE = 50
MAX_PAGE_SIZE = 200


class AuditQuerySerializer(QuerySerializer):
    organisation = serializers.IntegerField(
        required=False, min_value=1, max_value=MAX_ID, help_text="One of your organisations."
    )
    kind = serializers.ChoiceField(choices=CHOICES, required=False, help_text="The kind of record.")
    actor = serializers.CharField(required=False, max_length=20, help_text=ACTOR_HELP)
    person = serializers.IntegerField(
        required=False, min_value=1, max_value=MAX_ID, help_text="The person the record is about."
    )
    object = serializers.RegexField(
        OBJECT_ID,
        required=False,
        help_text="The changed row's id (an API key's or provisioning token's prefix).",
    )
    # `from` is a Python keyword: declared in get_fields.
    to = serializers.DateField(required=False, help_text="Up to this day (inclusive).")
    before = serializers.CharField(
        required=False, max_length=200, help_text="The `next` position a previous page gave."
    )
    page_size = serializers.IntegerField(required=False, min_value=1, max_value=MAX_PAGE_SIZE)

    def get_fields(self) -> dict[str, serializers.Field[Any, Any, Any, Any]]:
        fields = super().get_fields()
        fields["from"] = serializers.DateField(required=False, help_text="From this day on.")
        return fields

    def validate_actor(self, value: str) -> str:
        if value.isascii() and value.isdigit() and 1 <= int(value) <= MAX_ID:
            return value
        if API_KEY_PREFIX.match(value):
            return value
        raise ValidationError(ACTOR_HELP)

    def validate_before(self, value: str) -> Position:
        position = Position.decode(value)
        if position is None:
            raise ValidationError("Not a position this list gave; start from the first page.")
        return position

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        since, until = attrs.get("from"), attrs.get("to")
        if since is not None and until is not None and since > until:
            raise ValidationError({"to": ["On or after the day in from."]})
        return attrs


@dataclass(frozen=True)
class AuditQuery:
    filters: AuditFilters
    before: Position | None
    size: int


def _start_of(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def audit_query(params: Any, *, blank_means_any: bool = False) -> AuditQuery:
    """Validate the trail's query (a 400 with field errors if anything is wrong). The page's
    form sends its "any" choices empty; the API refuses an empty parameter."""
    if blank_means_any:
        params = {name: value for name, value in params.items() if value != ""}
    query = AuditQuerySerializer(data=params)
    query.is_valid(raise_exception=True)
    data = query.validated_data
    actor = data.get("actor")
    person = int(actor) if actor is not None and actor.isdigit() else None
    since, until = data.get("from"), data.get("to")
    filters = AuditFilters(
        organisation_id=data.get("organisation"),
        kind=data.get("kind"),
        actor_person=person,
        actor_api_key=actor if actor is not None and person is None else None,
        subject=data.get("person"),
        object_id=data.get("object"),
        since=_start_of(since) if since else None,
        until=_start_of(until + datetime.timedelta(days=1)) if until else None,
    )
    return AuditQuery(
        filters=filters, before=data.get("before"), size=data.get("page_size", PAGE_SIZE)
    )


class ChangeSerializer(serializers.Serializer[Any]):
    field = serializers.CharField(help_text="The column, as stored (`team_id` for a team).")
    before = serializers.JSONField(allow_null=True, help_text="Null for an insert.")
    after = serializers.JSONField(allow_null=True, help_text="Null for a delete.")


class AuditActorSerializer(serializers.Serializer[Any]):
    person = serializers.IntegerField(source="actor_person", allow_null=True)
    api_key = serializers.CharField(source="actor_api_key", allow_null=True)
    name = serializers.CharField(
        source="actor_name",
        help_text="The person's current name, the API key, “Hearth (scheduled job)”, or “—”.",
    )
    via = serializers.CharField(help_text="web, api or task; empty when not known.")


class AuditRequestSerializer(serializers.Serializer[Any]):
    method = serializers.CharField()
    path = serializers.CharField()
    request_id = serializers.CharField(help_text="As sent back in the X-Request-ID header.")


class AuditEventSerializer(serializers.Serializer[Any]):
    kind = serializers.ChoiceField(choices=CHOICES)
    kind_name = serializers.CharField()
    id = serializers.IntegerField(source="event_id", help_text="The event's id within its kind.")
    at = serializers.DateTimeField()
    action = serializers.ChoiceField(choices=["insert", "update", "delete", "read"])
    object_id = serializers.CharField(
        allow_null=True,
        help_text="The row's id (an API key's or token's prefix); null for a read.",
    )
    object_label = serializers.CharField(help_text="What names the row (a team's name...).")
    person = serializers.IntegerField(
        source="subject_id", allow_null=True, help_text="The person the record is about."
    )
    person_name = serializers.CharField(source="subject_name")
    actor = AuditActorSerializer(source="*")
    request = AuditRequestSerializer(source="*")
    changes = ChangeSerializer(many=True, help_text="The fields that changed.")
    description = serializers.CharField(help_text="For a read: what was read.")


class AuditPageSerializer(serializers.Serializer[Any]):
    next = serializers.CharField(allow_null=True, help_text="The next (older) page's URL.")
    results = AuditEventSerializer(many=True)
