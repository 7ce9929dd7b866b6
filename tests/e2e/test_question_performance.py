"""An org admin follows the catalogue's link to how a module's quiz questions perform
(issue 15): the table names each question with its figures, and the page passes axe-core
at 1280px and 320px without sideways scroll."""

import re

import pytest
from playwright.sync_api import Page, expect
from pytest_django.live_server_helper import LiveServer

from accounts.models import Role
from tests.e2e.conftest import sign_in
from tests.factories import EnrolmentFactory, MembershipFactory, TeamFactory
from tests.support.browser import assert_accessible
from tests.support.training import publish_module, right_answers, wrong_answers
from training import services

pytestmark = pytest.mark.e2e

PASSWORD = "correct-horse-battery-staple"


def test_an_admin_reads_how_the_quiz_questions_perform(
    page: Page, live_server: LiveServer, transactional_db: None
) -> None:
    team = TeamFactory.create()
    organisation = team.organisation
    admin = MembershipFactory.create(role=Role.ORG_ADMIN, team=None, organisation=organisation)
    module = publish_module(title="Damp basics")
    for right in (True, False, False):
        learner = MembershipFactory.create(team=team)
        enrolment = EnrolmentFactory.create(
            learner=learner.user, module=module, organisation=organisation, team=team
        )
        answers = right_answers(enrolment) if right else wrong_answers(enrolment)
        services.quiz_submit(enrolment=enrolment, answers=answers)

    sign_in(page, live_server.url, admin.user.email, PASSWORD)
    page.goto(f"{live_server.url}/catalogue/")
    link = re.compile(r"^How its quiz questions perform\W+Damp basics$")
    page.get_by_role("link", name=link).click()

    expect(page.get_by_role("heading", level=1)).to_have_text("How the quiz's questions perform")
    expect(page.get_by_role("main")).to_contain_text("From the latest 3 attempts")
    rows = page.get_by_role("table").get_by_role("row")
    expect(rows).to_have_count(3)  # the header and two questions
    expect(rows.nth(1)).to_contain_text("33%")
    assert_accessible(page, "question performance")
