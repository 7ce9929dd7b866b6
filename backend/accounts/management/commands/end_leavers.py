"""`manage.py end_leavers`: everyone whose leaving date has come leaves the organisation,
now.

Beat runs it daily in full mode; the embedded default has no beat, so this is how to run
it there (or anywhere: it is safe to run twice, or at the same time as the scheduled run).
"""

from typing import Any

from django.core.management.base import BaseCommand

from accounts.leavers import memberships_end_due


class Command(BaseCommand):
    help = "End the memberships of everyone whose leaving date has come."

    def handle(self, *args: Any, **options: Any) -> None:
        left = memberships_end_due()
        self.stdout.write(f"{left} person(s) left their organisation")
