"""An org admin of an organisation that requires a second factor signs in through Chromium,
sets up TOTP by typing the secret shown as text (no QR scanning), enters a pyotp code and
sees recovery codes; then enters a code at the next sign-in. Each new page passes axe-core
at 1280 px and 320 px."""

import pyotp
import pytest
from playwright.sync_api import Page
from pytest_django.live_server_helper import LiveServer

from accounts.models import Organisation, User
from tests.support.browser import assert_accessible, csp_errors

pytestmark = pytest.mark.e2e

ADMIN = "admin@riverside-nhs.example"
PASSWORD = "hearth-demo-2026"


def password_sign_in(page: Page, base: str) -> None:
    page.goto(f"{base}/sign-in/")
    page.get_by_label("Email address").fill(ADMIN)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()


def test_an_org_admin_sets_up_an_authenticator_and_enters_codes(
    page: Page, live_server: LiveServer, demo: None
) -> None:
    admin = User.objects.get(email=ADMIN)
    Organisation.objects.filter(memberships__user=admin).update(second_factor_required=True)
    base = live_server.url
    refused = csp_errors(page)

    password_sign_in(page, base)
    page.wait_for_url(f"{base}/second-factor/set-up/**")
    assert page.get_by_role("heading", level=1).inner_text() == "Set up your authenticator app"
    qr = page.get_by_role("img", name="QR code that adds Hearth to an authenticator app")
    assert qr.is_visible()
    assert_accessible(page, "second factor set-up")

    page.get_by_label("Code from your authenticator app").fill("000000")
    page.get_by_role("button", name="Confirm and continue").click()
    assert "That code is not right" in page.get_by_role("alert").inner_text()
    assert_accessible(page, "second factor set-up with an error")

    secret = page.locator("[data-secret]").inner_text().replace(" ", "")
    totp = pyotp.TOTP(secret)
    page.wait_for_timeout(1100)  # django-otp's throttle: 1 s after a wrong code
    page.get_by_label("Code from your authenticator app").fill(totp.now())
    page.get_by_role("button", name="Confirm and continue").click()

    assert page.get_by_role("heading", level=1).inner_text() == "Your recovery codes"
    assert page.locator("[data-recovery-code]").count() == 10
    recovery_code = page.locator("[data-recovery-code]").first.inner_text()
    assert_accessible(page, "recovery codes")

    page.get_by_role("link", name="I have kept my codes: continue").click()
    page.wait_for_url(f"{base}/")
    page.get_by_role("link", name="Sign-in security").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Sign-in security"
    assert_accessible(page, "sign-in security")

    page.get_by_role("button", name="Sign out").click()
    password_sign_in(page, base)
    page.wait_for_url(f"{base}/second-factor/**")
    assert page.get_by_role("heading", level=1).inner_text() == "Enter your code"
    assert_accessible(page, "second factor code")
    page.get_by_label("Code", exact=True).fill("000000")
    page.get_by_role("button", name="Continue").click()
    assert page.get_by_role("alert").is_visible()
    assert_accessible(page, "second factor code with an error")

    # The app's code now is the one used a moment ago (same 30 s step): refused as reused,
    # so this sign-in uses a recovery code instead.
    page.wait_for_timeout(1100)
    page.get_by_label("Code", exact=True).fill(recovery_code)
    page.get_by_label("Remember this device for 30 days").check()
    page.get_by_role("button", name="Continue").click()
    page.wait_for_url(f"{base}/")
    assert page.get_by_role("heading", level=1).inner_text().startswith("Hello")
    assert "You used a recovery code: 9 left" in page.get_by_role("status").inner_text()
    assert refused == []
