"""The team matrix read at a glance (issue 15), in Chromium with a demo manager: every
cell says its state with a symbol and a word, the names stay in view while the table
scrolls sideways inside its own region, the page never scrolls sideways at 320 px, and
the main navigation folds behind a "Menu" button on a narrow screen."""

import re

import pytest
from playwright.sync_api import Page, expect
from pytest_django.live_server_helper import LiveServer

from accounts.models import Team
from competencies.models import Competency
from tests.e2e.conftest import sign_in
from tests.support.browser import DESKTOP, NARROW, axe_violations, csp_errors, describe

pytestmark = pytest.mark.e2e

MANAGER = "manager@riverside-nhs.example"
TEAM = "Hospital Discharge Team"
WORDS = ("Competent", "Expiring soon", "Expired", "Not yet competent", "Not assessed")


def open_matrix(page: Page, base_url: str) -> None:
    team = Team.objects.get(name=TEAM)
    sign_in(page, base_url, MANAGER)
    page.goto(f"{base_url}/teams/{team.pk}/competency/")
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Team competency: {TEAM}")


def test_matrix_has_no_axe_violations_and_never_scrolls_the_page_sideways(
    page: Page, live_server: LiveServer, demo: None
) -> None:
    open_matrix(page, live_server.url)

    for viewport in (DESKTOP, NARROW):
        page.set_viewport_size(viewport)
        violations = axe_violations(page)
        assert violations == [], f"{viewport['width']}px:\n{describe(violations)}"
        page_width = page.evaluate("document.documentElement.scrollWidth")
        assert page_width <= viewport["width"], viewport
    region = page.get_by_role("region", name=re.compile("Competency matrix"))
    assert region.get_attribute("tabindex") == "0"
    assert region.evaluate("(element) => element.scrollWidth > element.clientWidth")


def test_cells_say_the_state_in_words_and_codes_lead_to_titles(
    page: Page, live_server: LiveServer, demo: None
) -> None:
    open_matrix(page, live_server.url)

    cells = page.locator("#matrix td.matrix__cell")
    texts = cells.all_text_contents()
    symbols = page.locator("#matrix .matrix__symbol")
    assert texts and all(any(word in text for word in WORDS) for text in texts)
    assert symbols.count() == len(texts)
    assert all(s.get_attribute("aria-hidden") == "true" for s in symbols.all())
    dated = [text for text in texts if "until" in text or "expired after" in text]
    assert dated and all(
        re.search(r"(until|expired after) \d{1,2} [A-Z][a-z]+ \d{4}", text) for text in dated
    )
    assert not any(re.search(r"\d{4}-\d{2}-\d{2}", text) for text in texts)

    competency = Competency.objects.order_by("code").first()
    assert competency is not None
    header = page.get_by_role("columnheader", name=f"{competency.code} {competency.title}")
    header.get_by_role("link").click()
    key_row = page.locator(f"#competency-{competency.pk}")
    expect(key_row).to_contain_text(competency.title)
    expect(key_row).to_be_in_viewport()


def test_names_stay_in_view_when_the_table_scrolls_sideways(
    page: Page, live_server: LiveServer, demo: None
) -> None:
    open_matrix(page, live_server.url)

    for viewport in (NARROW, DESKTOP):
        page.set_viewport_size(viewport)
        region = page.get_by_role("region", name=re.compile("Competency matrix"))
        name = page.locator("#matrix tbody th.matrix__person").first
        name.scroll_into_view_if_needed()
        region.evaluate("(element) => { element.scrollLeft = element.scrollWidth; }")

        assert region.evaluate("(element) => element.scrollLeft") > 0, viewport
        box, name_box = region.bounding_box(), name.bounding_box()
        assert box is not None and name_box is not None
        assert abs(name_box["x"] - box["x"]) <= 2, viewport
        # The name is what is painted there: no cell shows through it.
        at_name = name.evaluate(
            """(element) => {
              const box = element.getBoundingClientRect();
              const top = document.elementFromPoint(box.left + 8, box.top + box.height / 2);
              return element.contains(top);
            }"""
        )
        assert at_name, viewport
        region.evaluate("(element) => { element.scrollLeft = 0; }")


def test_menu_button_folds_the_navigation_on_a_narrow_screen(
    page: Page, live_server: LiveServer, demo: None
) -> None:
    refused = csp_errors(page)
    open_matrix(page, live_server.url)
    nav = page.get_by_role("navigation", name="Main")
    menu = nav.get_by_role("button", name="Menu")
    team_link = nav.get_by_role("link", name="Team competency")

    expect(menu).to_be_hidden()
    expect(team_link).to_be_visible()

    page.set_viewport_size(NARROW)
    expect(menu).to_be_visible()
    expect(menu).to_have_attribute("aria-expanded", "false")
    expect(team_link).to_be_hidden()

    menu.focus()
    page.keyboard.press("Enter")
    expect(menu).to_have_attribute("aria-expanded", "true")
    expect(team_link).to_be_visible()
    expect(nav.get_by_role("button", name=re.compile("^Sign out"))).to_be_visible()
    assert axe_violations(page) == []
    assert page.evaluate("document.documentElement.scrollWidth") <= NARROW["width"]

    page.keyboard.press("Tab")
    page.keyboard.press("Escape")
    expect(menu).to_have_attribute("aria-expanded", "false")
    expect(menu).to_be_focused()
    expect(team_link).to_be_hidden()

    menu.click()
    team_link.click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Team competency: {TEAM}")
    assert refused == []  # The script is a static file: the CSP lets it run.


def test_without_javascript_the_navigation_shows_and_no_menu_button(
    page: Page, live_server: LiveServer, demo: None
) -> None:
    open_matrix(page, live_server.url)
    page.set_viewport_size(NARROW)
    page.route("**/js/site-nav*.js", lambda route: route.abort())
    page.reload()

    nav = page.get_by_role("navigation", name="Main")
    expect(nav.get_by_role("link", name="Team competency")).to_be_visible()
    expect(nav.get_by_role("button", name="Menu")).to_have_count(0)
    assert page.evaluate("document.documentElement.scrollWidth") <= NARROW["width"]
