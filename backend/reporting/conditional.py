"""Conditional GET for statistics: an exact ETag and Last-Modified, and 304 Not Modified.

The ETag hashes the body itself (and its media type), so it changes exactly when a
figure or a name in the response changes, whatever caused it: a completion, a due date
moved, a requirement added, a record deleted, or the day turning so that something
became overdue. Timestamps on records cannot see all of those (ADR 0008).

Last-Modified is the time this response (endpoint, scope, parameters, format) first
had its current body: one StatsValidator row per response, updated in the same single
statement that reads it, only when the body changed (the write is
reporting.services.stats_validator_record). A nightly pull with If-None-Match or
If-Modified-Since gets 304 and no body while nothing changed.
"""

import datetime
import hashlib
from collections.abc import Iterable

from django.http import HttpRequest, HttpResponse, HttpResponseNotModified
from django.utils import timezone
from django.utils.http import http_date, parse_http_date_safe, quote_etag

from reporting.services import stats_validator_record

CACHE_CONTROL = "private, no-store"
VARY = "Accept, Authorization, Cookie"


def validator_key(*parts: str) -> str:
    """A fixed-length name for one response: endpoint, scope, parameters and format."""
    return hashlib.sha256("\x1f".join(parts).encode()).hexdigest()


def query_signature(request: HttpRequest, ignore: Iterable[str] = ()) -> str:
    """The query string in a canonical order (so ?a=1&b=2 and ?b=2&a=1 are one response)."""
    skipped = set(ignore)
    items = sorted(
        (name, value)
        for name, values in request.GET.lists()
        if name not in skipped
        for value in values
    )
    return "&".join(f"{name}={value}" for name, value in items)


def body_etag(body: bytes, media_type: str) -> str:
    digest = hashlib.sha256(media_type.encode() + b"\x00" + body).hexdigest()
    return digest[:40]


def conditional_response(
    request: HttpRequest, *, body: bytes, content_type: str, key_parts: Iterable[str]
) -> HttpResponse:
    """A 200 with the body, or a 304, with ETag, Last-Modified and no-store headers."""
    media_type = content_type.split(";", 1)[0]
    etag = body_etag(body, media_type)
    changed = stats_validator_record(key=validator_key(*key_parts, media_type), etag=etag)
    quoted = quote_etag(etag)
    now = timezone.now()
    # Never claim a modification later than now (RFC 9110 8.8.2.1); compare the stored time.
    last_modified = http_date(min(changed, now).timestamp())
    if _not_modified(request, quoted, changed):
        response: HttpResponse = HttpResponseNotModified()
    else:
        response = HttpResponse(body, content_type=content_type)
    response["ETag"] = quoted
    response["Last-Modified"] = last_modified
    response["Cache-Control"] = CACHE_CONTROL
    response["Vary"] = VARY
    return response


def _not_modified(request: HttpRequest, quoted_etag: str, changed: datetime.datetime) -> bool:
    """RFC 9110 13.2.2: If-None-Match decides when present (weak comparison); otherwise
    If-Modified-Since, when the body has not changed since that time."""
    if_none_match = request.headers.get("If-None-Match")
    if if_none_match is not None:
        if if_none_match.strip() == "*":
            return True
        wanted = quoted_etag.removeprefix("W/")
        return any(tag.strip().removeprefix("W/") == wanted for tag in if_none_match.split(","))
    if_modified_since = request.headers.get("If-Modified-Since")
    if if_modified_since is None:
        return False
    since = parse_http_date_safe(if_modified_since)
    return since is not None and changed.timestamp() <= since
