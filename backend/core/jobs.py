"""Background jobs that are never lost: a transactional outbox and its relay (ADR 0016).

- A service asks for work with `enqueue_on_commit(task, *ids, organisation_id=...)`. That
  writes a `Job` row in the service's own transaction (so the request stands or falls
  with the change that caused it) and, once the transaction commits, sends the job to
  the broker. If the broker cannot take it, the error is logged, the request still
  answers success, and the row stays due.
- The relay (`jobs_relay`, run by beat every HEARTH_JOB_RELAY_INTERVAL seconds) sends
  every job that is due: never sent, due for a retry, or sent and not heard of for
  longer than the lease (the broker lost it: a Redis restarted without its data, a
  worker killed past the visibility timeout).
- Tasks built on `JobTask` report back: done, or failed. A failure is recorded on the row
  with its error and a backoff (HEARTH_JOB_RETRY_BASE doubling to HEARTH_JOB_RETRY_MAX,
  HEARTH_JOB_MAX_ATTEMPTS in all: hours, not seconds), and the relay sends it again when
  it is due. An error no retry can fix stops retrying at once. If the database itself
  is down, the failure travels with a Celery retry of the message and is written once
  the database is back, so every failure is visible to the org admins it concerns.

Jobs are idempotent "make it so" functions of their ids, so a job sent twice, or a stale
copy, does no harm: exactly once is the services' promise, delivery is at least once.
"""

import datetime
import json
import logging
import random
import time
from collections.abc import Iterable, Sequence
from functools import partial
from typing import Any, ClassVar

from celery import Task, current_app
from celery.exceptions import Retry, SoftTimeLimitExceeded
from django.conf import settings
from django.db import DatabaseError, IntegrityError, InterfaceError, OperationalError, transaction
from django.db.models import F, Q
from django.utils import timezone

from core import audit
from core.models import Job

logger = logging.getLogger("core.jobs")

# Try the broker briefly, then give up: a request must not hang on a broker that is down.
PUBLISH_RETRY_POLICY = {
    "max_retries": 2,
    "interval_start": 0,
    "interval_step": 0.2,
    "interval_max": 0.5,
}
ERROR_MAX_LENGTH = 500
RELAY_BATCH = 1000
# Failures a job carries in its message while the database cannot record them.
CARRIED = "hearth_unrecorded_failures"
CARRIED_MAX = 50
DATABASE_DOWN = (OperationalError, InterfaceError)


def job_key(task_name: str, args: Sequence[Any]) -> str:
    """The one name of a piece of work: its task and arguments."""
    return f"{task_name}:{json.dumps(list(args), separators=(',', ':'))}"


def describe(error: BaseException) -> str:
    return f"{type(error).__name__}: {error}"[:ERROR_MAX_LENGTH]


def retry_delay(attempts: int) -> datetime.timedelta:
    """How long to wait after the n-th failed attempt: doubling from the base to the cap,
    less up to a fifth at random so jobs that failed together do not return together."""
    base, cap = settings.HEARTH_JOB_RETRY_BASE, settings.HEARTH_JOB_RETRY_MAX
    seconds = min(cap, base * 2 ** max(0, attempts - 1))
    return datetime.timedelta(seconds=seconds * random.uniform(0.8, 1.0))  # noqa: S311


def lease() -> datetime.timedelta:
    """How long a sent job may go unheard of before the relay sends it again: longer than
    Redis's own redelivery of a killed worker's job (the visibility timeout)."""
    return datetime.timedelta(seconds=settings.HEARTH_JOB_LEASE)


# --- asking for work ----------------------------------------------------------------------


def job_request(
    task_name: str,
    args: Sequence[Any],
    *,
    organisation_id: int | None,
    description: str = "",
) -> Job:
    """Record that this work is wanted, in the current transaction: the open job for the
    same work if there is one (due again now, retrying again if it had stopped), else a
    new one."""
    key = job_key(task_name, args)
    now = timezone.now()
    changes = {"requested_at": now, "due_at": now, "gave_up_at": None}
    open_job = Job.objects.filter(key=key, done_at__isnull=True)
    if open_job.update(**changes):
        return open_job.get()
    try:
        with transaction.atomic():
            return Job.objects.create(
                task=task_name,
                args=list(args),
                key=key,
                organisation_id=organisation_id,
                description=description[:300],
                **changes,
            )
    except IntegrityError:
        # Another transaction opened the same job first: share it.
        open_job.update(**changes)
        return open_job.get()


def enqueue_on_commit(
    task: Any, *args: Any, organisation_id: int | None = None, description: str = ""
) -> Job:
    """Ask for a job: recorded now, sent to the broker once the current transaction
    commits (nothing if it rolls back). A broker that cannot take it never turns the
    committed change into an error: the relay sends it later. `organisation_id` says
    whose admins see it if it fails, `description` what it is."""
    job = job_request(task.name, args, organisation_id=organisation_id, description=description)
    transaction.on_commit(partial(_send_after_commit, job.pk))
    return job


def _send_after_commit(job_id: int) -> None:
    try:
        jobs_send(Job.objects.filter(pk=job_id, done_at__isnull=True))
    except DatabaseError:
        logger.exception("could not send job %s; the relay will", job_id)


# --- sending: after commit, and the relay -------------------------------------------------


def jobs_send(jobs: Iterable[Job]) -> int:
    """Send these jobs to the broker, each claimed first (its lease starts, so the relay
    leaves it alone while it is on its way). Stops at the first the broker refuses
    (leaving it and the rest due) and returns how many were sent."""
    sent = 0
    for job in jobs:
        now = timezone.now()
        claimed = Job.objects.filter(pk=job.pk, done_at__isnull=True, due_at=job.due_at).update(
            sent_at=now, due_at=now + lease()
        )
        if not claimed:
            continue  # done, or sent by someone else meanwhile
        try:
            _publish(job)
        except Exception:
            logger.exception("could not send job %s; it stays due for the relay", job.key)
            # Not sent after all: its last sending stays what it was, so the relay does not
            # take the broker's refusal for a job lost on the way (a failed attempt).
            Job.objects.filter(pk=job.pk, done_at__isnull=True).update(
                due_at=timezone.now(), sent_at=job.sent_at
            )
            break
        sent += 1
    return sent


def _publish(job: Job) -> None:
    """Hand the job to the broker by its task's name (this process need not have imported
    the task: a web process retrying a job another asked for, say). With no broker (the
    embedded default) the task runs here, so it is loaded first."""
    if not current_app.conf.task_always_eager:
        current_app.send_task(
            job.task, args=job.args, retry=True, retry_policy=PUBLISH_RETRY_POLICY
        )
        return
    if job.task not in current_app.tasks:
        current_app.loader.import_default_modules()
    current_app.tasks[job.task].apply_async(args=job.args)


def jobs_due(*, now: datetime.datetime) -> list[Job]:
    return list(
        Job.objects.filter(done_at__isnull=True, gave_up_at__isnull=True, due_at__lte=now).order_by(
            "due_at"
        )[:RELAY_BATCH]
    )


def jobs_relay(*, now: datetime.datetime | None = None) -> int:
    """Send every job that is due (the scheduled relay; safe to run twice or at once), a
    batch at a time for at most half the relay's interval (the next run goes on).

    A job sent and neither done nor failed by the end of its lease was lost on the way
    (a broker restarted without its data, a worker killed): that counts as a failed
    attempt, so an admin sees it, and it is sent again."""
    deadline = time.monotonic() + settings.HEARTH_JOB_RELAY_INTERVAL / 2
    sent = 0
    while True:
        due = jobs_due(now=now or timezone.now())
        _count_lost(due)
        sent_now = jobs_send(due)
        sent += sent_now
        if due:
            logger.info("relay: sent %d of %d due jobs", sent_now, len(due))
        if len(due) < RELAY_BATCH or sent_now < len(due) or time.monotonic() > deadline:
            return sent


def _count_lost(due: list[Job]) -> None:
    """Record a failed attempt for each of these jobs that was sent and not heard of."""
    lost = [
        job.pk
        for job in due
        if job.sent_at is not None and (job.failed_at is None or job.failed_at < job.sent_at)
    ]
    if lost:
        Job.objects.filter(pk__in=lost).update(
            attempts=F("attempts") + 1,
            failed_at=timezone.now(),
            last_error=f"No word from a worker within {settings.HEARTH_JOB_LEASE} s of "
            "sending it (the broker or the worker was lost); sent again.",
        )
        logger.warning("relay: %d jobs were lost on the way; sending them again", len(lost))


# --- retrying by hand ---------------------------------------------------------------------


def job_retry(*, job: Job) -> None:
    """Try a job again now (an org admin's retry button, or a command): due at once,
    retrying again if it had stopped, sent after commit."""
    Job.objects.filter(pk=job.pk, done_at__isnull=True).update(
        due_at=timezone.now(), gave_up_at=None
    )
    transaction.on_commit(partial(_send_after_commit, job.pk))


# --- hearing back from a job --------------------------------------------------------------


def job_done(*, key: str, started_at: datetime.datetime) -> None:
    """The work asked for up to `started_at` is done (a request made after the run began
    may not be: that job stays open)."""
    Job.objects.filter(key=key, done_at__isnull=True, requested_at__lte=started_at).update(
        done_at=timezone.now()
    )


@transaction.atomic
def job_failed(
    *, task_name: str, args: Sequence[Any], failures: Sequence[tuple[str, str]], permanent: bool
) -> Job:
    """Record failed attempts ((ISO time, error) pairs, oldest first) on the open job (one
    is opened for a job sent without one), and when it is due again; stop retrying if the
    error is permanent or attempts ran out."""
    key = job_key(task_name, args)
    job = Job.objects.select_for_update().filter(key=key, done_at__isnull=True).first()
    if job is None:
        # Sent without a job (by hand, or before jobs were recorded): open one, asked for
        # when it first failed.
        job = job_request(task_name, args, organisation_id=None)
        if failures:
            job.requested_at = datetime.datetime.fromisoformat(failures[0][0])
            job.save(update_fields=["requested_at"])
    if not failures:
        return job
    job.attempts += len(failures)
    failed_at, job.last_error = failures[-1]
    job.failed_at = datetime.datetime.fromisoformat(failed_at)
    now = timezone.now()
    if permanent or job.attempts >= settings.HEARTH_JOB_MAX_ATTEMPTS:
        job.gave_up_at = now
    else:
        job.due_at = now + retry_delay(job.attempts)
    job.save(update_fields=["attempts", "failed_at", "last_error", "gave_up_at", "due_at"])
    return job


class JobTask(Task[Any, Any]):
    """Base of every task asked for through `enqueue_on_commit`: reports back to its job.

    `transient` errors are worth another try (the relay sends it again after a backoff);
    anything else stops retrying at once (a bug, a refused asset) and is left for an org
    admin's retry. `on_gave_up(args, error)` lets a task record the end on its own record
    (a report's status, say). The task's own body stays a plain call of one function (of
    its app's worker module).
    """

    transient: ClassVar[tuple[type[BaseException], ...]] = (
        OSError,
        OperationalError,
        InterfaceError,
        SoftTimeLimitExceeded,
    )
    # Celery checks a message's arguments against the task's own signature before it
    # sends it, and would refuse the retry that carries the failures (a keyword the task
    # does not take: __call__ takes it off), dropping the message. Arguments that do not
    # fit the task fail in the worker instead, recorded like any other error.
    typing = False
    # The retry that carries the failures repeats for as long as the database is down
    # (Celery's default would give up after three, dropping the message and its failures).
    max_retries = None

    def on_gave_up(self, args: Sequence[Any], error: str) -> None:
        """Override to mark the task's own record failed for good."""

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        carried: list[tuple[str, str]] = [(when, error) for when, error in kwargs.pop(CARRIED, [])]
        key = job_key(self.name, args)
        started_at = timezone.now()
        try:
            # Run inside a request (eagerly), the request's context already holds.
            with audit.context(via="task", task=self.name):
                result = self.run(*args, **kwargs)
        except Retry:
            raise
        except Exception as error:
            failure = (timezone.now().isoformat(), describe(error))
            permanent = not isinstance(error, self.transient)
            logger.log(
                logging.ERROR if permanent else logging.WARNING,
                "job %s failed%s: %s",
                key,
                " for good" if permanent else "; it will be tried again",
                failure[1],
                exc_info=permanent,
            )
            self._record([*carried, failure], args=args, key=key, permanent=permanent)
            return None
        try:
            if carried:
                job_failed(task_name=self.name, args=args, failures=carried, permanent=False)
            job_done(key=key, started_at=started_at)
        except DATABASE_DOWN:
            # Done, but the database cannot say so: the relay sends it again after the
            # lease and the rerun finds the work done.
            logger.warning("job %s done, but could not be marked done", key)
        return result

    def _record(
        self, failures: list[tuple[str, str]], *, args: Sequence[Any], key: str, permanent: bool
    ) -> None:
        """Write the failures; if the database is down, carry them in a retry of this
        message until it is back (not in-process: an eager retry would run at once)."""
        try:
            job = job_failed(task_name=self.name, args=args, failures=failures, permanent=permanent)
            if job.gave_up_at is not None:
                self.on_gave_up(args, failures[-1][1])
        except DATABASE_DOWN:
            if self.request.is_eager:
                logger.error("job %s: its failure could not be recorded", key)
                return
            failures = failures[-CARRIED_MAX:]
            countdown = min(
                settings.CELERY_RETRY_COUNTDOWN_MAX, retry_delay(len(failures)).total_seconds()
            )
            raise self.retry(
                args=tuple(args), kwargs={CARRIED: failures}, countdown=countdown
            ) from None


def jobs_purge(*, now: datetime.datetime) -> int:
    """Forget finished jobs: after HEARTH_JOB_KEEP_DAYS if they never failed, three times
    that if they did (admins look back at failures). Idempotent."""
    keep = datetime.timedelta(days=settings.HEARTH_JOB_KEEP_DAYS)
    deleted, _ = Job.objects.filter(
        Q(done_at__lt=now - keep, attempts=0) | Q(done_at__lt=now - 3 * keep)
    ).delete()
    return deleted
