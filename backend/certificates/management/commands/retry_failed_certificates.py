"""`manage.py retry_failed_certificates [--missing] [--dry-run]`: run failed issue jobs again.

Enqueues the issue job for every certificate failure still open (the jobs that gave up);
with --missing, also for every enrolment completed more than ten minutes ago whose
certificate is not issued (no PDF or no email yet, e.g. the broker was down when it
completed). Safe to run any number of times: issuing is exactly once.
"""

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from certificates import selectors, services


class Command(BaseCommand):
    help = "Run failed certificate issue jobs again (and, with --missing, any never issued)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--missing",
            action="store_true",
            help="Also issue certificates left unissued by completions without a job.",
        )
        parser.add_argument("--dry-run", action="store_true", help="Only say what would run.")

    def handle(self, *args: Any, **options: Any) -> None:
        enrolment_ids = list(selectors.issue_failures_open().values_list("enrolment_id", flat=True))
        if options["missing"]:
            missing = selectors.enrolments_awaiting_certificate()
            enrolment_ids += list(missing.values_list("pk", flat=True))
        enrolment_ids = list(dict.fromkeys(enrolment_ids))
        if options["dry_run"]:
            self.stdout.write(f"would retry {len(enrolment_ids)} certificate(s): {enrolment_ids}")
            return
        services.certificate_issues_retry(enrolment_ids=enrolment_ids)
        self.stdout.write(f"retrying {len(enrolment_ids)} certificate(s)")
