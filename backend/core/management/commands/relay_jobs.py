"""`manage.py relay_jobs`: send every background job that is due, now (ADR 0016).

Beat runs the relay every HEARTH_JOB_RELAY_INTERVAL seconds in full mode; the embedded
default has no beat, so this is how to send by hand what is due there (or anywhere: it
is safe to run at the same time as the scheduled relay).
"""

from typing import Any

from django.core.management.base import BaseCommand

from core.jobs import jobs_relay


class Command(BaseCommand):
    help = "Send every background job that is due (never sent, due for a retry, or lost)."

    def handle(self, *args: Any, **options: Any) -> None:
        sent = jobs_relay()
        self.stdout.write(f"sent {sent} job(s)")
