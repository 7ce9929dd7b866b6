"""Error pages: JSON in the API's error shape under /api/, friendly HTML elsewhere."""

from django.core.exceptions import RequestDataTooBig
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views import defaults

from core.api import error_body, json_not_found, json_server_error
from core.request_size import request_too_large


def bad_request(request: HttpRequest, exception: Exception) -> HttpResponse:
    """A body over the size limit is 413; any other malformed request 400."""
    if isinstance(exception, RequestDataTooBig):
        return request_too_large(request)
    if request.path.startswith("/api/"):
        body = error_body(status=400, code="bad_request", message="The request is malformed.")
        return JsonResponse(body, status=400)
    return defaults.bad_request(request, exception)


def not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    if request.path.startswith("/api/"):
        return json_not_found(request, exception)
    return defaults.page_not_found(request, exception)


def permission_denied(request: HttpRequest, exception: Exception) -> HttpResponse:
    if request.path.startswith("/api/"):
        body = error_body(status=403, code="permission_denied", message="Not allowed.")
        return JsonResponse(body, status=403)
    return defaults.permission_denied(request, exception)


def server_error(request: HttpRequest) -> HttpResponse:
    if request.path.startswith("/api/"):
        return json_server_error(request)
    return defaults.server_error(request)
