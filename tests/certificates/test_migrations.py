"""Issue 13: the migration that drops CertificateIssueFailure carries every open failure
(its enrolment still without an issued certificate) to a stopped core.models.Job, so org
admins still see it on /jobs/ after the upgrade."""

import datetime
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from certificates.models import Certificate
from certificates.tasks import issue_certificate
from core import audit_sqlite
from core.jobs import job_key
from core.models import Job, JobState
from tests.certificates.conftest import complete_module
from tests.conftest import World
from tests.factories import JobFactory
from training.models import Module

BEFORE = [("certificates", "0002_certificates_carry_their_organisation")]
AFTER = [("certificates", "0003_issue_failures_become_jobs")]


@pytest.mark.django_db(transaction=True)
def test_open_issue_failures_become_stopped_jobs(world: World, module: Module, media: Path) -> None:
    open_one, issued, asked_again = (
        complete_module(getattr(world, who), module)
        for who in ("x_learner_a", "x_learner_b", "y_learner")
    )
    # The completions' own jobs ran (this test commits); make two certificates unissued.
    Certificate.objects.filter(enrolment__in=[open_one, asked_again]).update(
        pdf="", email_sent_at=None
    )
    reasked = JobFactory.create(task=issue_certificate.name, args=[asked_again.pk])
    failed_at = timezone.now() - datetime.timedelta(days=2)
    executor = MigrationExecutor(connection)
    audit_sqlite.uninstall(connection)  # as `migrate` does first (pre_migrate)
    executor.migrate(BEFORE)
    old = executor.loader.project_state(BEFORE).apps
    failure = old.get_model("certificates", "CertificateIssueFailure")
    for enrolment in (open_one, issued, asked_again):
        failure.objects.create(
            enrolment_id=enrolment.pk,
            learner_id=enrolment.learner_id,
            organisation_id=enrolment.organisation_id,
            error="OSError: disk full",
            failures=3,
            failed_at=failed_at,
        )
    jobs_before = set(Job.objects.values_list("pk", flat=True))

    executor = MigrationExecutor(connection)
    executor.migrate(AFTER)

    [carried] = Job.objects.exclude(pk__in=jobs_before)
    assert (carried.task, carried.args, carried.key) == (
        issue_certificate.name,
        [open_one.pk],
        job_key(issue_certificate.name, [open_one.pk]),
    )
    assert carried.organisation_id == world.org_x.pk
    assert carried.description == (
        f"Certificate for {world.x_learner_a.full_name}: {open_one.version.title}"
    )
    assert (carried.state, carried.attempts, carried.last_error) == (
        JobState.GAVE_UP,
        3,
        "OSError: disk full",
    )
    assert carried.failed_at == carried.gave_up_at == failed_at
    assert Job.objects.get(pk=reasked.pk).state == JobState.PENDING  # left as it was
    assert "certificates_certificateissuefailure" not in connection.introspection.table_names()
    # Back to the latest state, as `migrate` leaves it (the audit tables and their
    # triggers), for the tests after this one.
    call_command("migrate", verbosity=0)
