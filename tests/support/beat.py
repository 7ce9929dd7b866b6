"""Start a real `celery -A worker beat` process: the schedule in worker/schedule.py, sending
to a test's queue on its broker, with its state file in a folder of the test's own."""

import signal
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from tests.support.worker import ROOT, WorkerProcess, wait_for, worker_environment


@contextmanager
def celery_beat(
    directory: Path, queue: str, *, extra_env: dict[str, str] | None = None
) -> Iterator[WorkerProcess]:
    """Beat sending the schedule's tasks to `queue` (the environment a worker on it gets,
    plus `extra_env`: the broker, HEARTH_JOB_RELAY_INTERVAL), logging to beat.log in
    `directory`, where it also keeps its schedule and pid files. Stopped (SIGTERM)
    afterwards unless already killed. (A WorkerProcess: its log and kill serve beat too.)"""
    directory.mkdir(parents=True, exist_ok=True)
    log_path = directory / "beat.log"
    with log_path.open("ab") as log_file:
        process = subprocess.Popen(
            [
                *(sys.executable, "-m", "celery", "-A", "worker", "beat", "-l", "INFO"),
                *("--schedule", str(directory / "celerybeat-schedule")),
                *("--pidfile", str(directory / "celerybeat.pid")),
            ],
            cwd=ROOT,
            env=worker_environment(queue, extra_env),
            stdout=log_file,
            stderr=subprocess.STDOUT,
        )
    beat = WorkerProcess(queue=queue, process=process, log_path=log_path)
    try:
        wait_for(lambda: "beat: Starting..." in beat.log(), what="beat to start", worker=beat)
        yield beat
    finally:
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
