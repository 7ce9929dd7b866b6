"""Failed issue jobs are recorded on core.Job rows now (ADR 0016): every open
CertificateIssueFailure (its enrolment still has no issued certificate) becomes a stopped
job, so org admins still see it on /jobs/ and can try it again; then the table goes."""

import json

from django.db import migrations
from django.db.backends.base.schema import BaseDatabaseSchemaEditor
from django.db.migrations.state import StateApps
from django.db.models import Exists, OuterRef, Q

# As core.jobs.job_key names the job (a migration keeps its own copy of the rule).
TASK = "certificates.tasks.issue_certificate"


def failures_to_jobs(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    failure_model = apps.get_model("certificates", "CertificateIssueFailure")
    certificate = apps.get_model("certificates", "Certificate")
    job = apps.get_model("core", "Job")
    issued = (
        certificate.objects.filter(enrolment=OuterRef("enrolment"), superseded_at__isnull=True)
        .exclude(pdf="")
        .filter(Q(email_sent_at__isnull=False) | Q(revoked_at__isnull=False))
    )
    open_failures = failure_model.objects.exclude(Exists(issued)).select_related(
        "enrolment__learner", "enrolment__version"
    )
    for failure in open_failures.iterator():
        args = [failure.enrolment_id]
        key = f"{TASK}:{json.dumps(args, separators=(',', ':'))}"
        if job.objects.filter(key=key, done_at__isnull=True).exists():
            continue  # asked for again since: that job is the record now
        enrolment = failure.enrolment
        job.objects.create(
            task=TASK,
            args=args,
            key=key,
            organisation_id=failure.organisation_id,
            description=(
                f"Certificate for {enrolment.learner.full_name}: {enrolment.version.title}"
            )[:300],
            requested_at=failure.failed_at,
            due_at=failure.failed_at,
            attempts=failure.failures,
            last_error=failure.error[:500],
            failed_at=failure.failed_at,
            gave_up_at=failure.failed_at,
        )


class Migration(migrations.Migration):
    dependencies = [
        ("certificates", "0002_certificates_carry_their_organisation"),
        ("core", "0002_job"),
    ]

    operations = [
        migrations.RunPython(failures_to_jobs, migrations.RunPython.noop),
        migrations.DeleteModel(name="CertificateIssueFailure"),
    ]
