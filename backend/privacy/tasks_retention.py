"""Celery tasks for retention (issue 17): take nothing, call the worker module
(privacy/retention.py), inside an audit context naming the task."""

from celery import shared_task

from core import audit
from privacy import retention


@shared_task(acks_late=True)
def erase_expired() -> dict[str, int]:
    """Daily (beat): erase leavers whose retention ran out and postponed erasures now due."""
    with audit.context(via="task", task="privacy.tasks_retention.erase_expired"):
        return retention.retention_run()
