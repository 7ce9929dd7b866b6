"""The OpenAPI schema tells the truth about every operation (issue 11), in one place.

`AutoSchema` is REST_FRAMEWORK's DEFAULT_SCHEMA_CLASS. On top of drf-spectacular's own
inference it documents, for every operation, the error statuses it can answer, each
with the one error shape (core.api.error_body) as the `Error` component:

- 400 when the operation takes input (a path or query parameter, or a body);
- 401 when it needs a signed-in person or an API key; 403 when that operation writes
  (a read-only key, a role the rule refuses, a missing CSRF token);
- 404 when it names something (a path id, a page, an id in its input): missing and
  out of scope look the same;
- 409 when it writes (the record's state forbids it); 415 when it takes a body;
- 429 when the view is throttled;
- 503 on every operation: the database, the broker or the shared cache is down
  (core.unavailable), with Retry-After.

Every POST that honours an `Idempotency-Key` (core.idempotency) documents that optional
header, and 422 for a key reused with a different request.

It also states the real constraints of ids in paths (whole numbers from 1 to
core.ids.MAX_ID) and of text input (no NUL characters; not blank unless blank is allowed).
"""

import copy
from typing import Any

from django.core.validators import RegexValidator
from drf_spectacular import openapi
from drf_spectacular.plumbing import ResolvedComponent
from drf_spectacular.utils import PolymorphicProxySerializer, extend_schema_field
from rest_framework import permissions, serializers

from core.api import ErrorSerializer
from core.idempotency import HEADER as IDEMPOTENCY_HEADER
from core.ids import MAX_ID

WRITE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
# Text a CharField accepts: no NUL anywhere (PostgreSQL cannot store one) and, unless
# blank is allowed, at least one character that is not whitespace (it is trimmed).
TEXT_PATTERN = r"^[^\x00]*$"
NON_BLANK_TEXT_PATTERN = r"^[^\x00]*[^\s\x00][^\x00]*$"

ERROR_DESCRIPTIONS = {
    "400": "The input is not valid: see `error.fields` for each field's messages.",
    "401": "Not signed in, or the API key is missing, malformed, revoked or expired.",
    "403": "Not allowed: a read-only API key, a role this action needs, or a missing "
    "CSRF token on a signed-in write.",
    "404": "No such object in your scope (another organisation's looks the same), or no such page.",
    "409": "The record's current state does not allow this.",
    "415": "The body's media type is not one this operation reads.",
    "422": "This Idempotency-Key was already used with a different request.",
    "429": "Too many requests: wait for the number of seconds in Retry-After.",
    "503": "Temporarily unavailable (the database, the broker or the shared cache is down): "
    "try again after the number of seconds in Retry-After.",
}


IDEMPOTENCY_PARAMETER = {
    "in": "header",
    "name": IDEMPOTENCY_HEADER,
    "required": False,
    "description": (
        "Optional. A key of your choosing (a UUID) that makes a retry safe: a repeat of "
        "this request with the same key within 24 hours answers the first success's "
        "status and body again (with `Idempotent-Replayed: true`) and creates nothing. "
        "The same key with a different request is 422 `idempotency_key_reused`; a repeat "
        "while the first still runs is 409 `idempotency_in_progress`. Errors are not kept."
    ),
    "schema": {"type": "string", "minLength": 1, "maxLength": 255, "pattern": "^[!-~]+$"},
}


def _is_free_text(schema: dict[str, Any]) -> bool:
    return schema.get("type") == "string" and not {"enum", "format", "pattern"} & set(schema)


class AutoSchema(openapi.AutoSchema):
    """drf-spectacular's AutoSchema plus every error an operation can answer."""

    def get_operation(self, *args: Any, **kwargs: Any) -> dict[str, Any] | None:
        operation = super().get_operation(*args, **kwargs)
        if operation is None:
            return None
        for parameter in operation.get("parameters", []):
            schema = parameter.get("schema", {})
            if parameter["in"] == "path" and schema.get("type") == "integer":
                schema.update(minimum=1, maximum=MAX_ID)
            elif parameter["in"] == "query" and _is_free_text(schema):
                # A named query value is never empty (core.filters.check_query_values).
                schema.update(minLength=1, pattern=TEXT_PATTERN)
        if self._honours_idempotency_key():
            operation.setdefault("parameters", []).append(copy.deepcopy(IDEMPOTENCY_PARAMETER))
        self._add_error_responses(operation)
        return operation

    def _honours_idempotency_key(self) -> bool:
        return self.method == "POST" and getattr(self.view, "idempotency_keys", True)

    def _get_request_body(self, direction: str = "request") -> dict[str, Any] | None:
        body: dict[str, Any] | None = super()._get_request_body(direction)
        # A body given as "one of these shapes" always has required fields.
        if body and isinstance(self.get_request_serializer(), PolymorphicProxySerializer):
            body["required"] = True
        return body

    def _error_statuses(self, operation: dict[str, Any]) -> list[str]:
        statuses = []
        takes_input = bool(operation.get("requestBody")) or any(
            parameter["in"] == "query"
            or (parameter["in"] == "path" and parameter["schema"].get("type") == "integer")
            for parameter in operation.get("parameters", [])
        )
        writes = self.method in WRITE_METHODS
        needs_auth = not any(
            isinstance(permission, permissions.AllowAny)
            for permission in self.view.get_permissions()
        )
        if takes_input:
            statuses.append("400")
        if needs_auth:
            statuses.append("401")
            if writes:
                statuses.append("403")
        if takes_input or any(p["in"] == "path" for p in operation.get("parameters", [])):
            statuses.append("404")
        if writes:
            statuses.append("409")
        if operation.get("requestBody"):
            statuses.append("415")
        if self._honours_idempotency_key():
            statuses.append("422")
        if self.view.get_throttles():
            statuses.append("429")
        statuses.append("503")
        return statuses

    def _add_error_responses(self, operation: dict[str, Any]) -> None:
        component = self.resolve_serializer(ErrorSerializer, "response")
        responses = operation["responses"]
        documented = [code for code in responses if code.startswith("4")]
        for status in sorted({*self._error_statuses(operation), *documented}):
            description = ERROR_DESCRIPTIONS.get(status, "")
            response = responses.setdefault(status, {"description": description})
            response["description"] = response.get("description") or description
            content = response.setdefault("content", {})
            for media_type in self._error_media_types():
                content.setdefault(
                    media_type, {"schema": self._error_schema(media_type, component)}
                )
        operation["responses"] = dict(sorted(responses.items()))

    def _error_media_types(self) -> list[str]:
        """Errors come back in JSON, or as one CSV row where the view renders CSV."""
        media_types = [str(media_type) for media_type in self.map_renderers("media_type")]
        return [m for m in media_types if m == "application/json" or m.startswith("text/csv")] or [
            "application/json"
        ]

    @staticmethod
    def _error_schema(media_type: str, component: ResolvedComponent) -> dict[str, Any]:
        if media_type == "application/json":
            return dict(component.ref)
        return {"type": "string", "description": "One CSV row: `error,<message>`."}

    def _map_basic_serializer(self, serializer: Any, direction: Any) -> dict[str, Any]:
        """A serializer's `schema_not_both = (a, b)` states "never both a and b" (each
        non-null) as a `not` clause."""
        schema: dict[str, Any] = super()._map_basic_serializer(serializer, direction)
        pair = getattr(serializer, "schema_not_both", None)
        if pair and direction == "request":
            properties = schema["properties"]
            schema["not"] = {
                "required": list(pair),
                "properties": {
                    name: {k: v for k, v in properties[name].items() if k != "nullable"}
                    for name in pair
                },
            }
        return schema

    def _map_serializer_field(
        self, field: Any, direction: Any, bypass_extensions: bool = False
    ) -> dict[str, Any]:
        schema: dict[str, Any] = super()._map_serializer_field(field, direction, bypass_extensions)
        if (
            direction == "request"
            and isinstance(field, serializers.CharField)
            and schema.get("type") == "string"
            and "pattern" not in schema
            and "format" not in schema
            and "enum" not in schema
            and not any(isinstance(v, RegexValidator) for v in field.validators)
        ):
            schema["pattern"] = TEXT_PATTERN if field.allow_blank else NON_BLANK_TEXT_PATTERN
        return schema


# No integer lies between 1 and 0, so null is the one value this schema allows (OpenAPI
# 3.0 has no `const: null`, and drf-spectacular drops null from an enum).
@extend_schema_field(
    {"type": "integer", "nullable": True, "minimum": 1, "maximum": 0, "description": "null"}
)
class AlwaysNullField(serializers.Field):
    """Schema only: a property that, when sent, must be null (e.g. an org admin's team)."""
