"""Celery tasks for reminders: thin; planning and sending live in planning.py/sending.py.
The daily and weekly runs retry themselves; a single reminder asked for by a service
(`send_reminder`) is a core.jobs job, so it is never lost (ADR 0016)."""

from typing import Any

from celery import shared_task

from core.jobs import JobTask
from notifications import planning, sending

# A 4xx or a lost connection leaves reminders pending: retry with backoff (each run sends
# only what is still pending, so a retry never sends anything twice). The countdown stays
# within settings.CELERY_RETRY_COUNTDOWN_MAX (a waiting retry must not outlive the
# visibility timeout); more retries keep the window about an hour.
RETRY_TEMPORARY_FAILURES: dict[str, Any] = {
    "autoretry_for": (sending.TemporarySendFailure,),
    "retry_backoff": 60,
    "retry_backoff_max": 300,
    "retry_jitter": True,
    "max_retries": 12,
}


@shared_task(**RETRY_TEMPORARY_FAILURES)
def run_daily_reminders() -> dict[str, int]:
    """Plan today's reminders, then send everything pending (safe to run twice or at once)."""
    planned = planning.plan_daily()
    sending.release_stuck()
    report = sending.send_pending()
    return {"planned": planned.total, "sent": report.sent, "failed": report.failed}


@shared_task(**RETRY_TEMPORARY_FAILURES)
def send_weekly_digests() -> dict[str, int]:
    """Plan this week's manager digests, then send everything pending."""
    planned = planning.plan_weekly_digest()
    report = sending.send_pending()
    return {"planned": planned.total, "sent": report.sent, "failed": report.failed}


@shared_task(**{**RETRY_TEMPORARY_FAILURES, "retry_backoff": 30})
def send_pending_reminders() -> dict[str, int]:
    """Send whatever is pending (used for retries and event reminders)."""
    report = sending.send_pending()
    return {"sent": report.sent, "failed": report.failed}


@shared_task(
    base=JobTask,
    acks_late=True,
    transient=(*JobTask.transient, sending.TemporarySendFailure),
    soft_time_limit=60,
    time_limit=90,
)
def send_reminder(reminder_id: int) -> int:
    """Send one reminder now if it is still pending (a manager's chase); core.jobs retries
    a temporary failure. Sending it again sends nothing: only pending rows are claimed."""
    return sending.send_pending(only=[reminder_id]).sent
