"""WSGI entry point for gunicorn: `gunicorn config.wsgi` with backend/ on the path.

Each process that loads it logs the settings module it runs under, so a server's log
shows that its workers really run production settings."""

import logging
import os
import sys
from pathlib import Path

BACKEND = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(BACKEND), str(BACKEND.parent)]
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.production")

from django.conf import settings  # noqa: E402
from django.core.wsgi import get_wsgi_application  # noqa: E402

application = get_wsgi_application()
logging.getLogger("config.wsgi").info(
    "Hearth loaded in process %s with settings %s (DEBUG=%s)",
    os.getpid(),
    settings.SETTINGS_MODULE,
    settings.DEBUG,
)
