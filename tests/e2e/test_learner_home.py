"""A learner with overdue, due, in-progress and completed modules signs in (issue 15):
the home page lists overdue before due before in progress, and the catalogue marks what
they completed and what they are doing. Both pass axe-core at 1280px and 320px without
sideways scroll."""

import datetime
import re

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect
from pytest_django.live_server_helper import LiveServer

from certificates.records import certificate_get_or_create
from tests.e2e.conftest import sign_in
from tests.factories import EnrolmentFactory, MembershipFactory
from tests.support.browser import assert_accessible
from tests.support.training import publish_module
from training.models import EnrolmentStatus

pytestmark = pytest.mark.e2e

PASSWORD = "correct-horse-battery-staple"


def test_learner_home_and_catalogue_say_what_to_do_next(
    page: Page, live_server: LiveServer, transactional_db: None
) -> None:
    membership = MembershipFactory.create()
    learner, team = membership.user, membership.team
    assert team is not None
    today = timezone.localdate()

    def enrol(title: str, **fields: object) -> None:
        module = publish_module(slug=title.lower().replace(" ", "-"), title=title)
        EnrolmentFactory.create(
            learner=learner, module=module, organisation=team.organisation, team=team, **fields
        )

    enrol("Due module", due_date=today + datetime.timedelta(days=10))
    enrol(
        "Overdue module",
        due_date=today - datetime.timedelta(days=4),
        status=EnrolmentStatus.IN_PROGRESS,
    )
    enrol("Undated module", status=EnrolmentStatus.IN_PROGRESS)
    enrol("Completed module", status=EnrolmentStatus.COMPLETED, completed_at=timezone.now())
    completed = learner.enrolments.get(module__slug="completed-module")
    certificate = certificate_get_or_create(enrolment=completed)

    sign_in(page, live_server.url, learner.email, PASSWORD)

    main = page.get_by_role("main")
    expect(main.get_by_role("heading", level=2)).to_have_text(
        ["Overdue (1)", "Due (1)", "In progress (1)", "Your roles"]
    )
    expect(main.get_by_role("heading", level=3)).to_have_text(
        ["Overdue module", "Due module", "Undated module"]
    )
    overdue_date = today - datetime.timedelta(days=4)
    expect(main).to_contain_text(f"Due {overdue_date.day} {overdue_date:%B %Y}")
    expect(main.get_by_role("link", name="Continue Overdue module")).to_have_attribute(
        "href", f"/learning/{learner.enrolments.get(module__slug='overdue-module').pk}/lessons/1/"
    )
    assert_accessible(page, "learner home")

    page.get_by_role("navigation", name="Main").get_by_role("link", name="Catalogue").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Catalogue")
    done = page.locator("li.module-card", has=page.get_by_role("heading", name="Completed module"))
    expect(done).to_contain_text("Completed")
    expect(done.get_by_role("button")).to_have_count(0)
    expect(
        done.get_by_role("link", name=re.compile(r"^View certificate\W+Completed module$"))
    ).to_have_attribute("href", f"/certificates/{certificate.pk}/")
    going = page.locator("li.module-card", has=page.get_by_role("heading", name="Undated module"))
    expect(going).to_contain_text("In progress")
    expect(
        going.get_by_role("link", name=re.compile(r"^Continue\W+Undated module$"))
    ).to_be_visible()
    assert_accessible(page, "catalogue with marks")
