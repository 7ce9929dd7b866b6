"""Checks a worker runs as it starts, so a badly set-up machine says so loudly.

- HarfBuzz's subset library (Debian's libharfbuzz-subset0, which Pango does not pull
  in): without it WeasyPrint falls back to fontTools to subset fonts, 4-5 times slower
  per certificate. scripts/system-deps.sh and the Dockerfile install it.
- Time limits and retry countdowns below the Redis visibility timeout: a late-acked
  job still running (or waiting for its retry) when the timeout passes is handed to a
  second worker.
"""

import ctypes
import logging
from typing import Any

from celery import Celery
from django.conf import settings

from core.jobs import JobTask

logger = logging.getLogger("worker.checks")

HARFBUZZ_SUBSET = "libharfbuzz-subset.so.0"
BANNER = "!" * 78


def harfbuzz_subset_version(library: str = HARFBUZZ_SUBSET) -> str | None:
    """HarfBuzz's version if its subset library loads, else None."""
    try:
        ctypes.CDLL(library)
        harfbuzz = ctypes.CDLL("libharfbuzz.so.0")
    except OSError:
        return None
    harfbuzz.hb_version_string.restype = ctypes.c_char_p
    return str(harfbuzz.hb_version_string().decode())


def check_harfbuzz_subset(library: str = HARFBUZZ_SUBSET) -> bool:
    """Log that the subset library is there, or an unmissable error that it is not."""
    version = harfbuzz_subset_version(library)
    if version is not None:
        logger.info(
            "startup check: %s loaded (HarfBuzz %s): fast font subsetting", library, version
        )
        return True
    logger.error(
        "\n%s\nstartup check FAILED: %s cannot be loaded.\n"
        "WeasyPrint will subset fonts with fontTools instead, 4-5x slower per certificate.\n"
        "Install it: apt-get install libharfbuzz-subset0 (scripts/system-deps.sh does).\n%s",
        BANNER,
        library,
        BANNER,
    )
    return False


def _visibility_timeout(app: Celery) -> int:
    options: dict[str, Any] = app.conf.broker_transport_options or {}
    return int(options.get("visibility_timeout", 3600))


def tasks_outliving_visibility(app: Celery) -> list[str]:
    """Tasks whose hard time limit plus longest retry countdown reaches the visibility
    timeout (so Redis could redeliver them while they still run or wait)."""
    timeout = _visibility_timeout(app)
    too_long = []
    for name, task in sorted(app.tasks.items()):
        if name.startswith("celery."):
            continue
        limit = task.time_limit or app.conf.task_time_limit or 0
        retries = bool(getattr(task, "autoretry_for", ()))
        countdown = (getattr(task, "retry_backoff_max", 0) or 0) if retries else 0
        if isinstance(task, JobTask):
            # Its retry that carries failures the database could not record waits this long.
            countdown = max(countdown, settings.CELERY_RETRY_COUNTDOWN_MAX)
        if limit + countdown >= timeout:
            too_long.append(f"{name} ({limit}s + {countdown}s >= {timeout}s)")
    return too_long


def check_time_limits(app: Celery) -> bool:
    """Warn about any task that could outlive the broker's visibility timeout."""
    too_long = tasks_outliving_visibility(app)
    for description in too_long:
        logger.warning("startup check: %s outlives the Redis visibility timeout", description)
    if not too_long:
        logger.info(
            "startup check: every task's time limit and retry countdown is below the "
            "visibility timeout (%ss)",
            _visibility_timeout(app),
        )
    return not too_long


def run_startup_checks(app: Celery) -> None:
    """Everything a starting worker checks, once its tasks are imported."""
    app.loader.import_default_modules()
    check_harfbuzz_subset()
    check_time_limits(app)
