"""Celery tasks for core: the job relay, and the daily purges of idempotency keys and
finished jobs."""

from celery import shared_task
from django.utils import timezone

from core.idempotency import idempotency_records_purge
from core.jobs import jobs_purge, jobs_relay


@shared_task
def relay_jobs() -> int:
    """Send every background job that is due (ADR 0016; safe to run twice or at once)."""
    return jobs_relay()


@shared_task
def purge_idempotency_records() -> int:
    """Forget idempotency keys older than 24 hours (idempotent: a rerun deletes nothing more)."""
    return idempotency_records_purge(now=timezone.now())


@shared_task
def purge_finished_jobs() -> int:
    """Forget jobs finished long ago (idempotent)."""
    return jobs_purge(now=timezone.now())
