"""A demo learner completes a module in Chromium; a demo manager assigns training.
Every page on the way passes axe-core at 1280px and 320px without sideways scroll."""

import re

import pytest
from playwright.sync_api import Page, expect
from pytest_django.live_server_helper import LiveServer

from accounts.models import Membership, Role
from tests.e2e.conftest import sign_in
from tests.support.browser import assert_accessible
from training.models import Choice, Enrolment, Module

pytestmark = pytest.mark.e2e

LEARNER = "learner@riverside-nhs.example"
MANAGER = "manager@riverside-nhs.example"
MODULE = "mecc-signposting"


def open_from_nav(page: Page, name: str) -> None:
    page.get_by_role("navigation", name="Main").get_by_role("link", name=name).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(name)


def test_learner_starts_a_module_works_through_it_and_completes_it(
    page: Page, live_server: LiveServer, demo: None
) -> None:
    module = Module.objects.select_related("current_version").get(slug=MODULE, organisation=None)
    version = module.current_version
    assert version is not None
    lesson_count = version.lessons.count()
    assert not Enrolment.objects.filter(learner__email=LEARNER, module=module).exists()
    sign_in(page, live_server.url, LEARNER)

    open_from_nav(page, "My learning")
    expect(page.get_by_role("heading", name=re.compile(r"^To do"))).to_be_visible()
    assert_accessible(page, "My learning")

    open_from_nav(page, "Catalogue")
    assert_accessible(page, "catalogue")
    page.get_by_label("Search titles and summaries").fill("Making Every Contact Count")
    page.get_by_role("button", name="Show modules").click()
    card = page.locator("li.module-card", has=page.get_by_role("heading", name=version.title))
    card.get_by_role("button", name="Start this module").click()

    expect(page.get_by_role("heading", level=1)).to_have_text(version.title)
    assert_accessible(page, "enrolment overview")
    page.get_by_role("link", name="Start the first lesson").click()
    for number in range(1, lesson_count + 1):
        expect(page.locator(".caption")).to_have_text(f"Lesson {number} of {lesson_count}")
        assert_accessible(page, f"lesson {number}")
        page.get_by_role("button", name="Mark as done and continue").click()

    page.wait_for_url(re.compile(r"/quiz/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Quiz")
    assert_accessible(page, "quiz")
    correct = Choice.objects.filter(question__version=version, is_correct=True)
    for choice in correct:
        page.locator(f"#choice-{choice.pk}").check()
    page.get_by_role("button", name="Submit answers").click()

    page.wait_for_url(re.compile(r"/quiz/attempts/1/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Quiz result: passed")
    expect(page.get_by_role("heading", name="Module completed")).to_be_visible()
    expect(page.locator("main")).to_contain_text("You scored 100%")
    assert_accessible(page, "quiz result")

    open_from_nav(page, "My learning")
    completed = page.locator(
        "section", has=page.get_by_role("heading", name=re.compile("^Completed"))
    )
    item = completed.locator("li", has=page.get_by_role("heading", name=version.title))
    expect(item).to_contain_text("100% done")
    expect(item.locator("progress")).to_have_attribute("value", "100")
    assert_accessible(page, "My learning with the module completed")


def test_manager_assigns_a_module_to_their_team(
    page: Page, live_server: LiveServer, demo: None
) -> None:
    module = Module.objects.select_related("current_version").get(slug=MODULE, organisation=None)
    assert module.current_version is not None
    team_learners = Membership.objects.filter(
        team__name="Hospital Discharge Team", role=Role.LEARNER
    ).count()
    assert team_learners > 1
    sign_in(page, live_server.url, MANAGER)

    open_from_nav(page, "Assign training")
    assert_accessible(page, "assign page")
    page.get_by_role("button", name="Assign training").click()
    expect(page.get_by_role("alert")).to_contain_text("Module: Choose a module to assign.")
    assert_accessible(page, "assign page with errors")

    page.get_by_label("Module", exact=True).select_option(label=module.current_version.title)
    page.get_by_label("A whole team").select_option(
        label="Hospital Discharge Team, Riverside NHS Foundation Trust"
    )
    page.get_by_label("Or due in this many days").fill("30")
    page.get_by_role("button", name="Assign training").click()

    expect(page.get_by_role("status")).to_contain_text(
        f"Assigned “{module.current_version.title}” to {team_learners} people, due "
    )
    assert_accessible(page, "assign page after assigning")
    assert (
        Enrolment.objects.filter(
            module=module, team__name="Hospital Discharge Team", source="assigned"
        ).count()
        == team_learners
    )
