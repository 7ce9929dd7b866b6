"""Conditional GET for statistics: an exact ETag and Last-Modified, and 304 Not Modified.

The ETag hashes the body itself (and its media type), so it changes exactly when a
figure or a name in the response changes, whatever caused it: a completion, a due date
moved, a requirement added, a record deleted, or the day turning so that something
became overdue. Timestamps on records cannot see all of those (ADR 0008).

Last-Modified is the time this response (endpoint, scope, parameters, format) first
had its current body: one StatsValidator row per response, updated in the same single
statement that reads it, only when the body changed. A nightly pull with
If-None-Match or If-Modified-Since gets 304 and no body while nothing changed.
"""

import datetime
import hashlib
from collections.abc import Iterable

from django.db import connection, transaction
from django.http import HttpRequest, HttpResponse, HttpResponseNotModified
from django.utils import timezone
from django.utils.http import http_date, parse_http_date_safe, quote_etag

from reporting.models import StatsValidator

ONE_SECOND = datetime.timedelta(seconds=1)
CACHE_CONTROL = "private, no-store"
VARY = "Accept, Authorization, Cookie"

# One statement (PostgreSQL): read the row; write it only when the body changed. A new
# time is a whole second (HTTP dates have no fractions), always later than the previous
# one, so a client holding the previous Last-Modified never gets a 304 for another body.
UPSERT_SQL = """
WITH previous AS (
    SELECT etag, changed_at FROM reporting_statsvalidator WHERE key = %(key)s
), written AS (
    INSERT INTO reporting_statsvalidator (key, etag, changed_at)
    SELECT %(key)s, %(etag)s, %(now)s
     WHERE NOT EXISTS (SELECT 1 FROM previous WHERE etag = %(etag)s)
    ON CONFLICT (key) DO UPDATE
       SET etag = EXCLUDED.etag,
           changed_at = GREATEST(EXCLUDED.changed_at,
                                 reporting_statsvalidator.changed_at + interval '1 second')
    RETURNING changed_at
)
SELECT changed_at FROM written
UNION ALL
SELECT changed_at FROM previous WHERE etag = %(etag)s
"""


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


def changed_at(*, key: str, etag: str) -> datetime.datetime:
    """When the response named `key` first had this body (recorded now if it is new)."""
    now = timezone.now().replace(microsecond=0)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(UPSERT_SQL, {"key": key, "etag": etag, "now": now})
            row = cursor.fetchone()
        if row is None or not isinstance(row[0], datetime.datetime):
            raise RuntimeError(f"the validator of {key} returned {row!r}")
        return row[0]
    with transaction.atomic():
        previous = StatsValidator.objects.select_for_update().filter(key=key).first()
        if previous is not None and previous.etag == etag:
            return previous.changed_at
        when = now if previous is None else max(now, previous.changed_at + ONE_SECOND)
        StatsValidator.objects.update_or_create(
            key=key, defaults={"etag": etag, "changed_at": when}
        )
        return when


def conditional_response(
    request: HttpRequest, *, body: bytes, content_type: str, key_parts: Iterable[str]
) -> HttpResponse:
    """A 200 with the body, or a 304, with ETag, Last-Modified and no-store headers."""
    media_type = content_type.split(";", 1)[0]
    etag = body_etag(body, media_type)
    changed = changed_at(key=validator_key(*key_parts, media_type), etag=etag)
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
