"""Start a real `celery -A worker beat` process: worker/schedule.py's schedule, sent to the
broker and default queue its environment names (give it its worker's environment)."""

import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from tests.support.worker import ROOT, stop, wait_for


@dataclass
class BeatProcess:
    process: subprocess.Popen[bytes]
    log_path: Path

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")


@contextmanager
def celery_beat(environment: dict[str, str], log_path: Path) -> Iterator[BeatProcess]:
    """Run beat with this environment, logging to `log_path` and keeping its schedule file
    beside it (not in the repository); stopped (SIGTERM) afterwards."""
    schedule = log_path.with_suffix(".schedule")
    with log_path.open("ab") as log_file:
        process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "worker",
                "beat",
                "-l",
                "INFO",
                "-s",
                str(schedule),
            ],
            cwd=ROOT,
            env=environment,
            stdout=log_file,
            stderr=subprocess.STDOUT,
        )
    beat = BeatProcess(process=process, log_path=log_path)
    try:
        wait_for(lambda: "beat: Starting" in beat.log(), what="beat to start", worker=beat)
        yield beat
    finally:
        stop(process)
