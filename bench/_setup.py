"""Shared set-up for benchmarks: Django on a fresh PostgreSQL database of their own."""

import os
import statistics
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT / "backend"), str(ROOT)]


@contextmanager
def django_on_postgres(name: str) -> Iterator[None]:
    """Configure Django (test settings: real PostgreSQL and Redis) on a database created
    for this run (test_<name>), and drop it afterwards."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")
    os.environ["HEARTH_TEST_DATABASE"] = f"bench_{name}"
    import django

    django.setup()
    from django.conf import settings
    from django.test.utils import setup_databases, setup_test_environment, teardown_databases

    if settings.DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql":
        raise SystemExit("Benchmarks run on PostgreSQL: set DATABASE_URL.")
    setup_test_environment()
    config = setup_databases(verbosity=0, interactive=False)
    try:
        yield
    finally:
        teardown_databases(config, verbosity=0)


def analyse() -> None:
    """Refresh PostgreSQL's statistics after a bulk load, as autovacuum would."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


def interleaved(
    rounds: int, contenders: dict[str, Callable[[], object]], warmup: int = 5
) -> dict[str, list[float]]:
    """Time each contender once per round, in turn, so drift hits them alike."""
    for _ in range(warmup):
        for run in contenders.values():
            run()
    times: dict[str, list[float]] = {name: [] for name in contenders}
    for _ in range(rounds):
        for name, run in contenders.items():
            start = time.perf_counter()
            run()
            times[name].append(time.perf_counter() - start)
    return times


def median_ratio(numerator: list[float], denominator: list[float]) -> float:
    """The median of per-round ratios."""
    return statistics.median(a / b for a, b in zip(numerator, denominator, strict=True))


def ms(values: list[float]) -> str:
    return f"{statistics.median(values) * 1000:.2f} ms"
