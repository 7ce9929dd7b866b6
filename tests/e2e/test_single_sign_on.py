"""Single sign-on in Chromium (issue 16, ADR 0024): from Hearth's sign-in page to a real
OpenID provider in its own process (oidc-provider-mock), its authorization form, and back
signed in on the home page; an org admin's sign-in settings page. axe reports 0
violations at 1280 px and 320 px on Hearth's pages."""

import re

import pytest
from playwright.sync_api import Page, expect
from pytest_django.live_server_helper import LiveServer

from accounts.models import IdentityProvider
from tests.e2e.conftest import sign_in
from tests.factories import (
    IdentityProviderFactory,
    MembershipFactory,
    OrganisationFactory,
    TeamFactory,
)
from tests.support.browser import assert_accessible, csp_errors
from tests.support.oidc_provider import oidc_provider

pytestmark = pytest.mark.e2e


def test_a_member_signs_in_with_their_organisations_account(
    page: Page, live_server: LiveServer, transactional_db: None
) -> None:
    errors = csp_errors(page)
    with oidc_provider() as provider:
        riverside = OrganisationFactory.create(name="Riverside Trust")
        ward = TeamFactory.create(organisation=riverside, name="Ward 7")
        IdentityProviderFactory.create(
            organisation=riverside,
            issuer=provider.issuer,
            client_id="hearth-riverside",
            domains=["riverside.test"],
        )
        MembershipFactory.create(
            team=ward, user__email="ada@riverside.test", user__full_name="Ada Lovelace"
        )
        provider.add_person("ada", email="ada@riverside.test", email_verified=True)

        page.goto(f"{live_server.url}/sign-in/")
        assert_accessible(page, "the sign-in page")
        page.get_by_label("Email address").fill("ada@riverside.test")
        page.get_by_role("button", name="Use your organisation's account").click()

        page.wait_for_url(re.compile(re.escape(f"{provider.issuer}/oauth2/authorize?")))
        page.get_by_label("Subject").fill("ada")
        page.get_by_role("button", name="Authorize", exact=True).click()

        page.wait_for_url(f"{live_server.url}/")
        expect(page.get_by_role("button", name="Sign out Ada Lovelace")).to_be_attached()
    assert errors == []


def test_an_unknown_domain_is_told_on_the_sign_in_page(
    page: Page, live_server: LiveServer, transactional_db: None
) -> None:
    page.goto(f"{live_server.url}/sign-in/")
    page.get_by_label("Email address").fill("ada@nowhere.test")
    page.get_by_role("button", name="Use your organisation's account").click()

    expect(page.get_by_role("alert")).to_contain_text(
        "No organisation signs in people at nowhere.test"
    )
    assert_accessible(page, "the sign-in page, with an error")


def test_an_org_admin_sets_up_single_sign_on(
    page: Page, live_server: LiveServer, demo: None
) -> None:
    errors = csp_errors(page)
    sign_in(page, live_server.url, "admin@riverside-nhs.example")

    page.get_by_role("navigation", name="Main").get_by_role("link", name="Organisation").click()
    page.get_by_role("main").get_by_role("link", name="Sign-in settings").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign-in settings")
    assert_accessible(page, "sign-in settings")
    page.get_by_label("Issuer URL").fill("https://login.example.org/riverside/v2.0")
    page.get_by_label("First sign-in may create a person").check()
    page.get_by_role("button", name="Save the sign-in settings").click()
    expect(page.get_by_role("alert")).to_contain_text(
        "Enter the client ID your provider gave Hearth."
    )
    assert_accessible(page, "sign-in settings, with errors")

    page.get_by_label("Client ID").fill("hearth-riverside")
    page.get_by_label("Client secret").fill("s3cret-value")
    page.get_by_label("Email domains").fill("riverside-nhs.example")
    page.get_by_label("Team new people join").select_option(label="Hospital Discharge Team")
    page.get_by_role("button", name="Save the sign-in settings").click()

    expect(page.get_by_role("status")).to_contain_text("sign-in settings are saved")
    expect(page.get_by_label("Client secret")).to_have_value("")
    assert_accessible(page, "sign-in settings, saved")
    provider = IdentityProvider.objects.get(issuer="https://login.example.org/riverside/v2.0")
    assert provider.client_secret == "s3cret-value" and provider.creates_people
    assert errors == []


def test_the_page_on_the_way_to_the_provider_is_accessible(
    page: Page, live_server: LiveServer, transactional_db: None
) -> None:
    """The page Hearth shows for an instant on the way out: held there (the provider's
    answer is a 204, so the browser stays) long enough for axe to read it."""
    with oidc_provider() as provider:
        riverside = OrganisationFactory.create(name="Riverside Trust")
        IdentityProviderFactory.create(
            organisation=riverside,
            issuer=provider.issuer,
            client_id="hearth-riverside",
            domains=["riverside.test"],
        )
        page.route(f"{provider.issuer}/oauth2/authorize**", lambda route: route.fulfill(status=204))
        page.goto(f"{live_server.url}/sign-in/")
        page.get_by_label("Email address").fill("ada@riverside.test")
        page.get_by_role("button", name="Use your organisation's account").click()

        expect(page.get_by_role("heading", level=1)).to_have_text(
            "Signing in with your organisation's account"
        )
        expect(
            page.get_by_role("link", name="Continue to Riverside Trust's sign-in")
        ).to_be_visible()
        assert_accessible(page, "on the way to the provider")
