"""Issue 5, must show 1 and 2, with real `celery worker` processes on Redis, the test
database and a real SMTP server on loopback:

1. completing a module produces a stored PDF whose text holds the learner's name, the
   module title and the certificate number, and whose QR code encodes the verify URL;
2. the same job delivered three times at once, and a worker SIGKILLed mid-render and
   restarted, each end with exactly one certificate, one PDF and one email.
"""

import re
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from pytest_django.fixtures import Settings
from rest_framework.test import APIClient

from accounts.models import User
from certificates.models import Certificate
from certificates.tasks import issue_certificate
from tests.certificates.conftest import certificate_of, complete_module, pdf_files, stored_pdf
from tests.certificates.pdfs import expected_qr_matrix, pdf_text, qr_matrix, squashed
from tests.conftest import World
from tests.support.smtp import Mailbox, smtp_server
from tests.support.training import publish_module, right_answers
from tests.support.worker import WorkerProcess, _redis, wait_for, worker_on
from training.models import Enrolment, Lesson

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.worker]

TASK = "certificates.tasks.issue_certificate"


@pytest.fixture(scope="module")
def mailbox() -> Iterator[tuple[Mailbox, int]]:
    with smtp_server() as server:
        yield server


@pytest.fixture(scope="module")
def shared_media(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("media")


def environment(port: int, media: Path, **extra: str) -> dict[str, str]:
    return {
        "EMAIL_HOST": "127.0.0.1",
        "EMAIL_PORT": str(port),
        "MEDIA_ROOT": str(media),
        **extra,
    }


@pytest.fixture(scope="module")
def prefork_worker(
    django_db_setup: None,
    tmp_path_factory: pytest.TempPathFactory,
    mailbox: tuple[Mailbox, int],
    shared_media: Path,
) -> Iterator[WorkerProcess]:
    """One worker with three processes for the module. Rendering takes a second longer
    there (the test-only delay), so three deliveries of one job surely overlap."""
    queue = f"test-certificates-{uuid.uuid4().hex[:8]}"
    log = tmp_path_factory.mktemp("logs") / "prefork.log"
    extra = environment(mailbox[1], shared_media, CERTIFICATE_TEST_RENDER_DELAY="1")
    with worker_on(queue, log, concurrency=3, extra_env=extra) as worker:
        yield worker
    _redis().delete(queue)


@pytest.fixture
def media(settings: Settings, shared_media: Path) -> Path:
    """This process reads the PDFs where the workers write them."""
    settings.MEDIA_ROOT = shared_media
    return shared_media


def files_of(media: Path, certificate: Certificate) -> list[Path]:
    return [path for path in pdf_files(media) if path.stem.startswith(certificate.number)]


def task_lines(log: str, word: str) -> list[str]:
    return re.findall(rf"Task {re.escape(TASK)}\[[0-9a-f-]+\] {word}", log)


def test_completing_a_module_issues_a_verifiable_pdf_on_a_real_worker(
    world: World,
    client_for: Callable[[User], APIClient],
    prefork_worker: WorkerProcess,
    mailbox: tuple[Mailbox, int],
    media: Path,
) -> None:
    inbox, _ = mailbox
    learner = world.x_learner_a
    module = publish_module(title="Damp and mould in the home")
    client = client_for(learner)

    enrolment_id = client.post("/api/v1/enrolments/", {"module": module.pk}).json()["id"]
    enrolment = Enrolment.objects.get(pk=enrolment_id)
    for lesson in Lesson.objects.filter(version_id=enrolment.version_id):
        client.post(f"/api/v1/enrolments/{enrolment_id}/lessons/{lesson.pk}/complete/")
    result = client.post(
        f"/api/v1/enrolments/{enrolment_id}/quiz-attempts/",
        {"answers": right_answers(enrolment)},
    ).json()
    assert result["completed"] is True
    wait_for(lambda: len(inbox.to(learner.email)) == 1, what="the email", worker=prefork_worker)

    certificate = certificate_of(enrolment)
    assert certificate.email_sent_at is not None
    assert files_of(media, certificate) == [stored_pdf(media, certificate)]
    text = pdf_text(stored_pdf(media, certificate))
    assert learner.full_name in text
    assert "Damp and mould in the home" in text
    assert certificate.number in text
    assert certificate.verify_url in squashed(text)
    assert qr_matrix(stored_pdf(media, certificate)) == expected_qr_matrix(certificate.verify_url)
    message = inbox.to(learner.email)[0]
    body = message.get_body(preferencelist=("plain",))
    assert body is not None and certificate.verify_url in body.get_content()
    log = prefork_worker.log()
    assert "startup check: libharfbuzz-subset.so.0 loaded" in log
    assert "below the visibility timeout" in log


def test_the_same_job_delivered_three_times_at_once_issues_once(
    world: World,
    prefork_worker: WorkerProcess,
    mailbox: tuple[Mailbox, int],
    media: Path,
) -> None:
    inbox, _ = mailbox
    learner = world.x_learner_b
    start = len(prefork_worker.log())

    enrolment = complete_module(learner, publish_module(slug="three-at-once"))  # 1st delivery
    issue_certificate.delay(enrolment.pk)
    issue_certificate.delay(enrolment.pk)
    wait_for(
        lambda: len(task_lines(prefork_worker.log()[start:], "succeeded")) == 3,
        what="three deliveries to finish",
        worker=prefork_worker,
    )
    time.sleep(0.5)  # room for a (wrong) second email to arrive

    log = prefork_worker.log()[start:]
    certificate = certificate_of(enrolment)
    assert Certificate.objects.filter(enrolment=enrolment).count() == 1
    assert files_of(media, certificate) == [stored_pdf(media, certificate)]
    assert len(inbox.to(learner.email)) == 1
    assert log.count(f"rendering certificate {certificate.number}") == 1
    # They ran at the same time: all three were taken before the first finished.
    first_done = log.index("succeeded")
    assert len(task_lines(log[:first_done], "received")) == 3


def test_a_worker_killed_mid_render_and_restarted_issues_once(
    world: World,
    prefork_worker: WorkerProcess,
    mailbox: tuple[Mailbox, int],
    media: Path,
    tmp_path: Path,
) -> None:
    inbox, port = mailbox
    learner = world.y_learner
    queue = f"test-certificates-{uuid.uuid4().hex[:8]}"

    slow = environment(port, media, CERTIFICATE_TEST_RENDER_DELAY="60")
    with worker_on(queue, tmp_path / "first.log", extra_env=slow) as first:
        enrolment = complete_module(learner, publish_module(slug="killed"))
        certificate = certificate_of(enrolment)
        wait_for(
            lambda: f"rendering certificate {certificate.number}" in first.log(),
            what="the render to start",
            worker=first,
        )
        first.kill()

    crashed = certificate_of(enrolment)
    assert (crashed.pdf.name, crashed.email_sent_at) == ("", None)  # rolled back
    assert inbox.to(learner.email) == [] and files_of(media, certificate) == []
    # Redis hands an unacknowledged job to another worker once it is older than the
    # visibility timeout: an hour in production, a second for this restarted worker.
    time.sleep(1.5)
    restarted = environment(port, media, CELERY_VISIBILITY_TIMEOUT="1")
    with worker_on(queue, tmp_path / "second.log", extra_env=restarted) as second:
        wait_for(lambda: len(inbox.to(learner.email)) == 1, what="the email", worker=second)
        wait_for(
            lambda: len(task_lines(second.log(), "succeeded")) == 1,
            what="the job to finish",
            worker=second,
        )
        time.sleep(0.5)
    _redis().delete(queue)

    issued = certificate_of(enrolment)
    assert Certificate.objects.filter(enrolment=enrolment).count() == 1
    assert issued.pk == certificate.pk and issued.number == certificate.number
    assert files_of(media, issued) == [stored_pdf(media, issued)]
    assert len(inbox.to(learner.email)) == 1
    assert learner.full_name in pdf_text(stored_pdf(media, issued))
