"""Start a real `celery worker` process on Redis against the test database."""

import os
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

import redis
from django.conf import settings
from django.db import connection

from worker.celery import app

ROOT = Path(__file__).resolve().parents[2]


@dataclass
class WorkerProcess:
    queue: str
    process: subprocess.Popen[bytes]
    log_path: Path

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")

    def kill(self) -> None:
        """SIGKILL the worker, as a crash would."""
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(timeout=30)


def worker_environment(queue: str, extra: dict[str, str] | None = None) -> dict[str, str]:
    """The worker's environment: the test process's database and broker, its own queue."""
    database = connection.settings_dict
    environment = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.local",
        "DEBUG": "false",
        "SECRET_KEY": settings.SECRET_KEY,
        "DATABASE_URL": (
            f"postgres://{database['USER']}@{database['HOST']}:{database['PORT'] or 5432}"
            f"/{database['NAME']}"
        ),
        "DATABASE_CONN_MAX_AGE": "0",
        "CELERY_BROKER_URL": settings.CELERY_BROKER_URL,
        "CELERY_TASK_DEFAULT_QUEUE": queue,
        "MEDIA_ROOT": str(settings.MEDIA_ROOT),
        "SITE_URL": settings.SITE_URL,
        "PYTHONPATH": f"{ROOT / 'backend'}:{ROOT}",
    }
    environment.update(extra or {})
    return environment


@contextmanager
def celery_worker(
    tmp_path: Path, extra_env: dict[str, str] | None = None, *, concurrency: int = 1
) -> Iterator[WorkerProcess]:
    """Run a worker on a queue of its own (see worker_on), and delete the queue after."""
    queue = f"test-{uuid.uuid4().hex[:12]}"
    try:
        with worker_on(
            queue, tmp_path / f"{queue}.log", concurrency=concurrency, extra_env=extra_env
        ) as worker:
            yield worker
    finally:
        _redis().delete(queue)


@contextmanager
def worker_on(
    queue: str, log_path: Path, *, concurrency: int = 1, extra_env: dict[str, str] | None = None
) -> Iterator[WorkerProcess]:
    """A worker consuming `queue` (see worker_process), with the test process's database;
    this process's tasks go to that queue while it runs."""
    previous = (app.conf.task_always_eager, app.conf.task_default_queue)
    app.conf.task_always_eager = False
    app.conf.task_default_queue = queue
    try:
        environment = worker_environment(queue, extra_env)
        with worker_process(environment, log_path, concurrency=concurrency) as worker:
            yield worker
    finally:
        app.conf.task_always_eager, app.conf.task_default_queue = previous


@contextmanager
def worker_process(
    environment: dict[str, str], log_path: Path, *, concurrency: int = 1
) -> Iterator[WorkerProcess]:
    """A worker with this environment (worker_environment's), consuming its default queue
    and logging to `log_path`; it changes nothing in this process. With concurrency above
    1 it runs a prefork pool, so tasks really run at the same time. A second worker may
    take over the same queue after the first is killed (its log file then says which is
    which). Stopped (SIGTERM) afterwards unless already killed."""
    queue = environment["CELERY_TASK_DEFAULT_QUEUE"]
    pool = (
        ["--pool=prefork", f"--concurrency={concurrency}"] if concurrency > 1 else ["--pool=solo"]
    )
    arguments = [
        *("worker", *pool, "-Q", queue),
        *("--without-gossip", "--without-mingle", "--without-heartbeat", "-l", "INFO"),
        *("-n", f"{queue}-{log_path.stem}@%h"),
    ]
    with celery_process(arguments, environment=environment, log_path=log_path, ready="ready.") as w:
        yield w


@contextmanager
def celery_process(
    arguments: list[str], *, environment: dict[str, str], log_path: Path, ready: str
) -> Iterator[WorkerProcess]:
    """`celery -A worker <arguments>` (a worker, or beat) with this environment, logging
    to `log_path`; yielded once its log says `ready`, stopped (SIGTERM) afterwards unless
    already killed."""
    with log_path.open("ab") as log_file:
        process = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "worker", *arguments],
            cwd=ROOT,
            env=environment,
            stdout=log_file,
            stderr=subprocess.STDOUT,
        )
    celery = WorkerProcess(
        queue=environment["CELERY_TASK_DEFAULT_QUEUE"], process=process, log_path=log_path
    )
    try:
        wait_for(
            lambda: ready in celery.log(), what=f"celery {arguments[0]} to start", worker=celery
        )
        yield celery
    finally:
        stop(process)


def stop(process: subprocess.Popen[bytes]) -> None:
    """SIGTERM a Celery process (a worker finishes its tasks) unless it has exited."""
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


class LoggedProcess(Protocol):
    process: subprocess.Popen[bytes]

    def log(self) -> str: ...


def wait_for(
    condition: Callable[[], bool],
    *,
    what: str,
    worker: LoggedProcess | None = None,
    limit: float = 60.0,
) -> None:
    """Poll until the condition holds; fail with the worker's (or beat's) log if it never does."""
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        if condition():
            return
        if worker is not None and worker.process.poll() is not None:
            raise AssertionError(f"process exited while waiting for {what}:\n{worker.log()}")
        time.sleep(0.1)
    log = worker.log() if worker else ""
    raise AssertionError(f"timed out waiting for {what}\n{log}")


def queue_length(queue: str) -> int:
    """Messages waiting in a Redis queue (the kombu Redis transport keeps a list per queue)."""
    return int(_redis().llen(queue))


def _redis() -> redis.Redis:
    return redis.Redis.from_url(settings.CELERY_BROKER_URL)
