"""A throwaway PostgreSQL cluster of a test's own (initdb in a temporary directory, on a
spare port), which the test may stop and start again: the machine's PostgreSQL is shared
and never stopped."""

import glob
import os
import shutil
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path


def postgres_bin() -> Path | None:
    """The newest installed PostgreSQL's bin directory (Debian's layout), if any."""
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
    return Path(found[-1]).parent if found else None


@dataclass
class Cluster:
    bin_dir: Path
    data_dir: Path
    port: int
    user: str

    @property
    def url(self) -> str:
        return f"postgres://{self.user}@127.0.0.1:{self.port}/postgres"

    def _run(self, *args: str) -> None:
        command = [str(self.bin_dir / args[0]), *args[1:]]
        if os.geteuid() == 0:
            # initdb and postgres refuse to run as root.
            command = ["runuser", "-u", self.user, "--", *command]
        subprocess.run(command, check=True, capture_output=True, timeout=60)

    def start(self) -> None:
        options = f"-p {self.port} -k {self.data_dir} -c listen_addresses=127.0.0.1 -c fsync=off"
        # The server's own output goes to a log file: a pipe it inherited would keep
        # pg_ctl's caller waiting for the end of output.
        log = str(self.data_dir.parent / "postgres.log")
        self._run("pg_ctl", "-D", str(self.data_dir), "-o", options, "-l", log, "-w", "start")

    def stop(self) -> None:
        self._run("pg_ctl", "-D", str(self.data_dir), "-m", "fast", "-w", "stop")


@contextmanager
def own_cluster(directory: Path, *, port: int) -> Iterator[Cluster]:
    """initdb a cluster (trust authentication) in `directory`, start it, and stop it
    (if running) afterwards."""
    bin_dir = postgres_bin()
    assert bin_dir is not None, "PostgreSQL's server binaries are not installed"
    user = "postgres" if os.geteuid() == 0 else os.environ.get("USER", "postgres")
    data_dir = directory / "data"
    data_dir.mkdir()
    if os.geteuid() == 0:
        shutil.chown(directory, user=user)
        shutil.chown(data_dir, user=user)
    cluster = Cluster(bin_dir=bin_dir, data_dir=data_dir, port=port, user=user)
    cluster._run("initdb", "-D", str(data_dir), "-U", user, "-A", "trust", "--no-sync")
    try:
        cluster.start()
        yield cluster
    finally:
        if (data_dir / "postmaster.pid").exists():
            cluster.stop()
