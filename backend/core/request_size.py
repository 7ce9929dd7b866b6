"""Request bodies are refused before they reach memory or disk when over the limit.

Django writes a multipart upload to a temporary file while it parses it, so a service
checking an evidence file's size sees a 2 GB upload only after all of it is on disk.
This middleware runs before anything reads the body: a declared Content-Length over
`HEARTH_REQUEST_MAX_BYTES` is answered 413 at once, and every read of the body is
counted, so a body without a Content-Length (chunked) stops at the limit too: that
raises RequestDataTooBig, which config.errors answers with the same 413 (JSON in the
API's error shape under /api/, a page elsewhere).
"""

import io
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.http import HttpRequest, HttpResponse, HttpResponseBase, JsonResponse
from django.shortcuts import render

from core.api import error_body


def request_limit_message() -> str:
    """What a refused sender is told: the limit in whole megabytes."""
    megabytes = settings.HEARTH_REQUEST_MAX_BYTES / (1024 * 1024)
    return f"The request is larger than {megabytes:g} MB, the most Hearth accepts."


def request_too_large(request: HttpRequest) -> HttpResponse:
    """413 Content Too Large: the API's error shape under /api/, a page elsewhere."""
    message = request_limit_message()
    if request.path_info.startswith("/api/"):
        body = error_body(status=413, code="request_too_large", message=message)
        return JsonResponse(body, status=413)
    return render(request, "413.html", {"message": message}, status=413)


class BodyLimitStream(io.IOBase):
    """A request body stream that raises RequestDataTooBig once more than `limit` bytes
    have been read, whatever the headers said."""

    def __init__(self, stream: Any, limit: int) -> None:
        self._stream = stream
        self._limit = limit
        self._read = 0

    def _count(self, data: bytes) -> bytes:
        self._read += len(data)
        if self._read > self._limit:
            raise RequestDataTooBig(request_limit_message())
        return data

    def read(self, size: int | None = -1) -> bytes:
        # Never ask the stream for more than one byte past the limit.
        room = self._limit - self._read + 1
        wanted = room if size is None or size < 0 else min(size, room)
        return self._count(self._stream.read(wanted))

    def readline(self, size: int | None = -1) -> bytes:
        room = self._limit - self._read + 1
        wanted = room if size is None or size < 0 else min(size, room)
        return self._count(self._stream.readline(wanted))

    def readable(self) -> bool:
        return True

    def close(self) -> None:
        self._stream.close()
        super().close()


class RequestSizeLimitMiddleware:
    """Refuse request bodies over HEARTH_REQUEST_MAX_BYTES before they are read (issue 12)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        limit: int = settings.HEARTH_REQUEST_MAX_BYTES
        try:
            declared = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            declared = 0
        if declared > limit:
            return request_too_large(request)
        stream = getattr(request, "_stream", None)
        if stream is not None:
            request._stream = BodyLimitStream(stream, limit)  # type: ignore[assignment]
        return self.get_response(request)
