"""Issue 5: a worker says loudly at start if HarfBuzz's subset library is missing, and
checks every task's time limit and retry countdown against the visibility timeout."""

import logging

import pytest
from celery import Celery
from django.conf import settings

from certificates.tasks import issue_certificate
from worker.celery import app
from worker.checks import (
    HARFBUZZ_SUBSET,
    check_harfbuzz_subset,
    check_time_limits,
    tasks_outliving_visibility,
)


def test_this_machine_has_the_subset_library_and_says_so(
    caplog: pytest.LogCaptureFixture,
) -> None:
    with caplog.at_level(logging.INFO, logger="worker.checks"):
        assert check_harfbuzz_subset() is True

    assert f"startup check: {HARFBUZZ_SUBSET} loaded (HarfBuzz " in caplog.text


def test_a_missing_subset_library_is_an_unmissable_error(
    caplog: pytest.LogCaptureFixture,
) -> None:
    with caplog.at_level(logging.INFO, logger="worker.checks"):
        assert check_harfbuzz_subset("libharfbuzz-subset-missing.so.0") is False

    [record] = caplog.records
    assert record.levelno == logging.ERROR
    assert "startup check FAILED" in record.getMessage()
    assert "apt-get install libharfbuzz-subset0" in record.getMessage()
    assert "!" * 78 in record.getMessage()


def test_every_task_finishes_and_retries_within_the_visibility_timeout() -> None:
    assert issue_certificate.name in app.tasks
    assert tasks_outliving_visibility(app) == []
    assert check_time_limits(app) is True


def test_a_visibility_timeout_shorter_than_a_task_is_reported(
    caplog: pytest.LogCaptureFixture,
) -> None:
    short = Celery("short", set_as_current=False)
    short.conf.broker_transport_options = {"visibility_timeout": 60}
    for name, task in app.tasks.items():
        if not name.startswith("celery."):
            short.tasks.register(task)

    with caplog.at_level(logging.WARNING, logger="worker.checks"):
        assert check_time_limits(short) is False

    assert "certificates.tasks.issue_certificate (90s + 300s >= 60s)" in caplog.text


def test_a_killed_workers_jobs_come_back_within_minutes() -> None:
    """Issue 13: the visibility timeout follows the time limit (not an hour), and every
    task's retry countdown stays within the cap it was sized for."""
    timeout = int(app.conf.broker_transport_options["visibility_timeout"])

    assert timeout == settings.CELERY_TASK_TIME_LIMIT + settings.CELERY_RETRY_COUNTDOWN_MAX + 120
    assert timeout <= 15 * 60
    for name, task in app.tasks.items():
        if name.startswith("celery.") or not getattr(task, "autoretry_for", ()):
            continue
        assert getattr(task, "retry_backoff_max", 600) <= settings.CELERY_RETRY_COUNTDOWN_MAX, name
