"""API plumbing shared by every app: pagination and the one JSON error shape.

Every error the API returns looks like this::

    {"error": {"status": 400, "code": "invalid", "message": "...",
               "fields": {"due_date": ["..."]}}}
"""

from collections.abc import Mapping
from typing import Any

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, HttpRequest, JsonResponse
from rest_framework import exceptions, pagination, serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from core.errors import HearthError
from core.idempotency import IdempotentReplay, replay_response

FIELD_ERRORS_MESSAGE = "Some of the values sent are not valid; see fields."


class Pagination(pagination.PageNumberPagination):
    """Page-numbered lists: ?page=N&page_size=M (at most 200). A page or page size that is
    not a whole number in range is a 400; a page past the last one is a 404."""

    page_size_query_param = "page_size"
    max_page_size = 200

    def get_page_size(self, request: Request) -> int | None:
        raw = request.query_params.getlist(self.page_size_query_param)
        if not raw:
            return self.page_size
        return _whole_number(raw, name=self.page_size_query_param, maximum=self.max_page_size)

    def get_page_number(self, request: Request, paginator: Any) -> Any:
        raw = request.query_params.getlist(self.page_query_param)
        if not raw:
            return 1
        return _whole_number(raw, name=self.page_query_param, maximum=None)

    def get_schema_operation_parameters(self, view: Any) -> list[dict[str, Any]]:
        parameters: list[dict[str, Any]] = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            parameter["schema"]["minimum"] = 1
            if parameter["name"] == self.page_size_query_param:
                parameter["schema"]["maximum"] = self.max_page_size
            else:
                parameter["schema"]["maximum"] = PAGE_NUMBER_MAX
        return parameters


# Far beyond any list's last page, and small enough for every database's OFFSET.
PAGE_NUMBER_MAX = 1_000_000


def _whole_number(raw: list[str], *, name: str, maximum: int | None) -> int:
    """One whole number from 1 to the maximum, or a 400 naming the query parameter."""
    top = maximum or PAGE_NUMBER_MAX
    message = f"A whole number from 1 to {top}."
    if len(raw) != 1 or not (raw[0].isascii() and raw[0].isdigit()) or len(raw[0]) > 9:
        raise exceptions.ValidationError({name: [message]})
    number = int(raw[0])
    if not 1 <= number <= top:
        raise exceptions.ValidationError({name: [message]})
    return number


class ErrorDetailSerializer(serializers.Serializer[Any]):
    status = serializers.IntegerField(help_text="The HTTP status, repeated.")
    code = serializers.CharField(help_text="A stable machine-readable word, e.g. `invalid`.")
    message = serializers.CharField(help_text="What went wrong, for a person to read.")

    def get_fields(self) -> dict[str, serializers.Field[Any, Any, Any, Any]]:
        # `fields` is a Serializer attribute, so this one is added here, not declared.
        fields = super().get_fields()
        fields["fields"] = serializers.DictField(
            child=serializers.JSONField(),
            help_text="Per-field messages: each input field's name maps to a list of messages.",
        )
        return fields


class ErrorSerializer(serializers.Serializer[Any]):
    """The one error shape every API error answers with (see error_body)."""

    error = ErrorDetailSerializer()


def error_body(
    *, status: int, code: str, message: str, fields: Mapping[str, Any] | None = None
) -> dict[str, Any]:
    """Build the one error shape used by every API response and JSON page error."""
    return {"error": {"status": status, "code": code, "message": message, "fields": fields or {}}}


def _flatten(detail: Any) -> Any:
    """Turn DRF's nested ErrorDetail structures into plain strings, lists and dicts."""
    if isinstance(detail, dict):
        return {str(key): _flatten(value) for key, value in detail.items()}
    if isinstance(detail, list):
        return [_flatten(item) for item in detail]
    return str(detail)


def exception_handler(exc: Exception, context: Mapping[str, Any]) -> Response | None:
    """Map business-rule errors and DRF's own errors to the one JSON error shape."""
    if isinstance(exc, IdempotentReplay):
        return replay_response(exc.record)  # type: ignore[return-value]
    if isinstance(exc, HearthError):
        return Response(
            error_body(status=exc.status, code=exc.code, message=exc.message, fields=exc.fields),
            status=exc.status,
        )
    if isinstance(exc, DjangoValidationError):
        fields = exc.message_dict if hasattr(exc, "error_dict") else {}
        message = FIELD_ERRORS_MESSAGE if fields else " ".join(exc.messages)
        return Response(
            error_body(status=400, code="invalid", message=message, fields=fields), status=400
        )
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, PermissionDenied):
        exc = exceptions.PermissionDenied()
    response = drf_exception_handler(exc, dict(context))
    if response is None or not isinstance(exc, exceptions.APIException):
        return response
    detail = _flatten(exc.detail)
    if isinstance(detail, dict) and "detail" not in detail:
        message, fields = FIELD_ERRORS_MESSAGE, detail
    elif isinstance(detail, list):
        message, fields = " ".join(str(item) for item in detail), {}
    else:
        message = str(detail.get("detail", detail)) if isinstance(detail, dict) else detail
        fields = {}
    code = exc.get_codes()
    code_word = code if isinstance(code, str) else exc.default_code
    response.data = error_body(
        status=response.status_code, code=str(code_word), message=message, fields=fields
    )
    return response


def json_not_found(request: HttpRequest, exception: Exception | None = None) -> JsonResponse:
    """404 for unknown URLs under /api/, in the API's error shape."""
    body = error_body(status=404, code="not_found", message="No such API endpoint.")
    return JsonResponse(body, status=404)


def json_server_error(request: HttpRequest) -> JsonResponse:
    """500 under /api/, in the API's error shape (never an HTML page to an API client)."""
    body = error_body(status=500, code="server_error", message="Something went wrong on our side.")
    return JsonResponse(body, status=500)
