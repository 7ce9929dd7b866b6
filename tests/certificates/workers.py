"""Real `celery worker` processes for the certificate tests, on a queue the test names.

tests.support.worker starts one solo worker on a fresh queue. Certificates need two
more things: a prefork worker with several processes (the same job delivered three
times at once), and a second worker on the *same* queue after the first was killed
(so it picks up the job the first one was running).
"""

import signal
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from tests.support.worker import ROOT, WorkerProcess, wait_for, worker_environment
from worker.celery import app


@contextmanager
def worker_on(
    queue: str, log_path: Path, *, concurrency: int = 1, extra_env: dict[str, str] | None = None
) -> Iterator[WorkerProcess]:
    """A worker consuming `queue` (prefork when concurrency > 1); this process's tasks go
    to that queue for as long as it runs. Stopped (SIGTERM) afterwards unless killed."""
    previous = (app.conf.task_always_eager, app.conf.task_default_queue)
    app.conf.task_always_eager = False
    app.conf.task_default_queue = queue
    pool = (
        ["--pool=prefork", f"--concurrency={concurrency}"] if concurrency > 1 else ["--pool=solo"]
    )
    with log_path.open("ab") as log_file:
        process = subprocess.Popen(
            [
                *(sys.executable, "-m", "celery", "-A", "worker", "worker", *pool, "-Q", queue),
                *("--without-gossip", "--without-mingle", "--without-heartbeat", "-l", "INFO"),
                *("-n", f"{queue}-{log_path.stem}@%h"),
            ],
            cwd=ROOT,
            env=worker_environment(queue, extra_env),
            stdout=log_file,
            stderr=subprocess.STDOUT,
        )
    worker = WorkerProcess(queue=queue, process=process, log_path=log_path)
    try:
        wait_for(lambda: "ready." in worker.log(), what="the worker to start", worker=worker)
        yield worker
    finally:
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        app.conf.task_always_eager, app.conf.task_default_queue = previous
