"""Issue 5 in Chromium: a demo learner finds their certificates and checks one publicly;
an org admin revokes one and the public check says so. Every page passes axe-core at
1280px and 320px without sideways scroll."""

import re
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect
from pytest_django.fixtures import Settings
from pytest_django.live_server_helper import LiveServer

from certificates.models import Certificate
from tests.e2e.conftest import sign_in
from tests.support.browser import assert_accessible

pytestmark = pytest.mark.e2e


@pytest.fixture(autouse=True)
def media(settings: Settings, tmp_path: Path) -> None:
    """The demo's certificate PDFs (rendered as it seeds) go to this test's own folder."""
    settings.MEDIA_ROOT = tmp_path / "media"


LEARNER = "learner@riverside-nhs.example"
ADMIN = "admin@riverside-nhs.example"


def test_a_learner_finds_their_certificates_and_anyone_can_check_one(
    page: Page, live_server: LiveServer, demo: None
) -> None:
    certificate = Certificate.objects.filter(learner__email=LEARNER).order_by("pk").first()
    assert certificate is not None and certificate.pdf and certificate.email_sent_at
    sign_in(page, live_server.url, LEARNER)

    page.get_by_role("navigation", name="Main").get_by_role("link", name="Certificates").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Certificates")
    assert_accessible(page, "certificates")
    page.get_by_role("link", name=certificate.module_title).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(certificate.module_title)
    expect(page.get_by_role("link", name="Download the PDF")).to_be_visible()
    assert_accessible(page, "certificate")

    with page.expect_download() as download:
        page.get_by_role("link", name="Download the PDF").click()
    assert download.value.suggested_filename == f"{certificate.number}.pdf"

    page.goto(f"{live_server.url}/verify/{certificate.verification_code}")
    expect(page.get_by_text("Genuine and current")).to_be_visible()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Certificate {certificate.number}")
    assert_accessible(page, "verify: genuine")

    page.goto(f"{live_server.url}/verify/abcdefghjkmnpqrstvwx")
    expect(page.get_by_role("heading", level=1)).to_have_text("No certificate matches this address")
    assert_accessible(page, "verify: not found")


def test_an_org_admin_revokes_a_certificate_and_the_check_says_so(
    page: Page, live_server: LiveServer, demo: None
) -> None:
    certificate = Certificate.objects.filter(learner__email=LEARNER).order_by("pk").first()
    assert certificate is not None
    sign_in(page, live_server.url, ADMIN)

    page.goto(f"{live_server.url}/certificates/")
    expect(
        page.get_by_role("heading", name=re.compile("Your organisation's certificates"))
    ).to_be_visible()
    assert_accessible(page, "certificates (org admin)")
    page.goto(f"{live_server.url}/certificates/{certificate.pk}/")
    page.get_by_role("button", name="Revoke the certificate").click()
    expect(page.get_by_role("alert")).to_contain_text("Enter a reason for revoking")
    assert_accessible(page, "revoke with an error")
    page.get_by_label("Reason for revoking").fill("Issued to the wrong person.")
    page.get_by_role("button", name="Revoke the certificate").click()
    expect(page.get_by_text(f"Certificate {certificate.number} is revoked.")).to_be_visible()
    assert_accessible(page, "revoked certificate")

    page.goto(f"{live_server.url}/verify/{certificate.verification_code}")
    expect(page.get_by_text(re.compile(r"^Revoked on "))).to_be_visible()
    assert_accessible(page, "verify: revoked")
