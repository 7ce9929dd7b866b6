"""The API docs in Chromium (issue 11): Swagger UI at /api/docs/ renders under the site's
CSP with no violation, lists the operations, runs one with an organisation API key and
lets a signed-in org admin run an unsafe one with their session (CSRF header added), and
every state passes axe-core's WCAG 2.2 AA rules at 1280px and 320px."""

import json

import pytest
from playwright.sync_api import Locator, Page, expect
from pytest_django.live_server_helper import LiveServer

from accounts.models import Team
from accounts.selectors import actor_for_user
from accounts.services import api_key_create
from tests.conftest import World
from tests.e2e.conftest import sign_in
from tests.support.browser import assert_accessible, csp_errors

pytestmark = pytest.mark.e2e


def open_docs(page: Page, base_url: str) -> None:
    page.goto(f"{base_url}/api/docs/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Hearth API")


def operation(page: Page, operation_id: str) -> Locator:
    return page.locator(f"#operations-v1-{operation_id}")


def run(op: Locator, body: dict[str, object] | None = None) -> Locator:
    """Expand an operation, Try it out, optionally replace its JSON body, Execute; return
    the live response's row."""
    op.locator(".opblock-summary-control").click()
    op.get_by_role("button", name="Try it out").click()
    if body is not None:
        op.locator("textarea.body-param__text").fill(json.dumps(body))
    op.get_by_role("button", name="Execute").click()
    return op.locator(".live-responses-table tbody tr.response")


def test_anyone_authorises_with_an_organisation_key_and_runs_an_operation(
    page: Page, live_server: LiveServer, world: World
) -> None:
    _, key = api_key_create(
        actor=actor_for_user(world.x_admin), organisation_id=world.org_x.pk, name="Docs"
    )
    errors = csp_errors(page)
    open_docs(page, live_server.url)

    listed = page.locator(".opblock-summary-path").evaluate_all(
        "paths => paths.map(path => path.dataset.path)"
    )
    assert {"/api/v1/teams/", "/api/v1/people/", "/api/v1/modules/"} <= set(listed)
    assert_accessible(page, "API docs")

    page.locator(".auth-wrapper").get_by_role("button", name="Authorize").click()
    scheme = page.locator(".auth-container").filter(has_text="OrganisationAPIKey")
    scheme.get_by_label("Value:").fill(f"Api-Key {key}")
    assert_accessible(page, "API docs' Authorize dialog")
    scheme.get_by_role("button", name="Apply credentials").click()
    expect(scheme.get_by_role("button", name="Remove authorization")).to_be_visible()
    page.locator(".modal-ux").get_by_role("button", name="Close").first.click()

    response = run(operation(page, "v1_teams_list"))

    expect(response.locator(".response-col_status")).to_have_text("200")
    body = response.locator(".response-col_description .highlight-code")
    expect(body).to_contain_text('"name": "X team A"')
    expect(body).to_contain_text('"name": "X team B"')
    expect(body).not_to_contain_text("Y team A")
    assert_accessible(page, "API docs with a response")
    assert errors == []


def test_a_signed_in_org_admin_runs_an_unsafe_operation_with_their_session(
    page: Page, live_server: LiveServer, world: World
) -> None:
    errors = csp_errors(page)
    sign_in(page, live_server.url, world.x_admin.email, "correct-horse-battery-staple")
    open_docs(page, live_server.url)

    response = run(
        operation(page, "v1_teams_create"),
        body={"organisation": world.org_x.pk, "name": "Night shift"},
    )

    expect(response.locator(".response-col_status")).to_have_text("201")
    expect(response.locator(".response-col_description")).to_contain_text('"name": "Night shift"')
    assert Team.objects.filter(organisation=world.org_x, name="Night shift").count() == 1
    assert_accessible(page, "API docs with a session response")
    assert errors == []
