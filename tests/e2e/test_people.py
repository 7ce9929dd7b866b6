"""The people pages in Chromium (issue 16, pages for org admins; must show 5 and 6): the
demo org admin finds a person, moves them to another team, and deactivates a leaver;
invites someone after a mistake; axe reports 0 violations at 1280 px and 320 px each
time."""

import pytest
from playwright.sync_api import Page, expect
from pytest_django.live_server_helper import LiveServer

from tests.e2e.conftest import sign_in
from tests.support.browser import assert_accessible, csp_errors

pytestmark = pytest.mark.e2e


def test_an_org_admin_finds_moves_and_deactivates_a_person(
    page: Page, live_server: LiveServer, demo: None
) -> None:
    errors = csp_errors(page)
    sign_in(page, live_server.url, "admin@riverside-nhs.example")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Organisation").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Organisation")
    assert_accessible(page, "the organisation page")
    page.get_by_role("main").get_by_role("link", name="People", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("People")
    assert_accessible(page, "people")

    page.get_by_label("Name, email or employee number").fill("amira")
    page.get_by_role("button", name="Find").click()
    expect(page.get_by_role("heading", name="People found (1)")).to_be_visible()
    assert_accessible(page, "people, found")
    page.get_by_role("link", name="Amira Khan").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Amira Khan")
    assert_accessible(page, "a person's roles")

    page.get_by_label("Team").first.select_option(label="Community Nursing")
    page.get_by_role("button", name="Change Learner, Hospital Discharge Team").click()
    expect(page.get_by_role("status")).to_contain_text("Role changed.")
    expect(page.get_by_role("heading", name="Learner, Community Nursing")).to_be_visible()

    page.get_by_role("button", name="Deactivate Amira Khan").click()
    expect(page.get_by_role("alert")).to_contain_text("Tick the box to confirm they have left.")
    assert_accessible(page, "deactivate, with an error")
    page.get_by_label("Yes, they have left: end their access now").check()
    page.get_by_role("button", name="Deactivate Amira Khan").click()
    expect(page.get_by_role("status")).to_contain_text("Amira Khan has left")
    expect(page.get_by_role("link", name="Amira Khan")).to_have_count(0)
    assert errors == []


def test_an_org_admin_invites_a_person(page: Page, live_server: LiveServer, demo: None) -> None:
    errors = csp_errors(page)
    sign_in(page, live_server.url, "admin@riverside-nhs.example")
    page.goto(f"{live_server.url}/organisation/people/")
    page.get_by_role("link", name="Invite a person").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Invite a person")
    assert_accessible(page, "invite")
    page.get_by_role("button", name="Send the invitation").click()
    expect(page.get_by_role("alert")).to_contain_text("Enter their work email address.")
    assert_accessible(page, "invite, with errors")

    page.get_by_label("Work email").fill("sam.patel@riverside-nhs.example")
    page.get_by_label("Full name").fill("Sam Patel")
    page.get_by_label("Team").select_option(label="Hospital Discharge Team")
    page.get_by_role("button", name="Send the invitation").click()

    expect(page.get_by_role("status")).to_contain_text("Invitation sent to")
    expect(page.get_by_role("row", name="Sam Patel")).to_contain_text("Invitation sent")
    assert errors == []
