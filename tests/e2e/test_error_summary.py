"""Issue 15, item 1 in Chromium: after a failed submit the error summary is the first thing
in the main content and has the focus, the title starts "Error: ", a link in it focuses its
field, and the page passes axe-core at 1280px and 320px."""

from pathlib import Path

import pytest
from playwright.sync_api import Page, expect
from pytest_django.fixtures import Settings
from pytest_django.live_server_helper import LiveServer

from certificates.models import Certificate
from tests.e2e.conftest import sign_in
from tests.support.browser import assert_accessible, csp_errors

pytestmark = pytest.mark.e2e

SUMMARY_HAS_FOCUS = "() => document.activeElement.matches('[data-error-summary]')"


@pytest.fixture(autouse=True)
def media(settings: Settings, tmp_path: Path) -> None:
    """The demo's certificate PDFs go to this test's own folder."""
    settings.MEDIA_ROOT = tmp_path / "media"


def assert_summary_first_with_focus(page: Page) -> None:
    summary = page.get_by_role("alert")
    expect(summary).to_contain_text("There is a problem")
    page.wait_for_function(SUMMARY_HAS_FOCUS, timeout=5_000)
    assert page.title().startswith("Error: ")
    first_in_main = page.locator("main > :first-child")
    assert first_in_main.get_attribute("data-error-summary") is not None
    summary_box, heading_box = summary.bounding_box(), page.locator("h1").bounding_box()
    assert summary_box is not None and heading_box is not None
    assert summary_box["y"] < heading_box["y"]


def test_assign_sent_empty_focuses_the_summary_and_its_link_focuses_the_field(
    page: Page, live_server: LiveServer, demo: None, tmp_path: Path
) -> None:
    errors = csp_errors(page)
    sign_in(page, live_server.url, "manager@riverside-nhs.example")
    page.goto(f"{live_server.url}/team/assign/")

    page.get_by_role("button", name="Assign training").click()

    assert_summary_first_with_focus(page)
    page.screenshot(path=tmp_path / "assign-error.png")
    assert_accessible(page, "assign with an error")
    page.get_by_role("link", name="Module: Choose a module to assign.").click()
    assert page.evaluate("document.activeElement.id") == "id_module"
    assert errors == []


def test_revoke_sent_empty_shows_the_summary_at_the_top(
    page: Page, live_server: LiveServer, demo: None, tmp_path: Path
) -> None:
    certificate = Certificate.objects.filter(learner__email="learner@riverside-nhs.example").first()
    assert certificate is not None
    sign_in(page, live_server.url, "admin@riverside-nhs.example")
    page.goto(f"{live_server.url}/certificates/{certificate.pk}/")

    page.get_by_role("button", name="Revoke the certificate").click()

    assert_summary_first_with_focus(page)
    assert page.evaluate("window.scrollY") < 200
    page.screenshot(path=tmp_path / "revoke-error.png")
    assert_accessible(page, "revoke with an error")
    page.get_by_role("link", name="Reason for revoking: Enter a reason for revoking").click()
    assert page.evaluate("document.activeElement.id") == "id_revoke-reason"


def test_sign_in_sent_empty_focuses_the_summary(
    page: Page, live_server: LiveServer, demo: None
) -> None:
    page.goto(f"{live_server.url}/sign-in/")

    page.get_by_role("button", name="Sign in").click()

    assert_summary_first_with_focus(page)
    expect(page.get_by_role("alert")).to_contain_text("Enter your email address.")
    assert_accessible(page, "sign-in with an error")
