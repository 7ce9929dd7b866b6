"""Fixtures for the certificate tests: media in a temporary folder, a fresh throttle
counter, and modules completed through the real training services."""

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from django.core.cache import cache
from pytest_django.fixtures import Settings

from accounts.models import User
from accounts.selectors import actor_for_user
from certificates.models import Certificate
from tests.support.smtp import Mailbox, smtp_server
from tests.support.training import publish_module, right_answers
from training import services as training
from training.models import Enrolment, Lesson, Module


@pytest.fixture(autouse=True)
def fresh_throttle() -> Iterator[None]:
    """Verification is rate-limited per address in the cache: start every test at zero."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def media(settings: Settings, tmp_path: Path) -> Path:
    """Certificate PDFs go to a folder of this test's own."""
    settings.MEDIA_ROOT = tmp_path / "media"
    return Path(settings.MEDIA_ROOT)


@pytest.fixture
def smtp_mailbox(settings: Settings) -> Iterator[Mailbox]:
    """Email goes by SMTP to a real server on loopback; its mailbox holds what arrived."""
    with smtp_server() as (mailbox, port):
        settings.MAILERS = {
            "default": {
                "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
                "OPTIONS": {"host": "127.0.0.1", "port": port, "timeout": 5},
            }
        }
        yield mailbox


def complete_module(learner: User, module: Module) -> Enrolment:
    """The learner enrols, does every lesson and passes the quiz (the real services)."""
    enrolment = training.enrolment_self_enrol(actor=actor_for_user(learner), module=module)
    for lesson_id in Lesson.objects.filter(version_id=enrolment.version_id).values_list(
        "pk", flat=True
    ):
        training.lesson_complete(enrolment=enrolment, lesson_id=lesson_id)
    outcome = training.quiz_submit(enrolment=enrolment, answers=right_answers(enrolment))
    assert outcome.completed
    enrolment.refresh_from_db()
    return enrolment


@pytest.fixture
def module(db: None) -> Module:
    return publish_module(title="Damp and mould in the home")


@pytest.fixture
def completed(module: Module) -> Callable[[User], Enrolment]:
    """Complete the module as a learner; the completion step records the certificate."""
    return lambda learner: complete_module(learner, module)


def certificate_of(enrolment: Enrolment) -> Certificate:
    return Certificate.objects.get(enrolment=enrolment, superseded_at__isnull=True)


def pdf_files(media_root: Path) -> list[Path]:
    return sorted((media_root / "certificates").glob("*/*.pdf"))


def stored_pdf(media_root: Path, certificate: Certificate) -> Path:
    """Where the certificate's PDF is on disk."""
    return media_root / str(certificate.pdf.name)
