"""The Provisioning page in Chromium (issue 16): the demo org admin opens it from the
Organisation page, is told what is missing, makes a token and copies it from the page, the token
reads /scim/v2/, and revoking it refuses its next request; axe reports 0 violations at
1280 px and 320 px before, with an error and with the new token."""

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
    """SCIM's answer to the token alone (no browser, no session)."""
    request = urllib.request.Request(url, headers={"Authorization": f"Bearer {secret}"})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return int(response.status)
    except urllib.error.HTTPError as error:
        return error.code


def test_an_org_admin_makes_a_provisioning_token_uses_it_and_revokes_it(
    page: Page, live_server: LiveServer, demo: None
) -> None:
    errors = csp_errors(page)
    sign_in(page, live_server.url, ADMIN)

    page.get_by_role("navigation", name="Main").get_by_role("link", name="Organisation").click()
    page.get_by_role("main").get_by_role("link", name="Provisioning", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Provisioning")
    expect(page.get_by_label("SCIM address")).to_have_value(f"{live_server.url}/scim/v2/")
    assert_accessible(page, "Provisioning")
    page.get_by_role("button", name="Make the token").click()
    summary = page.get_by_role("alert")
    expect(summary).to_contain_text("Name the token.")
    expect(summary).to_be_focused()
    assert_accessible(page, "Provisioning, with an error")

    page.get_by_label("Name").fill("Entra ID")
    page.get_by_role("button", name="Make the token").click()
    expect(page.get_by_role("heading", name="Your new token “Entra ID”")).to_be_visible()
    secret = page.get_by_label("The token").input_value()
    assert_accessible(page, "Provisioning, with the new token")

    users = f"{live_server.url}/scim/v2/Users"
    assert _status(users, secret) == 200
    page.get_by_role("button", name="Revoke Entra ID").click()
    expect(page.get_by_role("status")).to_contain_text("The token “Entra ID” is revoked")
    assert _status(users, secret) == 401
    assert errors == []
