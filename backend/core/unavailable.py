"""503 Service Unavailable while a dependency is down (ADR 0015).

When the database, the broker or the shared cache cannot be reached during a request,
the person is told Hearth is temporarily unavailable, never shown a 500 (nor, in DEBUG,
Django's debug page, which would say nothing more useful): the API's one error shape
(code `unavailable`) under /api/, a standalone page elsewhere, both with a Retry-After
header. The page is rendered without the request, so no context processor (nor anything
else) reaches for the database that is down.

Two hooks, one rule: a view (or its template) that raises is answered by
`process_exception`; anything else in the request's path that raises (another
middleware reading `request.user` on the way out, say) is turned into a 500 by Django
before any outer middleware sees it, so `note_dependency_down` (connected to
`got_request_exception` in core.apps) marks the request and this middleware, the
outermost, replaces that 500 with the 503.
"""

import logging
import sys
from collections.abc import Callable

import kombu.exceptions
import redis.exceptions
from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse, HttpResponseBase, JsonResponse
from django.template.loader import render_to_string

from core.api import error_body

logger = logging.getLogger("core.unavailable")

RETRY_AFTER_SECONDS = 60
DOWN_MARK = "hearth_dependency_down"
UNAVAILABLE_MESSAGE = "Hearth is temporarily unavailable. Please try again in a minute."

# What "a dependency is down" raises: Django's database errors wrap the driver's; kombu's
# OperationalError is a broker that cannot be reached when enqueueing; redis's are the
# shared cache (and a Redis broker reached directly).
DEPENDENCY_DOWN: tuple[type[BaseException], ...] = (
    OperationalError,
    InterfaceError,
    kombu.exceptions.OperationalError,
    redis.exceptions.ConnectionError,
    redis.exceptions.TimeoutError,
)


def unavailable_response(request: HttpRequest) -> HttpResponse:
    """503 with Retry-After: the API's error shape under /api/, the standalone page
    elsewhere."""
    response: HttpResponse
    if request.path_info.startswith("/api/"):
        body = error_body(status=503, code="unavailable", message=UNAVAILABLE_MESSAGE)
        response = JsonResponse(body, status=503)
    else:
        page = render_to_string("503.html", {"message": UNAVAILABLE_MESSAGE})
        response = HttpResponse(page, status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    response["Cache-Control"] = "no-store"
    return response


class DependencyUnavailableMiddleware:
    """Answer 503 for a view (or its template) that finds the database, the broker or the
    shared cache unreachable; every other exception goes on to the usual handling."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        response = self.get_response(request)
        if getattr(request, DOWN_MARK, None) is not None:
            return unavailable_response(request)
        return response

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not isinstance(exception, DEPENDENCY_DOWN):
            return None
        logger.error(
            "dependency unavailable during %s %s: %s: %s",
            request.method,
            request.path_info,
            type(exception).__name__,
            exception,
        )
        return unavailable_response(request)


def note_dependency_down(
    sender: object, request: HttpRequest | None = None, **kwargs: object
) -> None:
    """got_request_exception receiver: mark the request if what Django is about to answer
    with a 500 is a dependency that is down (the exception being handled)."""
    exception = sys.exc_info()[1]
    if request is not None and isinstance(exception, DEPENDENCY_DOWN):
        setattr(request, DOWN_MARK, exception)
