"""The jobs outbox (ADR 0016): work is recorded in the transaction that asks for it, sent
after commit, reported back by the task, retried by the relay with a backoff, and
resent when it was lost on the way. The real-process faults are in
test_nothing_lost_*.py; these run in both passes, with tasks run in-process."""

import datetime
from collections.abc import Iterator
from typing import Any

import pytest
from celery import shared_task
from celery.exceptions import Retry
from django.db import OperationalError, transaction
from django.utils import timezone
from pytest_django.fixtures import Settings

from core import jobs
from core.jobs import CARRIED, JobTask, enqueue_on_commit, jobs_purge, jobs_relay, retry_delay
from core.models import Job, JobState

pytestmark = pytest.mark.django_db

# What the test task does on its next runs: "ok", "transient" or "permanent".
SCRIPT: list[str] = []
RUNS: list[int] = []
GAVE_UP: list[tuple[int, str]] = []


class ScriptedTask(JobTask):
    def on_gave_up(self, args: Any, error: str) -> None:
        GAVE_UP.append((args[0], error))


@shared_task(base=ScriptedTask, name="tests.jobs.scripted")
def scripted(number: int) -> int:
    RUNS.append(number)
    outcome = SCRIPT.pop(0) if SCRIPT else "ok"
    if outcome == "transient":
        raise ConnectionRefusedError("mail server down")
    if outcome == "permanent":
        raise ValueError("a bug")
    return number


@pytest.fixture(autouse=True)
def fresh_script() -> Iterator[None]:
    SCRIPT.clear()
    RUNS.clear()
    GAVE_UP.clear()
    yield


@pytest.fixture
def run_on_commit(django_capture_on_commit_callbacks: Any) -> Any:
    return django_capture_on_commit_callbacks


def _ask(run_on_commit: Any, number: int = 7) -> Job:
    with run_on_commit(execute=True):
        job = enqueue_on_commit(scripted, number, organisation_id=3, description="A test")
    job.refresh_from_db()
    return job


def test_work_asked_for_is_recorded_then_run_after_commit_and_marked_done(
    run_on_commit: Any,
) -> None:
    job = _ask(run_on_commit)

    assert RUNS == [7]
    assert (job.task, job.args, job.key) == ("tests.jobs.scripted", [7], "tests.jobs.scripted:[7]")
    assert (job.organisation_id, job.description) == (3, "A test")
    assert job.state == JobState.DONE and job.attempts == 0 and job.sent_at is not None


def test_a_rolled_back_change_asks_for_nothing(run_on_commit: Any) -> None:
    with (
        run_on_commit(execute=True) as callbacks,
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        enqueue_on_commit(scripted, 7)
        raise RuntimeError("the change failed")

    assert callbacks == [] and RUNS == [] and not Job.objects.exists()


def test_the_same_work_asked_twice_while_open_is_one_job(run_on_commit: Any) -> None:
    with run_on_commit(execute=False):
        first = enqueue_on_commit(scripted, 7)
        second = enqueue_on_commit(scripted, 7)
        other = enqueue_on_commit(scripted, 8)

    assert first.pk == second.pk != other.pk
    assert Job.objects.filter(done_at__isnull=True).count() == 2


def test_a_transient_failure_is_recorded_and_the_relay_sends_it_again_when_due(
    run_on_commit: Any,
) -> None:
    SCRIPT.append("transient")
    job = _ask(run_on_commit)

    assert job.state == JobState.RETRYING and job.attempts == 1
    assert job.last_error == "ConnectionRefusedError: mail server down"
    assert job.failed_at is not None and job.due_at > job.failed_at
    assert jobs_relay() == 0  # not due yet
    assert RUNS == [7]

    assert jobs_relay(now=job.due_at) == 1
    job.refresh_from_db()
    assert RUNS == [7, 7]
    assert job.state == JobState.DONE and job.attempts == 1  # the failure stays visible


def test_a_permanent_error_stops_retrying_at_once_and_tells_the_task(run_on_commit: Any) -> None:
    SCRIPT.append("permanent")
    job = _ask(run_on_commit)

    assert job.state == JobState.GAVE_UP and job.attempts == 1
    assert GAVE_UP == [(7, "ValueError: a bug")]
    assert jobs_relay(now=timezone.now() + datetime.timedelta(days=1)) == 0


def test_retrying_stops_when_attempts_run_out(run_on_commit: Any, settings: Settings) -> None:
    settings.HEARTH_JOB_MAX_ATTEMPTS = 3
    SCRIPT.extend(["transient"] * 3)
    job = _ask(run_on_commit)
    for _ in range(2):
        jobs_relay(now=timezone.now() + datetime.timedelta(days=1))

    job.refresh_from_db()
    assert RUNS == [7, 7, 7]
    assert job.state == JobState.GAVE_UP and job.attempts == 3
    assert GAVE_UP == [(7, "ConnectionRefusedError: mail server down")]


def test_asking_again_retries_a_job_that_gave_up(run_on_commit: Any) -> None:
    SCRIPT.append("permanent")
    first = _ask(run_on_commit)
    again = _ask(run_on_commit)

    assert again.pk == first.pk
    assert again.state == JobState.DONE and again.attempts == 1
    assert RUNS == [7, 7]


def test_a_job_sent_and_never_heard_of_is_a_failed_attempt_and_is_sent_again(
    settings: Settings,
) -> None:
    job = Job.objects.create(task="tests.jobs.scripted", args=[7], key="tests.jobs.scripted:[7]")
    sent_at = timezone.now()
    Job.objects.filter(pk=job.pk).update(
        sent_at=sent_at, due_at=sent_at + datetime.timedelta(seconds=settings.HEARTH_JOB_LEASE)
    )

    assert jobs_relay(now=sent_at + datetime.timedelta(seconds=10)) == 0  # within its lease
    assert jobs_relay(now=sent_at + datetime.timedelta(seconds=settings.HEARTH_JOB_LEASE)) == 1

    job.refresh_from_db()
    assert RUNS == [7]
    assert job.state == JobState.DONE and job.attempts == 1
    assert job.last_error.startswith("No word from a worker within")


def test_a_run_that_began_before_a_new_request_does_not_close_it() -> None:
    started = timezone.now()
    job = Job.objects.create(task="tests.jobs.scripted", args=[7], key="tests.jobs.scripted:[7]")

    jobs.job_done(key=job.key, started_at=started - datetime.timedelta(seconds=1))
    job.refresh_from_db()
    assert job.done_at is None

    jobs.job_done(key=job.key, started_at=timezone.now())
    job.refresh_from_db()
    assert job.done_at is not None


def test_a_failure_the_database_cannot_record_travels_with_the_retry_and_is_written_later(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """As on a worker (not in-process): recording fails as a stopped database would, so
    the task retries its message carrying the failure; the next run records it."""
    real_job_failed = jobs.job_failed

    def database_down(**kwargs: Any) -> Job:
        raise OperationalError("connection refused")

    retried: dict[str, Any] = {}

    def capture_retry(**kwargs: Any) -> Retry:
        retried.update(kwargs)
        return Retry("carried")

    monkeypatch.setattr(jobs, "job_failed", database_down)
    monkeypatch.setattr(scripted, "retry", capture_retry)
    SCRIPT.append("transient")
    scripted.push_request(is_eager=False)
    try:
        with pytest.raises(Retry):
            scripted(7)
    finally:
        scripted.pop_request()

    [(when, error)] = retried["kwargs"][CARRIED]
    assert error == "ConnectionRefusedError: mail server down"
    assert retried["args"] == (7,) and scripted.max_retries is None  # until it is back
    assert 0 < retried["countdown"] <= 300

    monkeypatch.setattr(jobs, "job_failed", real_job_failed)
    scripted(7, **retried["kwargs"])  # the retry, with the database back

    job = Job.objects.get(key="tests.jobs.scripted:[7]")
    assert job.state == JobState.DONE and job.attempts == 1
    assert job.last_error == error and job.failed_at == datetime.datetime.fromisoformat(when)


def test_the_backoff_doubles_to_its_cap_with_jitter_below(settings: Settings) -> None:
    settings.HEARTH_JOB_RETRY_BASE, settings.HEARTH_JOB_RETRY_MAX = 30, 1800
    for attempts, full in [(1, 30), (2, 60), (3, 120), (7, 1800), (20, 1800)]:
        seconds = retry_delay(attempts).total_seconds()
        assert 0.8 * full <= seconds <= full


def test_the_default_retry_window_outlasts_hours_of_outage(settings: Settings) -> None:
    """The relay keeps trying for hours, not the 90 seconds Celery's retries gave."""
    window = sum(
        min(settings.HEARTH_JOB_RETRY_MAX, settings.HEARTH_JOB_RETRY_BASE * 2 ** (n - 1))
        for n in range(1, settings.HEARTH_JOB_MAX_ATTEMPTS)
    )
    assert window >= 6 * 3600


def test_finished_jobs_are_forgotten_later_when_they_had_failed(settings: Settings) -> None:
    now = timezone.now()
    keep = datetime.timedelta(days=settings.HEARTH_JOB_KEEP_DAYS)

    def done(number: int, *, ago: datetime.timedelta, attempts: int = 0) -> Job:
        return Job.objects.create(
            task="t", key=f"t:[{number}]", done_at=now - ago, attempts=attempts
        )

    done(1, ago=keep + datetime.timedelta(hours=1))
    kept_recent = done(2, ago=keep - datetime.timedelta(hours=1))
    kept_failed = done(3, ago=keep + datetime.timedelta(hours=1), attempts=2)
    done(4, ago=3 * keep + datetime.timedelta(hours=1), attempts=2)
    still_open = Job.objects.create(task="t", key="t:[5]")

    assert jobs_purge(now=now) == 2
    assert jobs_purge(now=now) == 0
    assert set(Job.objects.values_list("pk", flat=True)) == {
        kept_recent.pk,
        kept_failed.pk,
        still_open.pk,
    }


def test_the_relay_sends_batch_after_batch_in_one_run(
    run_on_commit: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(jobs, "RELAY_BATCH", 2)
    with run_on_commit(execute=False):  # asked for, never sent (the broker was down)
        for number in range(5):
            enqueue_on_commit(scripted, number)

    assert jobs_relay() == 5
    assert sorted(RUNS) == [0, 1, 2, 3, 4]
    assert not Job.objects.filter(done_at__isnull=True).exists()
