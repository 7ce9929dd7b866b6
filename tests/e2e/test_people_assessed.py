"""Issue 15, item 5 in Chromium: a demo assessor opens the people they assess from the
main navigation, then a person's competencies and the assessment form for them; the list
passes axe-core at 1280px and 320px."""

from pathlib import Path

import pytest
from playwright.sync_api import Page, expect
from pytest_django.live_server_helper import LiveServer

from accounts.models import User
from tests.e2e.conftest import sign_in
from tests.support.browser import NARROW, assert_accessible

pytestmark = pytest.mark.e2e


def test_an_assessor_opens_a_person_and_records_an_assessment_from_their_list(
    page: Page, live_server: LiveServer, demo: None, tmp_path: Path
) -> None:
    learner = User.objects.get(email="learner@riverside-nhs.example")
    sign_in(page, live_server.url, "assessor@riverside-nhs.example")

    page.get_by_role("navigation", name="Main").get_by_role("link", name="People I assess").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("People I assess")
    expect(page.get_by_role("link", name=learner.full_name, exact=True)).to_be_visible()
    assert "Brookfield" not in page.locator("main").inner_text()
    assert_accessible(page, "people I assess")
    page.screenshot(path=tmp_path / "people-assessed.png", full_page=True)
    page.set_viewport_size(NARROW)
    page.screenshot(path=tmp_path / "people-assessed-320.png", full_page=True)

    page.get_by_role("link", name=learner.full_name, exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(learner.full_name)
    page.go_back()
    page.get_by_role("link", name=f"Record an assessment for {learner.full_name}").click()
    expect(page.get_by_label("Person assessed")).to_have_value(str(learner.pk))
