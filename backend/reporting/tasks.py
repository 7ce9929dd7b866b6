"""Celery tasks for reporting: take ids, call one function of a worker module
(building.py, retention.py); core.jobs.JobTask reports back to the job's record and owns
retrying (ADR 0016).

`build_indicator_report` is idempotent (building.indicator_report_build), which makes late
acknowledgement and the relay's resending safe: a job delivered again after a crash
finishes the work or finds it done. Its time limits stay far below the Redis visibility
timeout.
"""

from collections.abc import Sequence
from typing import Any

from celery import shared_task
from django.db import InterfaceError, OperationalError

from core.jobs import JobTask
from reporting import building, retention


class BuildIndicatorReportTask(JobTask):
    """Says on the report's row when its build stopped retrying."""

    def on_gave_up(self, args: Sequence[Any], error: str) -> None:
        building.indicator_report_failed(report_id=int(args[0]), error=error)


@shared_task(
    base=BuildIndicatorReportTask,
    acks_late=True,
    reject_on_worker_lost=True,
    soft_time_limit=120,
    time_limit=150,
)
def build_indicator_report(report_id: int) -> str | None:
    """Build an indicator report's PDF (once for the same figures)."""
    report = building.indicator_report_build(report_id=report_id)
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
    return retention.stats_validators_purge()
