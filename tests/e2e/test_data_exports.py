"""Issue 17 in Chromium: a demo learner asks for a copy of their data from the footer's
"Your data" and downloads the ZIP; a demo org admin finds Data exports under Organisation
and exports the organisation. Both pages pass axe-core at 1280px and 320px without
sideways scroll, and show no CSP error."""

import re
import zipfile
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect
from pytest_django.fixtures import Settings
from pytest_django.live_server_helper import LiveServer

from tests.e2e.conftest import sign_in
from tests.support.browser import assert_accessible, csp_errors

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.embedded_only,  # the exports are built in-process, as the page is served
]

LEARNER = "learner@riverside-nhs.example"
ADMIN = "admin@riverside-nhs.example"


@pytest.fixture(autouse=True)
def media(settings: Settings, tmp_path: Path) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"


def test_a_learner_downloads_their_data_and_an_admin_exports_the_organisation(
    page: Page, live_server: LiveServer, demo: None, tmp_path: Path
) -> None:
    errors = csp_errors(page)
    sign_in(page, live_server.url, LEARNER)

    page.get_by_role("contentinfo").get_by_role("link", name="Your data").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your data")
    assert_accessible(page, "your data, empty")
    page.get_by_role("button", name="Ask for a copy of my data").click()
    expect(page.get_by_role("status")).to_contain_text("preparing the export")
    page.goto(f"{live_server.url}/my-data/")
    row = page.get_by_role("row").filter(has_text="Every organisation")
    expect(row).to_contain_text("Ready to download")
    assert_accessible(page, "your data, one export ready")
    with page.expect_download() as download:
        row.get_by_role("link").click()
    saved = tmp_path / "mine.zip"
    download.value.save_as(saved)
    with zipfile.ZipFile(saved) as archive:
        assert {"data.json", "summary.html"} <= set(archive.namelist())

    page.context.clear_cookies()
    sign_in(page, live_server.url, ADMIN)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Organisation").click()
    page.get_by_role("main").get_by_role("link", name="Data exports").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Data exports")
    page.get_by_role("button", name=re.compile(r"^Export all of Riverside NHS")).click()
    expect(page.get_by_role("status")).to_contain_text("preparing the export")
    page.goto(f"{live_server.url}/organisation/exports/")
    expect(page.get_by_role("row").filter(has_text="Riverside")).to_contain_text(
        "Ready to download"
    )
    assert_accessible(page, "data exports")
    assert errors == []
