"""`manage.py enrol_renewals`: enrol again everyone whose renewal of required training is
open, now.

Beat runs it daily in full mode; the embedded default has no beat, so this is how to run
it there (or anywhere: it is safe to run twice, or at the same time as the scheduled run).
"""

from typing import Any

from django.core.management.base import BaseCommand

from compliance.renewals import renewals_enrol


class Command(BaseCommand):
    help = "Enrol again everyone whose renewal of required training is open."

    def handle(self, *args: Any, **options: Any) -> None:
        made = renewals_enrol()
        self.stdout.write(f"enrolled {made} person(s) again")
