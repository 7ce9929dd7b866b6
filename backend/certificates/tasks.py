"""Celery tasks for certificates: take ids, call the worker module (issuing.py);
core.jobs.JobTask reports back to the job's record and owns retrying (ADR 0016).

`issue_certificate` is idempotent (issuing.certificate_issue), which is what makes
late acknowledgement and the relay's resending safe: a job delivered again after a crash
just finishes the work. Its time limits stay far below the Redis visibility timeout
(CELERY_VISIBILITY_TIMEOUT), so Redis never hands a running job to a second worker;
worker/checks.py verifies this at start.
"""

from celery import shared_task

from certificates import issuing
from core.jobs import JobTask


@shared_task(
    base=JobTask,
    acks_late=True,
    reject_on_worker_lost=True,
    soft_time_limit=60,
    time_limit=90,
)
def issue_certificate(enrolment_id: int) -> int | None:
    """Issue a completed enrolment's certificate: render, store, email (exactly once)."""
    certificate = issuing.certificate_issue(enrolment_id=enrolment_id)
    return certificate.pk if certificate else None
