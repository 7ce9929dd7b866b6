"""The beat schedule (worker/schedule.py) names only tasks the worker has."""

from worker.celery import app
from worker.schedule import BEAT_SCHEDULE


def test_every_scheduled_job_is_a_registered_task(db: None) -> None:
    app.loader.import_default_modules()

    scheduled = {entry["task"] for entry in BEAT_SCHEDULE.values()}

    assert scheduled - set(app.tasks) == set()
    assert "reporting.tasks.purge_stats_validators" in scheduled
    assert "core.tasks.purge_idempotency_records" in scheduled
    assert "compliance.tasks.enrol_renewals" in scheduled
