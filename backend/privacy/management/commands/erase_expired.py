"""`manage.py erase_expired`: erase every leaver whose organisation's retention has run
out, and every erasure a legal hold postponed whose day has come, now (issue 17).

Beat runs it daily in full mode; the embedded default has no beat, so this is how to run
it there (or anywhere: it is safe to run twice, or at the same time as the scheduled run).
"""

from typing import Any

from django.core.management.base import BaseCommand

from core import audit
from privacy.retention import retention_run


class Command(BaseCommand):
    help = "Erase leavers whose retention has run out and postponed erasures now due."

    def handle(self, *args: Any, **options: Any) -> None:
        with audit.context(via="command", command="erase_expired"):
            done = retention_run()
        self.stdout.write(
            f"{done['leavers erased']} leaver(s) erased, "
            f"{done['postponed erasures done']} postponed erasure(s) done"
        )
