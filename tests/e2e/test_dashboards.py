"""The dashboards in Chromium (issue 7): a demo org admin, a manager and a partnership
viewer open their dashboards from the main navigation; every page passes axe-core's WCAG
2.2 AA rules at 1280px and 320px without sideways scroll, and the charts are drawn with
no inline style or script (the CSP would block them and the console would say so)."""

import itertools

import pytest
from playwright.sync_api import Page, expect
from pytest_django.live_server_helper import LiveServer

from tests.e2e.conftest import sign_in
from tests.support.browser import assert_accessible, csp_errors

pytestmark = pytest.mark.e2e

ADMIN = "admin@riverside-nhs.example"
MANAGER = "manager@brookfield-housing.example"
VIEWER = "partnership@castleford-council.example"


def open_dashboard(page: Page) -> None:
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Dashboard").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Dashboard")


def test_an_org_admin_reads_their_dashboard(
    page: Page, live_server: LiveServer, demo: None
) -> None:
    errors = csp_errors(page)
    sign_in(page, live_server.url, ADMIN)

    open_dashboard(page)

    expect(page.get_by_role("heading", name="Completion over time")).to_be_visible()
    expect(
        page.get_by_role("img", name="Enrolled and completed, by month enrolled")
    ).to_be_visible()
    expect(page.get_by_role("table", name="Completion by team")).to_be_visible()
    expect(page.get_by_role("table", name="Completion by module")).to_contain_text("Total")
    assert_accessible(page, "organisation dashboard")
    page.get_by_label("From").fill("2020-01-01")
    page.get_by_role("button", name="Show figures").click()
    expect(page.locator(".lead")).to_contain_text("1 January 2020")
    assert_accessible(page, "organisation dashboard, filtered")
    assert errors == []


def test_a_manager_reads_their_teams_dashboard(
    page: Page, live_server: LiveServer, demo: None
) -> None:
    sign_in(page, live_server.url, MANAGER)

    open_dashboard(page)

    expect(page.get_by_role("table", name="Completion by team")).to_contain_text("Tenancy Services")
    expect(page.get_by_role("table", name="Completion by team")).not_to_contain_text(
        "Home Improvement Agency"
    )
    assert_accessible(page, "manager dashboard")


def test_a_partnership_viewer_reads_the_indicator_report(
    page: Page, live_server: LiveServer, demo: None
) -> None:
    errors = csp_errors(page)
    sign_in(page, live_server.url, VIEWER)

    open_dashboard(page)
    assert_accessible(page, "dashboard with partnerships only")
    page.get_by_role("link", name="Castleford Health and Housing Partnership").click()

    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Castleford Health and Housing Partnership"
    )
    expect(page.get_by_role("table", name="Improved signposting")).to_be_visible()
    expect(page.get_by_role("table", name="Wider sector engagement")).to_contain_text(
        "Organisations active in learning"
    )
    expect(page.get_by_role("link", name="Download the indicator report as CSV")).to_be_visible()
    assert_accessible(page, "partnership dashboard")
    page.get_by_role("button", name="Prepare the PDF").click()
    expect(page.get_by_role("link", name="Download the indicator report as PDF")).to_be_visible()
    assert_accessible(page, "partnership dashboard with its PDF")
    assert errors == []


# Each shown label of the month chart: its rendered font size and horizontal extent.
_CHART_LABELS = """() => [...document.querySelectorAll('.chart__label')]
  .filter((label) => getComputedStyle(label).display !== 'none')
  .map((label) => {
    const box = label.getBoundingClientRect();
    const scale = label.ownerSVGElement.getScreenCTM().a;
    return [label.textContent, parseFloat(getComputedStyle(label).fontSize) * scale,
            box.left, box.right, box.top];
  })"""


@pytest.mark.parametrize("width", [320, 1280])
def test_the_chart_labels_read_at_14px_or_more_and_never_overlap(
    page: Page, live_server: LiveServer, demo: None, width: int
) -> None:
    """Issue 15 (the page review): chart labels readable at 320 px."""
    sign_in(page, live_server.url, ADMIN)
    page.set_viewport_size({"width": width, "height": 900})

    page.goto(f"{live_server.url}/dashboard/")

    labels = page.evaluate(_CHART_LABELS)
    months = sorted((left, right) for text, _, left, right, _ in labels if "-" in text)
    assert len(months) >= 3
    assert min(size for _, size, *_ in labels) >= 13.5
    assert all(
        left_end < right_start for (_, left_end), (right_start, _) in itertools.pairwise(months)
    )
