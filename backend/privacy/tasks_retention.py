"""Celery tasks for retention (issue 17): take nothing, call the worker module."""

from celery import shared_task

from privacy import retention


@shared_task(acks_late=True)
def erase_expired() -> dict[str, int]:
    """Daily (beat): erase leavers whose retention ran out and postponed erasures now due."""
    return retention.retention_run()
