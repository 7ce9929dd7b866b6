"""A demo manager signs in through Chromium; the sign-in pages pass axe-core."""

import re

import pytest
from playwright.sync_api import Page
from pytest_django.live_server_helper import LiveServer

from accounts.models import Membership, MembershipStatus, Organisation, Role, User
from tests.e2e.conftest import sign_in
from tests.support.browser import assert_accessible

pytestmark = pytest.mark.e2e


def test_demo_manager_signs_in_and_sees_their_roles(
    page: Page, live_server: LiveServer, demo: None
) -> None:
    page.goto(f"{live_server.url}/")
    assert page.url.startswith(f"{live_server.url}/sign-in/")
    assert_accessible(page, "sign-in page")

    sign_in(page, live_server.url, "manager@riverside-nhs.example")

    assert page.get_by_role("heading", level=1).inner_text() == "Hello, Daniel"
    assert "Manager in Hospital Discharge Team" in page.locator("main").inner_text()
    assert_accessible(page, "home page")


def test_wrong_password_is_explained_accessibly(
    page: Page, live_server: LiveServer, demo: None
) -> None:
    page.goto(f"{live_server.url}/sign-in/")
    page.get_by_label("Email address").fill("manager@riverside-nhs.example")
    page.get_by_label("Password").fill("not the password")
    page.get_by_role("button", name="Sign in").click()

    assert page.get_by_role("alert").is_visible()
    assert "do not match an account" in page.get_by_role("alert").inner_text()
    assert_accessible(page, "sign-in page with an error")


def test_password_reset_pages_are_accessible(
    page: Page, live_server: LiveServer, demo: None
) -> None:
    page.goto(f"{live_server.url}/password-reset/")
    assert_accessible(page, "password reset")
    page.get_by_label("Email").fill("learner@riverside-nhs.example")
    page.get_by_role("button", name="Send the link").click()

    assert page.get_by_role("heading", level=1).inner_text() == "Check your email"
    assert_accessible(page, "password reset sent")


def test_a_person_accepts_an_invitation_from_their_home_page_accessibly(
    page: Page, live_server: LiveServer, demo: None
) -> None:
    manager = User.objects.get(email="manager@riverside-nhs.example")
    elsewhere = Organisation.objects.exclude(memberships__user=manager).order_by("name").first()
    assert elsewhere is not None
    team = elsewhere.teams.order_by("name").first()
    assert team is not None
    invitation = Membership.including_pending.create(
        user=manager,
        organisation=elsewhere,
        team=team,
        role=Role.LEARNER,
        status=MembershipStatus.PENDING,
        invited_full_name="Daniel",
    )
    sign_in(page, live_server.url, "manager@riverside-nhs.example")

    invitations = page.get_by_role("region", name="Invitations")
    assert f"{elsewhere.name} asks to add you as learner in {team.name}" in (
        invitations.inner_text()
    )
    assert_accessible(page, "home page with an invitation")
    page.get_by_role("link", name=f"About this invitation from {elsewhere.name}").click()
    assert page.get_by_role("heading", level=1).inner_text() == f"{elsewhere.name} asks to add you"
    assert_accessible(page, "invitation page")
    page.get_by_role("button", name=re.compile(r"^Accept")).click()

    page.wait_for_url(f"{live_server.url}/")
    assert f"You joined {elsewhere.name}." in page.get_by_role("status").inner_text()
    assert f"Learner in {team.name}, {elsewhere.name}" in page.locator("main").inner_text()
    invitation.refresh_from_db()
    assert invitation.status == MembershipStatus.ACTIVE
