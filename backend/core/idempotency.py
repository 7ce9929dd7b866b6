"""Idempotency keys on the API's creating requests (issue 13; ADR 0014).

A client may send `Idempotency-Key: <key>` (the IETF httpapi draft's header) with any API
POST. The first request with a key runs as usual; when it succeeds (2xx) its status,
body and Location are kept for 24 hours, and every repeat by the same actor (the API key,
else the signed-in person) with the same key and the same request answers exactly that,
creating nothing. The rules:

- the same key with a different request (method, path or body) is 422
  `idempotency_key_reused`;
- a repeat while the first is still running is 409 `idempotency_in_progress`; a claim
  left unanswered for 5 minutes (its process died) is taken over by the next repeat;
- an error response is not kept, so a retry after a 4xx or 5xx runs again;
- creating an API key ignores the header (its response holds the secret, never stored);
- keys are per actor: another key or person may use the same one independently.

It works in one place for every view: `IdempotencyKeyPermission` (last of the default
permission classes, so after authentication) claims the key or raises a replay, and
`IdempotencyMiddleware` keeps or releases the claim once the response exists.
"""

import hashlib
import re
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from django.db import IntegrityError, transaction
from django.http import HttpRequest, HttpResponse
from django.http.request import RawPostDataException
from django.http.response import HttpResponseBase
from django.utils import timezone
from rest_framework import exceptions, permissions
from rest_framework.request import Request

from core.errors import HearthError
from core.models import IdempotencyRecord

HEADER = "Idempotency-Key"
REPLAYED_HEADER = "Idempotent-Replayed"
KEY_LIFETIME = timedelta(hours=24)
# Far longer than any request may run (the server's own timeout is shorter).
ABANDONED_AFTER = timedelta(minutes=5)
# Printable ASCII without spaces, as a header value can carry safely; UUIDs fit.
KEY_PATTERN = re.compile(r"^[\x21-\x7e]{1,255}$")
KEY_MESSAGE = "At most 255 printable ASCII characters, no spaces (a UUID is a good key)."
_CLAIM_ATTRIBUTE = "hearth_idempotency_claim"


class IdempotentReplay(Exception):
    """Raised before the view runs when a kept response answers this request."""

    def __init__(self, record: IdempotencyRecord) -> None:
        super().__init__(record.key)
        self.record = record


def honours_key(*, request: Request, view: Any) -> bool:
    """A POST to an API view honours the header unless the view opts out
    (`idempotency_keys = False`, e.g. API key creation). The method is the one sent:
    an OPTIONS request checks permissions as if it were a POST (DRF's metadata), and
    must claim nothing."""
    return request._request.method == "POST" and getattr(view, "idempotency_keys", True)


def _actor(request: Request) -> str:
    if request.auth is not None and getattr(request.auth, "pk", None) is not None:
        return f"api-key:{request.auth.pk}"
    return f"user:{request.user.pk}"


def _fingerprint(request: Request) -> str:
    try:
        body = request._request.body
    except RawPostDataException:  # pragma: no cover - nothing reads the body this early
        body = repr(request.data).encode()
    digest = hashlib.sha256()
    for part in (str(request.method).encode(), request.get_full_path().encode(), body):
        digest.update(len(part).to_bytes(8, "big"))
        digest.update(part)
    return digest.hexdigest()


class IdempotencyKeyPermission(permissions.BasePermission):
    """Claim the request's idempotency key, or answer from the response kept for it."""

    def has_permission(self, request: Request, view: Any) -> bool:
        key = request.headers.get(HEADER)
        if key is None or not honours_key(request=request, view=view):
            return True
        if not KEY_PATTERN.match(key):
            raise exceptions.ValidationError({HEADER: [KEY_MESSAGE]})
        actor, fingerprint = _actor(request), _fingerprint(request)
        try:
            with transaction.atomic():
                record = IdempotencyRecord.objects.create(
                    actor=actor, key=key, fingerprint=fingerprint
                )
        except IntegrityError:
            existing = IdempotencyRecord.objects.filter(actor=actor, key=key).first()
            if existing is not None and existing.fingerprint != fingerprint:
                raise HearthError(
                    "This Idempotency-Key was already used with a different request.",
                    code="idempotency_key_reused",
                    status=422,
                ) from None
            if existing is not None and existing.status is not None:
                raise IdempotentReplay(existing) from None
            # Still running (or its error just released the key): unless it was
            # abandoned, the client should retry shortly.
            if existing is None or not _take_over_abandoned(existing):
                raise HearthError(
                    "A request with this Idempotency-Key is still running; retry shortly.",
                    code="idempotency_in_progress",
                    status=409,
                ) from None
            record = existing
        setattr(request._request, _CLAIM_ATTRIBUTE, record)
        return True


def _take_over_abandoned(record: IdempotencyRecord) -> bool:
    """Claim a record whose request never answered; only one repeat can win it."""
    now = timezone.now()
    won = IdempotencyRecord.objects.filter(
        pk=record.pk, status__isnull=True, created_at__lt=now - ABANDONED_AFTER
    ).update(created_at=now)
    return won == 1


def replay_response(record: IdempotencyRecord) -> HttpResponse:
    """The kept response, byte for byte, marked as a replay."""
    response = HttpResponse(record.body, status=record.status, content_type=record.content_type)
    if record.location:
        response["Location"] = record.location
    response[REPLAYED_HEADER] = "true"
    return response


class IdempotencyMiddleware:
    """Keeps a claimed key's successful response; releases the claim on any other."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        response = self.get_response(request)
        record: IdempotencyRecord | None = getattr(request, _CLAIM_ATTRIBUTE, None)
        if record is None:
            return response
        if 200 <= response.status_code < 300 and isinstance(response, HttpResponse):
            record.status = response.status_code
            record.content_type = response.get("Content-Type", "")
            record.location = response.get("Location", "")
            record.body = response.content.decode()
            record.save(update_fields=["status", "content_type", "location", "body"])
        else:
            record.delete()
        return response


def idempotency_records_purge(*, now: datetime) -> int:
    """Delete the records of keys older than 24 hours; return how many went."""
    deleted, _ = IdempotencyRecord.objects.filter(created_at__lt=now - KEY_LIFETIME).delete()
    return deleted
