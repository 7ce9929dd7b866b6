"""The people file kept between the bulk onboarding page's preview and its apply (ADR
0022, "The page"): Django's cache (the shared Redis cache in full mode, each process's
memory in the embedded default), for an hour, under the organisation, the admin and the
SHA-256 of the bytes, so one admin's preview is theirs alone. Not the database: a lost
entry only means uploading the file again."""

import hashlib

from django.core.cache import cache

KEPT_SECONDS = 60 * 60


def _key(organisation_id: int, user_id: int, digest: str) -> str:
    return f"people-import:{organisation_id}:{user_id}:{digest}"


def upload_keep(*, organisation_id: int, user_id: int, content: bytes) -> str:
    """Keep the file's bytes for an hour; its digest names them."""
    digest = hashlib.sha256(content).hexdigest()
    cache.set(_key(organisation_id, user_id, digest), content, KEPT_SECONDS)
    return digest


def upload_kept(*, organisation_id: int, user_id: int, digest: str) -> bytes | None:
    """The bytes kept under that digest, or None once they have expired or gone."""
    content = cache.get(_key(organisation_id, user_id, digest))
    if not isinstance(content, bytes) or hashlib.sha256(content).hexdigest() != digest:
        return None
    return content


def upload_forget(*, organisation_id: int, user_id: int, digest: str) -> None:
    """Drop the kept bytes once applied."""
    cache.delete_many([_key(organisation_id, user_id, digest)])
