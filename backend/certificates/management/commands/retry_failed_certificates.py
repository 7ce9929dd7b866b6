"""`manage.py retry_failed_certificates [--missing] [--dry-run]`: ask again for certificates
whose issue job stopped.

Asks again for every certificate issue job that stopped retrying (its core.models.Job row
gave up: a permanent error, or too many attempts); with --missing, also for every
enrolment completed more than ten minutes ago whose certificate is not issued (no PDF or
no email yet) whatever its job says. Each job is due at once and sent after commit. Safe
to run any number of times: issuing is exactly once.
"""

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from certificates import selectors, services


class Command(BaseCommand):
    help = (
        "Ask again for certificate issue jobs that stopped (and, with --missing, any never issued)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--missing",
            action="store_true",
            help="Also issue certificates of completions more than ten minutes old that have none.",
        )
        parser.add_argument("--dry-run", action="store_true", help="Only say what would run.")

    def handle(self, *args: Any, **options: Any) -> None:
        enrolment_ids = selectors.enrolments_with_stopped_issue_jobs()
        if options["missing"]:
            missing = selectors.enrolments_awaiting_certificate()
            enrolment_ids += list(missing.values_list("pk", flat=True))
        enrolment_ids = list(dict.fromkeys(enrolment_ids))
        if options["dry_run"]:
            self.stdout.write(f"would retry {len(enrolment_ids)} certificate(s): {enrolment_ids}")
            return
        services.certificate_issues_retry(enrolment_ids=enrolment_ids)
        self.stdout.write(f"retrying {len(enrolment_ids)} certificate(s)")
