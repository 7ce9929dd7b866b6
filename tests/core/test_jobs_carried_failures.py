"""Issue 13 (ADR 0016): failures the database could not record travel in a retry of the
job's message and are written once it is back. Regression: Celery checked that message's
arguments against the task's own signature and refused to send it (a real worker then
dropped the job, its failures unrecorded)."""

import pytest
from django.utils import timezone

from accounts.tasks import send_invitation
from core.jobs import CARRIED, job_key, job_request
from core.models import Job
from tests import factories


@pytest.mark.django_db
def test_a_job_message_carrying_failures_is_sent_and_they_are_recorded() -> None:
    invited = factories.UserFactory.create(invitation_sent_at=timezone.now())
    job_request(send_invitation.name, [invited.pk], organisation_id=None)
    carried = [
        ["2026-03-02T09:00:00+00:00", "OperationalError: connection refused"],
        ["2026-03-02T09:00:05+00:00", "InterfaceError: connection already closed"],
    ]

    send_invitation.apply_async(args=(invited.pk,), kwargs={CARRIED: carried})

    job = Job.objects.get(key=job_key(send_invitation.name, [invited.pk]))
    assert job.attempts == 2
    assert job.last_error == "InterfaceError: connection already closed"
    assert job.failed_at is not None and job.failed_at.isoformat() == "2026-03-02T09:00:05+00:00"
    assert job.done_at is not None
