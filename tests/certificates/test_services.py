"""Issue 5: issuing, revoking and reissuing certificates, through the services and the task
code in-process (the real worker path is in test_worker.py)."""

import datetime
from collections.abc import Callable
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core import mail
from django.core.management import call_command
from django.db import transaction
from django.test import Client
from django.utils import timezone
from pytest_django.fixtures import Settings

from accounts import services as accounts
from accounts.models import User
from accounts.selectors import actor_for_user
from certificates import issuing, services
from certificates.models import Certificate
from certificates.selectors import enrolments_with_stopped_issue_jobs
from certificates.tasks import issue_certificate
from competencies.models import Competency
from core import jobs
from core.errors import Conflict, HearthError, NotFound
from core.jobs import JobTask
from core.models import Job, JobState
from core.pdf import AssetRefused
from notifications.models import Kind
from tests.certificates.conftest import certificate_of, pdf_files, stored_pdf
from tests.certificates.pdfs import pdf_text
from tests.conftest import World
from tests.factories import (
    CompetencyFactory,
    FrameworkFactory,
    MandatoryKindFactory,
    ModuleCompetencyFactory,
)
from tests.support.smtp import Mailbox
from training.models import Enrolment, Module
from worker.celery import app
from worker.checks import tasks_outliving_visibility

pytestmark = pytest.mark.django_db

Complete = Callable[[User], Enrolment]


@pytest.fixture
def evidenced(module: Module) -> list[Competency]:
    framework = FrameworkFactory.create()
    competencies = [
        CompetencyFactory.create(framework=framework, code=code, title=title)
        for code, title in (("DM-2", "Spots mould"), ("DM-1", "Explains damp"))
    ]
    for competency in competencies:
        ModuleCompetencyFactory.create(module=module, competency=competency)
    return competencies


# --- completion records the certificate, the job issues it after commit ---------------


def test_completing_records_the_certificate_and_enqueues_its_job_only_on_commit(
    world: World,
    completed: Complete,
    evidenced: list[Competency],
    django_capture_on_commit_callbacks: Any,
) -> None:
    with django_capture_on_commit_callbacks() as callbacks:
        enrolment = completed(world.x_learner_a)

    certificate = certificate_of(enrolment)
    assert certificate.learner_name == world.x_learner_a.full_name
    assert (certificate.module_title, certificate.module_version) == (
        "Damp and mould in the home",
        1,
    )
    assert certificate.learning_minutes == 15
    assert certificate.organisation_name == "Organisation X"
    assert certificate.competencies == [
        {"code": "DM-1", "title": "Explains damp"},
        {"code": "DM-2", "title": "Spots mould"},
    ]
    assert certificate.completed_at == enrolment.completed_at
    assert certificate.number.startswith(f"HRTH-{timezone.now().year}-")
    assert len(certificate.verification_code) == 20
    assert not certificate.pdf and certificate.email_sent_at is None
    job = Job.objects.get(task=issue_certificate.name)
    assert (job.args, job.organisation_id, job.state) == (
        [enrolment.pk],
        world.org_x.pk,
        JobState.PENDING,
    )
    assert (
        job.description
        == f"Certificate for {world.x_learner_a.full_name}: {certificate.module_title}"
    )
    sends = [c for c in callbacks if getattr(c, "func", None) is jobs._send_after_commit]
    assert [c.args for c in sends] == [(job.pk,)]


def test_a_rolled_back_completion_records_no_certificate(
    world: World, completed: Complete, django_capture_on_commit_callbacks: Any
) -> None:
    with (
        django_capture_on_commit_callbacks() as callbacks,
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        completed(world.x_learner_a)
        raise RuntimeError("roll back")

    assert Certificate.objects.count() == 0
    assert Job.objects.count() == 0
    assert callbacks == []


def test_the_job_renders_stores_and_emails_once_and_a_rerun_changes_nothing(
    world: World, completed: Complete, media: Path
) -> None:
    enrolment = completed(world.x_learner_a)

    issue_certificate(enrolment.pk)
    first = certificate_of(enrolment)
    issue_certificate(enrolment.pk)
    again = certificate_of(enrolment)

    assert first.pk == again.pk and Certificate.objects.count() == 1
    assert pdf_files(media) == [stored_pdf(media, first)]
    assert first.pdf.name == f"certificates/{first.issued_at:%Y}/{first.number}.pdf"
    assert again.email_sent_at == first.email_sent_at is not None
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [world.x_learner_a.email]
    assert message.subject == "Your Hearth certificate: Damp and mould in the home"
    assert f"/certificates/{first.pk}/" in str(message.body)
    assert first.verify_url in str(message.body)
    text = pdf_text(stored_pdf(media, first))
    assert world.x_learner_a.full_name in text and first.number in text


def test_an_email_that_fails_after_the_pdf_is_stored_is_sent_by_the_retry_once(
    world: World, completed: Complete, media: Path, smtp_mailbox: Mailbox
) -> None:
    enrolment = completed(world.x_learner_a)
    smtp_mailbox.scripted_replies.append("451 Try again later")

    with pytest.raises(issue_certificate.transient):
        issuing.certificate_issue(enrolment_id=enrolment.pk)
    stored = certificate_of(enrolment)
    assert stored.pdf and stored.email_sent_at is None  # the claim was released
    issuing.certificate_issue(enrolment_id=enrolment.pk)
    issuing.certificate_issue(enrolment_id=enrolment.pk)

    assert Certificate.objects.count() == 1
    assert pdf_files(media) == [stored_pdf(media, stored)]
    assert [m["To"] for m in smtp_mailbox.messages] == [world.x_learner_a.email]


def test_the_email_as_delivered_is_well_formed_mime_with_both_parts(
    world: World, completed: Complete, media: Path, settings: Settings, smtp_mailbox: Mailbox
) -> None:
    """The certificate email (core.email), read back from a real SMTP server by Python's
    parser, has the headers, both parts and the text."""
    settings.SITE_URL = "https://hearth.example.org"
    world.x_learner_a.full_name = "Zoë Ó Briain-Łukasz"
    world.x_learner_a.save(update_fields=["full_name"])
    enrolment = completed(world.x_learner_a)
    issuing.certificate_issue(enrolment_id=enrolment.pk)

    certificate = certificate_of(enrolment)
    [message] = smtp_mailbox.messages
    assert message["To"] == world.x_learner_a.email
    assert message["From"] == settings.DEFAULT_FROM_EMAIL
    assert message["Subject"] == "Your Hearth certificate: Damp and mould in the home"
    assert message["Message-ID"] == f"<hearth.certificate.{certificate.number}@hearth.example.org>"
    assert message.get_content_type() == "multipart/alternative"
    text = message.get_body(preferencelist=("plain",))
    html = message.get_body(preferencelist=("html",))
    assert text is not None and html is not None
    for part in (text.get_content(), html.get_content()):
        assert "Hello Zoë," in part
        assert certificate.number in part and certificate.verify_url in part


def test_a_learner_who_opted_out_gets_no_certificate_email_unless_it_is_mandatory(
    world: World, completed: Complete, media: Path, client: Client
) -> None:
    """Issue 11: the certificate email follows the choice the email preferences page offers."""
    learner = world.x_learner_a
    client.force_login(learner)
    page = client.post("/settings/email/", {"kinds": ["due_soon"]})
    assert page.status_code == 302
    enrolment = completed(learner)

    issue_certificate(enrolment.pk)
    issue_certificate(enrolment.pk)

    certificate = certificate_of(enrolment)
    assert certificate.pdf and certificate.email_sent_at is None
    assert mail.outbox == []
    MandatoryKindFactory.create(organisation=world.org_x, kind=Kind.CERTIFICATE_READY)
    issue_certificate(enrolment.pk)
    issue_certificate(enrolment.pk)
    assert [message.to for message in mail.outbox] == [[learner.email]]


def test_a_job_that_fails_for_good_is_recorded_on_its_job_and_an_admin_runs_it_again(
    world: World,
    completed: Complete,
    media: Path,
    monkeypatch: pytest.MonkeyPatch,
    django_capture_on_commit_callbacks: Any,
) -> None:
    """Issue 13: a failure is recorded on the job's row (an error no retry can fix stops
    retrying at once), and an org admin of the learner's organisation runs it again."""
    enrolment = completed(world.x_learner_a)

    monkeypatch.setattr("certificates.pdf.certificate_pdf", _refuse)
    issue_certificate(enrolment.pk)
    monkeypatch.undo()

    job = Job.objects.get(task=issue_certificate.name, args=[enrolment.pk])
    assert job.last_error.startswith("AssetRefused: refused")
    assert (job.attempts, job.state, job.organisation_id) == (1, JobState.GAVE_UP, world.org_x.pk)
    assert job.failed_at is not None and job.gave_up_at is not None
    assert enrolments_with_stopped_issue_jobs() == [enrolment.pk]
    assert not certificate_of(enrolment).pdf and len(mail.outbox) == 0
    with pytest.raises(NotFound):
        accounts.job_retry(actor=actor_for_user(world.x_manager_a), job=job)
    with pytest.raises(NotFound):
        accounts.job_retry(actor=actor_for_user(world.y_admin), job=job)

    with django_capture_on_commit_callbacks(execute=True):
        accounts.job_retry(actor=actor_for_user(world.x_admin), job=job)

    assert certificate_of(enrolment).pdf and len(mail.outbox) == 1
    job.refresh_from_db()
    assert job.state == JobState.DONE and job.gave_up_at is None
    assert enrolments_with_stopped_issue_jobs() == []


def test_the_retry_command_asks_again_for_stopped_and_forgotten_certificates(
    world: World,
    completed: Complete,
    media: Path,
    monkeypatch: pytest.MonkeyPatch,
    django_capture_on_commit_callbacks: Any,
) -> None:
    """Issue 13: the jobs that stopped are found on their Job rows; --missing adds
    completions over ten minutes old without a certificate, whatever their jobs say."""
    forgotten = completed(world.x_learner_a)
    Enrolment.objects.filter(pk=forgotten.pk).update(
        completed_at=timezone.now() - datetime.timedelta(hours=1)
    )
    recent = completed(world.x_learner_b)
    stopped = completed(world.y_learner)
    monkeypatch.setattr("certificates.pdf.certificate_pdf", _refuse)
    issue_certificate(stopped.pk)
    monkeypatch.undo()
    assert Job.objects.get(args=[stopped.pk]).state == JobState.GAVE_UP

    dry_run, plain = StringIO(), StringIO()
    call_command("retry_failed_certificates", "--missing", "--dry-run", stdout=dry_run)
    assert not certificate_of(forgotten).pdf and not certificate_of(stopped).pdf
    assert Job.objects.get(args=[stopped.pk]).state == JobState.GAVE_UP
    with django_capture_on_commit_callbacks(execute=True):
        call_command("retry_failed_certificates", stdout=plain)
    assert certificate_of(stopped).email_sent_at is not None
    assert not certificate_of(forgotten).pdf
    with django_capture_on_commit_callbacks(execute=True):
        call_command("retry_failed_certificates", "--missing", stdout=StringIO())

    assert certificate_of(forgotten).email_sent_at is not None
    assert not certificate_of(recent).pdf  # its own job is still expected to run
    assert len(mail.outbox) == 2
    assert dry_run.getvalue() == (f"would retry 2 certificate(s): [{stopped.pk}, {forgotten.pk}]\n")
    assert plain.getvalue() == "retrying 1 certificate(s)\n"
    assert Job.objects.get(args=[stopped.pk]).state == JobState.DONE
    assert Job.objects.get(args=[forgotten.pk]).state == JobState.DONE


def _refuse(certificate: Certificate) -> bytes:
    raise AssetRefused("refused 'file:///etc/passwd'")


def test_the_job_options_keep_it_safe_to_redeliver() -> None:
    assert isinstance(issue_certificate, JobTask)
    assert issue_certificate.acks_late and issue_certificate.reject_on_worker_lost
    assert (issue_certificate.soft_time_limit, issue_certificate.time_limit) == (60, 90)
    assert int(app.conf.broker_transport_options["visibility_timeout"]) > 90
    assert tasks_outliving_visibility(app) == []
    assert app.conf.worker_prefetch_multiplier == 1


# --- revoking and reissuing ----------------------------------------------------------


@pytest.fixture
def issued(world: World, completed: Complete, media: Path) -> Certificate:
    enrolment = completed(world.x_learner_a)
    issue_certificate(enrolment.pk)
    mail.outbox.clear()
    return certificate_of(enrolment)


def test_an_org_admin_revokes_with_a_reason_once(world: World, issued: Certificate) -> None:
    admin = actor_for_user(world.x_admin)

    with pytest.raises(HearthError) as no_reason:
        services.certificate_revoke(actor=admin, certificate=issued, reason="  ")
    revoked = services.certificate_revoke(
        actor=admin, certificate=issued, reason="Completed by someone else."
    )
    with pytest.raises(Conflict):
        services.certificate_revoke(actor=admin, certificate=revoked, reason="Again.")

    assert no_reason.value.fields == {"reason": ["Say why."]}
    assert revoked.revoked_reason == "Completed by someone else."
    assert revoked.revoked_by_id == world.x_admin.pk and revoked.revoked_at is not None


@pytest.mark.parametrize("who", ["x_learner_a", "x_manager_a", "y_admin"])
def test_only_an_admin_of_the_certificates_organisation_revokes_or_reissues(
    world: World, issued: Certificate, who: str
) -> None:
    actor = actor_for_user(getattr(world, who))

    for action in (services.certificate_revoke, services.certificate_reissue):
        with pytest.raises(HearthError) as refused:
            action(actor=actor, certificate=issued, reason="Because.")
        assert refused.value.status == 403

    fresh = Certificate.objects.get(pk=issued.pk)
    assert fresh.revoked_at is None and fresh.superseded_at is None


def test_reissuing_after_a_name_change_supersedes_the_old_certificate(
    world: World, issued: Certificate, media: Path, django_capture_on_commit_callbacks: Any
) -> None:
    User.objects.filter(pk=world.x_learner_a.pk).update(full_name="Amira Okafor")
    admin = actor_for_user(world.x_admin)

    with django_capture_on_commit_callbacks(execute=True):
        new = services.certificate_reissue(
            actor=admin, certificate=issued, reason="Changed her name."
        )

    old = Certificate.objects.get(pk=issued.pk)
    new.refresh_from_db()
    assert old.superseded_at is not None and old.superseded_by == new
    assert new.supersedes == old and new.reissue_reason == "Changed her name."
    assert new.learner_name == "Amira Okafor" and old.learner_name != "Amira Okafor"
    assert new.number != old.number and new.verification_code != old.verification_code
    assert (new.module_title, new.module_version, new.competencies, new.completed_at) == (
        old.module_title,
        old.module_version,
        old.competencies,
        old.completed_at,
    )
    assert new.pdf and "Amira Okafor" in pdf_text(stored_pdf(media, new))
    assert sorted(pdf_files(media)) == sorted([stored_pdf(media, old), stored_pdf(media, new)])
    assert [m.subject for m in mail.outbox] == [
        "Your Hearth certificate: Damp and mould in the home"
    ]
    with pytest.raises(Conflict):
        services.certificate_reissue(actor=admin, certificate=old, reason="Again.")


def test_a_revoked_certificate_is_not_reissued(world: World, issued: Certificate) -> None:
    admin = actor_for_user(world.x_admin)
    services.certificate_revoke(actor=admin, certificate=issued, reason="Issued in error.")

    with pytest.raises(Conflict):
        services.certificate_reissue(actor=admin, certificate=issued, reason="Undo.")
    assert Certificate.objects.count() == 1
