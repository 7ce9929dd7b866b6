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
from rest_framework import exceptions, pagination
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from core.errors import HearthError

FIELD_ERRORS_MESSAGE = "Some of the values sent are not valid; see fields."


class Pagination(pagination.PageNumberPagination):
    """Page-numbered lists: ?page=N&page_size=M (at most 200)."""

    page_size_query_param = "page_size"
    max_page_size = 200


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
