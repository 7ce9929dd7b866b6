"""The one Celery app, configured from Django settings (CELERY_* variables).

Start a worker from the repository root with
`celery -A worker worker` (and `celery -A worker beat` for the schedule).
"""

import os
import sys
from pathlib import Path

from celery import Celery
from celery.signals import celeryd_after_setup

ROOT = Path(__file__).resolve().parent.parent
for entry in (str(ROOT / "backend"), str(ROOT)):
    if entry not in sys.path:
        sys.path.insert(0, entry)
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")

from worker.schedule import BEAT_SCHEDULE  # noqa: E402

app = Celery("hearth")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
# An app whose tasks outgrow tasks.py splits them by subject: tasks_<subject>.py.
app.autodiscover_tasks(related_name="tasks_retention")
app.conf.beat_schedule = BEAT_SCHEDULE


@celeryd_after_setup.connect
def _startup_checks(sender: object, instance: object, **kwargs: object) -> None:
    """Say loudly, as the worker starts, if the machine is missing what certificates need."""
    from worker.checks import run_startup_checks

    run_startup_checks(app)
