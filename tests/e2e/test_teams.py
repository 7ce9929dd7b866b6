"""The teams page in Chromium (issue 16, pages for org admins): the demo org admin opens
it from the navigation, is told what is missing, adds a team and sees it listed; axe
reports 0 violations at 1280 px and 320 px each time."""

import pytest
from playwright.sync_api import Page, expect
from pytest_django.live_server_helper import LiveServer

from tests.e2e.conftest import sign_in
from tests.support.browser import assert_accessible, csp_errors

pytestmark = pytest.mark.e2e


def test_an_org_admin_adds_a_team(page: Page, live_server: LiveServer, demo: None) -> None:
    errors = csp_errors(page)
    sign_in(page, live_server.url, "admin@riverside-nhs.example")

    page.get_by_role("navigation", name="Main").get_by_role("link", name="Organisation").click()
    page.get_by_role("main").get_by_role("link", name="Teams", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Teams")
    expect(page.get_by_role("row", name="Hospital Discharge Team")).to_be_visible()
    assert_accessible(page, "teams")
    page.get_by_role("button", name="Add the team").click()
    expect(page.get_by_role("alert")).to_contain_text("Name the team.")
    assert_accessible(page, "teams, with an error")
    page.get_by_label("Team name").fill("Night shift")
    page.get_by_role("button", name="Add the team").click()

    expect(page.get_by_role("status")).to_contain_text("Night shift is a team now.")
    expect(page.get_by_role("row", name="Night shift")).to_be_visible()
    assert_accessible(page, "teams, with the new team")
    assert errors == []
