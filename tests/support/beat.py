"""Start a real `celery -A worker beat` process: worker/schedule.py's schedule, sent to the
broker and default queue its environment names (give it its worker's environment, with a
short HEARTH_JOB_RELAY_INTERVAL)."""

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from tests.support.worker import WorkerProcess, celery_process


@contextmanager
def celery_beat(environment: dict[str, str], directory: Path) -> Iterator[WorkerProcess]:
    """Beat with this environment, logging to beat.log in `directory`, where it also keeps
    its schedule and pid files (not in the repository); yielded once started, stopped
    (SIGTERM) afterwards unless already killed. (A WorkerProcess: its log and kill serve
    beat too.)"""
    directory.mkdir(parents=True, exist_ok=True)
    arguments = [
        *("beat", "-l", "INFO", "--schedule", str(directory / "celerybeat-schedule")),
        *("--pidfile", str(directory / "celerybeat.pid")),
    ]
    with celery_process(
        arguments,
        environment=environment,
        log_path=directory / "beat.log",
        ready="beat: Starting...",
    ) as beat:
        yield beat
