"""The API keys page in Chromium (issue 16, pages for org admins): the demo org admin
opens it from the navigation, is told what is missing, makes a read-only key and copies
it from the page, the key reads the API, and revoking it refuses its next request; axe
reports 0 violations at 1280 px and 320 px before, with errors and with the new key."""

import urllib.error
import urllib.request

import pytest
from playwright.sync_api import Page, expect
from pytest_django.live_server_helper import LiveServer

from tests.e2e.conftest import sign_in
from tests.support.browser import assert_accessible, csp_errors

pytestmark = pytest.mark.e2e

ADMIN = "admin@riverside-nhs.example"


def _status(url: str, secret: str) -> int:
    """The API's answer to the key alone (no browser, no session)."""
    request = urllib.request.Request(url, headers={"Authorization": f"Api-Key {secret}"})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return int(response.status)
    except urllib.error.HTTPError as error:
        return error.code


def test_an_org_admin_makes_a_key_uses_it_and_revokes_it(
    page: Page, live_server: LiveServer, demo: None
) -> None:
    errors = csp_errors(page)
    sign_in(page, live_server.url, ADMIN)

    page.get_by_role("navigation", name="Main").get_by_role("link", name="Organisation").click()
    page.get_by_role("main").get_by_role("link", name="API keys", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("API keys")
    assert_accessible(page, "API keys")
    page.get_by_role("button", name="Make the key").click()
    summary = page.get_by_role("alert")
    expect(summary).to_contain_text("Name the key.")
    expect(summary).to_be_focused()
    assert_accessible(page, "API keys, with an error")

    page.get_by_label("Name").fill("Power BI")
    page.get_by_label("Read only").check()
    page.get_by_role("button", name="Make the key").click()
    expect(page.get_by_role("heading", name="Your new key “Power BI”")).to_be_visible()
    secret = page.get_by_label("The key").input_value()
    assert_accessible(page, "API keys, with the new key")

    teams = f"{live_server.url}/api/v1/teams/"
    assert _status(teams, secret) == 200
    page.get_by_role("button", name="Revoke Power BI").click()
    expect(page.get_by_role("status")).to_contain_text("The key “Power BI” is revoked")
    assert _status(teams, secret) == 401
    assert errors == []
