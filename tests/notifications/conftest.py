"""Fixtures the reminder tests share."""

from collections.abc import Iterator

import pytest
from pytest_django.fixtures import Settings

from tests.support.notifications import smtp_mailers
from tests.support.smtp import Mailbox, smtp_server


@pytest.fixture
def mailbox(settings: Settings) -> Iterator[Mailbox]:
    """Email goes by SMTP to a real server on loopback; its mailbox holds what arrived."""
    with smtp_server() as (box, port):
        settings.MAILERS = smtp_mailers(port)
        settings.SITE_URL = "https://hearth.example.org"
        yield box
