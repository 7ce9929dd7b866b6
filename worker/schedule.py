"""The beat schedule, in code (UTC). Each job is idempotent: running it twice, or two at
once, sends nothing twice (the reminder log's unique key decides) and deletes nothing
more."""

from celery.schedules import crontab

BEAT_SCHEDULE = {
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
}
