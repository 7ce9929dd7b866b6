"""Celery tasks for core: the idempotency keys' daily purge."""

from celery import shared_task
from django.utils import timezone

from core.idempotency import idempotency_records_purge


@shared_task
def purge_idempotency_records() -> int:
    """Forget idempotency keys older than 24 hours (idempotent: a rerun deletes nothing more)."""
    return idempotency_records_purge(now=timezone.now())
