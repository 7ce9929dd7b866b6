"""Test overlay: the suite runs against real PostgreSQL and Redis (full mode).

DATABASE_URL, CELERY_BROKER_URL and CACHE_URL default to the machine's own services.
Tasks run eagerly in the test process; tests that prove the real path start
a Celery worker process on Redis and switch eager mode off for themselves.
"""

import os

os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/hearth")
os.environ.setdefault("CELERY_BROKER_URL", "redis://127.0.0.1:6379/15")
os.environ.setdefault("CACHE_URL", "redis://127.0.0.1:6379/14")

from config.settings.base import *  # noqa: F403
from config.settings.base import VAR_DIR

HEARTH_TEST_RUN_MODE = "full"
SECRET_KEY = "test-only-not-secret"  # noqa: S105
# Separate names let two test runs share one PostgreSQL server at once.
DATABASES["default"]["TEST"] = {"NAME": os.environ.get("HEARTH_TEST_DATABASE", "test_hearth")}  # noqa: F405
DEBUG = False
CELERY_TASK_ALWAYS_EAGER = True
MEDIA_ROOT = VAR_DIR / "test-media"
(VAR_DIR / "static").mkdir(parents=True, exist_ok=True)
# Argon2 is the real hasher (base); tests hash many passwords and use a fast one.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
AXES_FAILURE_LIMIT = 5
