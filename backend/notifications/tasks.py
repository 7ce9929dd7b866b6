"""Celery tasks for reminders: thin; planning and sending live in planning.py/sending.py."""

from celery import shared_task

from notifications import planning, sending


@shared_task(
    autoretry_for=(sending.TemporarySendFailure,),
    retry_backoff=60,
    retry_backoff_max=1800,
    retry_jitter=True,
    max_retries=6,
)
def run_daily_reminders() -> dict[str, int]:
    """Plan today's reminders, then send everything pending (safe to run twice or at once)."""
    planned = planning.plan_daily()
    sending.release_stuck()
    report = sending.send_pending()
    return {"planned": planned.total, "sent": report.sent, "failed": report.failed}


@shared_task(
    autoretry_for=(sending.TemporarySendFailure,),
    retry_backoff=60,
    retry_backoff_max=1800,
    retry_jitter=True,
    max_retries=6,
)
def send_weekly_digests() -> dict[str, int]:
    """Plan this week's manager digests, then send everything pending."""
    planned = planning.plan_weekly_digest()
    report = sending.send_pending()
    return {"planned": planned.total, "sent": report.sent, "failed": report.failed}


@shared_task(
    autoretry_for=(sending.TemporarySendFailure,),
    retry_backoff=30,
    retry_backoff_max=1800,
    retry_jitter=True,
    max_retries=6,
)
def send_pending_reminders() -> dict[str, int]:
    """Send whatever is pending (used for retries and event reminders)."""
    report = sending.send_pending()
    return {"sent": report.sent, "failed": report.failed}
