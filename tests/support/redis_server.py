"""A Redis server of a test's own, on a spare port, which the test may stop and start
again (the machine's Redis is shared and never stopped). Like compose's it keeps nothing
on disk unless asked to (`appendonly=True`), so a restart loses whatever was queued."""

import contextlib
import shutil
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import redis

from tests.support.smtp import free_port


@dataclass
class RedisServer:
    directory: Path
    port: int
    appendonly: bool

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def client(self) -> redis.Redis:
        return redis.Redis(host="127.0.0.1", port=self.port, socket_timeout=5)

    def start(self) -> None:
        subprocess.run(
            [
                shutil.which("redis-server") or "redis-server",
                *("--port", str(self.port)),
                *("--bind", "127.0.0.1", "--daemonize", "yes", "--dir", str(self.directory)),
                *("--pidfile", str(self.directory / "redis.pid")),
                *("--logfile", str(self.directory / "redis.log"), "--save", ""),
                *("--appendonly", "yes" if self.appendonly else "no"),
            ],
            check=True,
            capture_output=True,
            timeout=30,
        )
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                if self.client().ping():
                    return
            except redis.ConnectionError:
                time.sleep(0.05)
        raise AssertionError(f"redis on port {self.port} did not start")

    def stop(self) -> None:
        """Shut it down at once, keeping nothing it was not told to keep."""
        with contextlib.suppress(redis.ConnectionError):  # shutting down closes the connection
            self.client().shutdown(nosave=True)
        deadline = time.monotonic() + 30
        while (self.directory / "redis.pid").exists() and time.monotonic() < deadline:
            time.sleep(0.05)

    def running(self) -> bool:
        try:
            return bool(self.client().ping())
        except redis.ConnectionError:
            return False


@contextmanager
def own_redis(directory: Path, *, appendonly: bool = False) -> Iterator[RedisServer]:
    """Start a Redis of the test's own on a free port; stop it afterwards if running."""
    directory.mkdir(parents=True, exist_ok=True)
    server = RedisServer(directory=directory, port=free_port(), appendonly=appendonly)
    server.start()
    try:
        yield server
    finally:
        if server.running():
            server.stop()
