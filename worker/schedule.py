"""The beat schedule, in code (UTC). Each job is idempotent: running it twice, or two at
once, sends nothing twice (the reminder log's unique key decides) and deletes nothing
more."""

import os

from celery.schedules import crontab

# The relay's interval: the setting of the same name (config.settings.base) reads the same
# variable; the worker cannot import the settings package while it is being configured.
RELAY_INTERVAL = float(os.environ.get("HEARTH_JOB_RELAY_INTERVAL") or 60)

BEAT_SCHEDULE = {
    "relay-jobs": {
        "task": "core.tasks.relay_jobs",
        "schedule": RELAY_INTERVAL,
        # A relay that could not start in time is replaced by the next, not queued behind it.
        "options": {"expires": RELAY_INTERVAL},
    },
    # First, so nobody who has left is enrolled or reminded today.
    "daily-leavers": {
        "task": "accounts.tasks.end_due_memberships",
        "schedule": crontab(hour=6, minute=0),
    },
    # After the leavers, so someone who left today counts from today (issue 17).
    "daily-retention": {
        "task": "privacy.tasks_retention.erase_expired",
        "schedule": crontab(hour=6, minute=10),
    },
    # Before the reminders, so a renewal enrolled today is reminded of today.
    "daily-renewals": {
        "task": "compliance.tasks.enrol_renewals",
        "schedule": crontab(hour=6, minute=30),
    },
    "daily-reminders": {
        "task": "notifications.tasks.run_daily_reminders",
        "schedule": crontab(hour=7, minute=0),
    },
    "weekly-manager-digest": {
        "task": "notifications.tasks.send_weekly_digests",
        "schedule": crontab(hour=7, minute=30, day_of_week="mon"),
    },
    "retry-pending-reminders": {
        "task": "notifications.tasks.send_pending_reminders",
        "schedule": crontab(minute=15),
    },
    "weekly-stats-validator-purge": {
        "task": "reporting.tasks.purge_stats_validators",
        "schedule": crontab(hour=3, minute=40, day_of_week="sun"),
    },
    "daily-idempotency-key-purge": {
        "task": "core.tasks.purge_idempotency_records",
        "schedule": crontab(hour=3, minute=20),
    },
    "hourly-export-expiry": {
        "task": "privacy.tasks.expire_exports",
        "schedule": crontab(minute=35),
    },
    "daily-finished-job-purge": {
        "task": "core.tasks.purge_finished_jobs",
        "schedule": crontab(hour=3, minute=25),
    },
}
