"""Who made a change and through which request: the context every audit event carries
(issue 17; ADR 0027).

The audit trail is written by database triggers (django-pghistory's on PostgreSQL, ours in
`core.audit_sqlite` on SQLite), so no code can forget it. What a trigger cannot see is who
is asking: `context(...)` supplies it for everything written inside it. On PostgreSQL it
enters `pghistory.context`, which passes the metadata to the triggers with each statement;
on SQLite it sets the value that the SQL functions our triggers call read back.

The metadata holds identifiers only (a person's id, an API key's prefix, the method, path
and request id), never a name or an email: erasing a person then leaves nothing personal in
anyone's events but the person's own row snapshots, which erasure pseudonymises.
"""

import json
import re
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

import pghistory
import pgtrigger
from django.db import connection
from django.http import HttpRequest, HttpResponse

REQUEST_ID_HEADER = "X-Request-ID"
REQUEST_ID_SHAPE = re.compile(r"^[A-Za-z0-9._-]{8,64}$")

_metadata: ContextVar[dict[str, Any] | None] = ContextVar("hearth_audit_metadata", default=None)
_context_id: ContextVar[str | None] = ContextVar("hearth_audit_context_id", default=None)
_may_redact: ContextVar[bool] = ContextVar("hearth_audit_may_redact", default=False)


def _on_postgresql() -> bool:
    return connection.vendor == "postgresql"


@contextmanager
def context(**metadata: Any) -> Iterator[dict[str, Any]]:
    """Attach `metadata` to every audit event written inside. Nested (a task run eagerly
    inside a request), the enclosing context holds: only keys it lacks are added."""
    current = _metadata.get()
    if current is not None:
        note(**{key: value for key, value in metadata.items() if key not in current})
        yield current
        return
    fresh = dict(metadata)
    token = _metadata.set(fresh)
    id_token = _context_id.set(str(uuid.uuid4()))
    try:
        if _on_postgresql():
            with pghistory.context(**fresh) as tracked:
                # One dict for both: what `note` adds reaches pghistory's next statement.
                _metadata.set(tracked.metadata)
                _context_id.set(str(tracked.id))
                yield tracked.metadata
        else:
            yield fresh
    finally:
        _metadata.reset(token)
        _context_id.reset(id_token)


def note(**metadata: Any) -> None:
    """Add to the current context, if there is one (who authenticated, say, once the API
    knows); outside any context it does nothing."""
    current = _metadata.get()
    if current is not None:
        current.update(metadata)


def current() -> dict[str, Any] | None:
    """The metadata events written now would carry (a copy)."""
    value = _metadata.get()
    return None if value is None else dict(value)


def current_json() -> str | None:
    """The context as the triggers store it: JSON text, or None outside any context."""
    value = _metadata.get()
    return None if value is None else json.dumps(value, sort_keys=True, default=str)


def current_id() -> str | None:
    return _context_id.get() if _metadata.get() is not None else None


def may_redact() -> bool:
    """True inside `redacting()`: the SQLite append-only triggers let this connection's
    writes through."""
    return _may_redact.get()


@contextmanager
def redacting() -> Iterator[None]:
    """The one way past the append-only audit tables: erasure pseudonymises a person's
    own events, and the test suite's flush empties them. On PostgreSQL it ignores the
    append-only triggers (pgtrigger.ignore, for this thread); on SQLite it sets the flag
    the triggers read."""
    token = _may_redact.set(True)
    try:
        if _on_postgresql():
            with pgtrigger.ignore(*append_only_triggers()):
                yield
        else:
            yield
    finally:
        _may_redact.reset(token)


def append_only_triggers() -> list[str]:
    """The URIs of every registered append-only trigger (pghistory names them
    `append_only`; the access log uses the same name)."""
    return [
        f"{model._meta.label}:{trigger.name}"
        for model, trigger in pgtrigger.registered()
        if trigger.name == "append_only"
    ]


def request_id(request: HttpRequest) -> str:
    """The caller's X-Request-ID when it is a plausible identifier, else a new one."""
    given = request.headers.get(REQUEST_ID_HEADER, "")
    return given if REQUEST_ID_SHAPE.match(given) else uuid.uuid4().hex


class AuditContextMiddleware:
    """Opens the audit context for each request: the signed-in person (the API key is
    added by its authentication, `accounts.authentication`), the method, the path and the
    request id, which the response carries back as X-Request-ID."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        rid = request_id(request)
        user = getattr(request, "user", None)
        person = user.pk if user is not None and user.is_authenticated else None
        via = "api" if request.path.startswith("/api/") else "web"
        with context(
            person=person, via=via, method=request.method, path=request.path, request_id=rid
        ):
            response = self.get_response(request)
        response[REQUEST_ID_HEADER] = rid
        return response
