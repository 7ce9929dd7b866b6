"""Issue 13 in process (both passes): a certificate's issue job is recorded with the
completion, a failed attempt is recorded and retried by the relay until the email is
sent once, and a PDF stored by a transaction that then fails is deleted (no orphan)."""

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.db import OperationalError
from django.db.models import QuerySet

from accounts.models import User
from certificates import issuing
from certificates.models import Certificate
from core.jobs import jobs_relay
from core.models import Job, JobState
from tests.certificates.conftest import certificate_of, pdf_files, stored_pdf
from tests.conftest import World
from tests.support.smtp import Mailbox
from training.models import Enrolment

pytestmark = pytest.mark.django_db

Complete = Callable[[User], Enrolment]
TASK = "certificates.tasks.issue_certificate"


def test_a_completion_records_its_issue_job_in_the_same_transaction(
    world: World, completed: Complete, media: Path
) -> None:
    enrolment = completed(world.x_learner_a)  # on-commit work does not run in this test

    [job] = Job.objects.filter(task=TASK)
    assert job.args == [enrolment.pk] and job.organisation_id == world.org_x.pk
    assert job.description == (
        f"Certificate for {world.x_learner_a.full_name}: Damp and mould in the home"
    )
    assert job.state == JobState.PENDING and job.sent_at is None


def test_a_certificate_email_refused_for_a_while_is_sent_once_by_the_relay(
    world: World,
    completed: Complete,
    media: Path,
    smtp_mailbox: Mailbox,
    django_capture_on_commit_callbacks: Any,
) -> None:
    smtp_mailbox.scripted_replies.extend(["451 Try again later"] * 2)
    with django_capture_on_commit_callbacks(execute=True):
        enrolment = completed(world.x_learner_a)
    job = Job.objects.get(task=TASK)
    assert job.state == JobState.RETRYING and job.attempts == 1
    assert "451" in job.last_error

    jobs_relay(now=job.due_at)
    job.refresh_from_db()
    assert job.state == JobState.RETRYING and job.attempts == 2
    jobs_relay(now=job.due_at)

    job.refresh_from_db()
    certificate = certificate_of(enrolment)
    assert job.state == JobState.DONE and job.attempts == 2
    assert [m["To"] for m in smtp_mailbox.messages] == [world.x_learner_a.email]
    assert pdf_files(media) == [stored_pdf(media, certificate)]
    assert jobs_relay(now=job.due_at) == 0


def test_a_pdf_stored_by_a_transaction_that_then_fails_is_deleted(
    world: World, completed: Complete, media: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The database goes away after the file is stored and before the row says so."""
    enrolment = completed(world.x_learner_a)
    real_update = QuerySet.update

    def database_gone(self: QuerySet[Any], **changes: Any) -> int:
        if self.model is Certificate and "pdf" in changes:
            assert len(pdf_files(media)) == 1  # stored, about to be recorded
            raise OperationalError("server closed the connection unexpectedly")
        return real_update(self, **changes)

    monkeypatch.setattr(QuerySet, "update", database_gone)
    with pytest.raises(OperationalError):
        issuing.certificate_issue(enrolment_id=enrolment.pk)
    assert pdf_files(media) == []
    assert not certificate_of(enrolment).pdf

    monkeypatch.setattr(QuerySet, "update", real_update)
    issuing.certificate_issue(enrolment_id=enrolment.pk)
    assert pdf_files(media) == [stored_pdf(media, certificate_of(enrolment))]
