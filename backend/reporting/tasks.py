"""Celery tasks for reporting: take ids, call one service, own the retry policy.

`build_indicator_report` is idempotent (services.indicator_report_build), which makes late
acknowledgement safe: a job redelivered after a crash finishes the work or finds it done.
Its time limits and longest retry countdown stay far below the Redis visibility timeout.
"""

from typing import Any

from celery import Task, shared_task
from celery.exceptions import SoftTimeLimitExceeded
from django.db import InterfaceError, OperationalError

from reporting import services

# Worth another try: the database, storage or the machine hiccuped. Anything else (a
# refused asset, a bug) fails at once and is recorded on the report.
TRANSIENT_ERRORS = (OSError, OperationalError, InterfaceError, SoftTimeLimitExceeded)


class BuildIndicatorReportTask(Task):
    """Records a build that failed for good on its report row."""

    def on_failure(
        self, exc: BaseException, task_id: str, args: Any, kwargs: Any, einfo: Any
    ) -> None:
        report_id = kwargs.get("report_id", args[0] if args else None)
        if report_id is not None:
            services.indicator_report_failed(report_id=int(report_id), error=exc)


@shared_task(
    base=BuildIndicatorReportTask,
    acks_late=True,
    reject_on_worker_lost=True,
    autoretry_for=TRANSIENT_ERRORS,
    max_retries=5,
    retry_backoff=5,
    retry_backoff_max=300,
    retry_jitter=True,
    soft_time_limit=120,
    time_limit=150,
)
def build_indicator_report(report_id: int) -> str | None:
    """Build an indicator report's PDF (once for the same figures)."""
    report = services.indicator_report_build(report_id=report_id)
    return report.pdf.name if report is not None else None


@shared_task(
    acks_late=True,
    autoretry_for=(OperationalError, InterfaceError),
    max_retries=3,
    retry_backoff=30,
    retry_backoff_max=300,
    soft_time_limit=120,
    time_limit=150,
)
def purge_stats_validators() -> int:
    """Weekly: forget response validators unchanged for 90 days (idempotent)."""
    return services.stats_validators_purge()
