"""Issue 13 (ADR 0016): failures the database could not record travel in a retry of the
job's message and are written once it is back. Regression: Celery checked that message's
arguments against the task's own signature and refused to send it (a real worker then
dropped the job, its failures unrecorded)."""

from typing import Any

import pytest
from celery import Signature
from celery.exceptions import Retry
from django.db import OperationalError
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


@pytest.mark.django_db
def test_failures_are_carried_however_many_retries_carried_them_before(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Regression: the carrying retry fell back on Celery's three retries, so a database
    down for longer than about 30 s dropped the message and every failure it carried."""

    def database_down(**kwargs: object) -> None:
        raise OperationalError("connection refused")

    sent: list[Signature[Any]] = []
    monkeypatch.setattr("accounts.invitations.invitation_send", database_down)
    monkeypatch.setattr("core.jobs.job_failed", database_down)
    monkeypatch.setattr(Signature, "apply_async", lambda self, **options: sent.append(self))
    earlier = [["2026-03-02T09:00:00+00:00", "OperationalError: connection refused"]] * 20
    # As a worker runs the twentieth retry of the message (not in-process, not eager).
    send_invitation.push_request(id="a-job", retries=20, called_directly=False, is_eager=False)
    try:
        with pytest.raises(Retry):
            send_invitation(7, **{CARRIED: earlier})
    finally:
        send_invitation.pop_request()

    [retry] = sent
    assert retry.args == (7,)
    carried = retry.kwargs[CARRIED]
    assert len(carried) == 21
    assert carried[-1][1] == "OperationalError: connection refused"
