"""Start a real `celery -A worker beat` process: the schedule in worker/schedule.py, sending
to a test's queue on its broker, with its state file in a folder of the test's own."""

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from tests.support.worker import WorkerProcess, celery_process


@contextmanager
def celery_beat(
    directory: Path, queue: str, *, extra_env: dict[str, str] | None = None
) -> Iterator[WorkerProcess]:
    """Beat sending the schedule's tasks to `queue` (the environment a worker on it gets,
    plus `extra_env`: the broker, HEARTH_JOB_RELAY_INTERVAL), logging to beat.log in
    `directory`, where it also keeps its schedule and pid files. Stopped (SIGTERM)
    afterwards unless already killed. (A WorkerProcess: its log and kill serve beat too.)"""
    directory.mkdir(parents=True, exist_ok=True)
    arguments = [
        *("beat", "-l", "INFO", "--schedule", str(directory / "celerybeat-schedule")),
        *("--pidfile", str(directory / "celerybeat.pid")),
    ]
    with celery_process(
        arguments,
        queue=queue,
        log_path=directory / "beat.log",
        extra_env=extra_env,
        ready="beat: Starting...",
    ) as beat:
        yield beat
