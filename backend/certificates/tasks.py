"""Celery tasks for certificates: take ids, call one service, own the retry policy.

`issue_certificate` is idempotent (services.certificate_issue), which is what makes
late acknowledgement safe: a job redelivered after a crash just finishes the work.
Its time limits and its longest retry countdown stay far below the Redis visibility
timeout (CELERY_VISIBILITY_TIMEOUT, an hour by default), so Redis never hands a
running or waiting job to a second worker; worker/checks.py verifies this at start.
"""

from smtplib import SMTPException
from typing import Any

from celery import Task, shared_task
from celery.exceptions import SoftTimeLimitExceeded
from django.db import InterfaceError, OperationalError

from certificates import services

# Worth another try: the mail server, the database, storage or the network hiccuped, or
# the machine was too busy to render in time. Anything else is a bug: fail at once.
TRANSIENT_ERRORS = (SMTPException, OSError, OperationalError, InterfaceError, SoftTimeLimitExceeded)


class IssueCertificateTask(Task[Any, Any]):
    """Records a job that failed for good (retries exhausted, or a permanent error)."""

    def on_failure(
        self, exc: BaseException, task_id: str, args: Any, kwargs: Any, einfo: Any
    ) -> None:
        enrolment_id = kwargs.get("enrolment_id", args[0] if args else None)
        if enrolment_id is not None:
            services.certificate_issue_failed(enrolment_id=int(enrolment_id), error=exc)


@shared_task(
    base=IssueCertificateTask,
    acks_late=True,
    reject_on_worker_lost=True,
    autoretry_for=TRANSIENT_ERRORS,
    max_retries=5,
    retry_backoff=5,
    retry_backoff_max=300,
    retry_jitter=True,
    soft_time_limit=60,
    time_limit=90,
)
def issue_certificate(enrolment_id: int) -> int | None:
    """Issue a completed enrolment's certificate: render, store, email (exactly once)."""
    certificate = services.certificate_issue(enrolment_id=enrolment_id)
    return certificate.pk if certificate else None
