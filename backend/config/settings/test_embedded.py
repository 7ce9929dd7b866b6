"""Test overlay for the embedded default: the pass that proves what `make run` runs.

A SQLite file, Celery tasks in-process (eager), no shared cache, email kept in memory
by the test runner, media on local disk. Whatever DATABASE_URL, CELERY_BROKER_URL,
CACHE_URL or EMAIL_HOST the shell exports (CI exports the full mode's), this pass
ignores them: it is the embedded default or it is nothing. Every test runs here but
those marked `full_only` or `worker` (tests/conftest.py).
"""

import os

for _name in ("DATABASE_URL", "CELERY_BROKER_URL", "CACHE_URL", "EMAIL_HOST"):
    os.environ.pop(_name, None)

from config.settings.base import *  # noqa: E402, F403
from config.settings.base import DATABASES, VAR_DIR  # noqa: E402

HEARTH_TEST_RUN_MODE = "embedded"
SECRET_KEY = "test-only-not-secret"  # noqa: S105
DEBUG = False
# A file, as `make run` uses, not SQLite's in-memory database.
DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / "test-embedded.sqlite3")}
MEDIA_ROOT = VAR_DIR / "test-embedded-media"
(VAR_DIR / "static").mkdir(parents=True, exist_ok=True)
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
AXES_FAILURE_LIMIT = 5
