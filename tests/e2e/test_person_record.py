"""The manager's person record in Chromium (issue 15, must show): a demo manager opens the
dashboard, follows its overdue figure to the people behind it and on to one person,
extends an overdue enrolment with a reason, and the person's history shows it; the list
and the person record pass axe-core's WCAG 2.2 AA rules at 1280 px and 320 px."""

import datetime
import re

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect
from pytest_django.live_server_helper import LiveServer

from accounts.models import User
from tests.e2e.conftest import sign_in
from tests.support.browser import assert_accessible, csp_errors
from training.models import ACTIVE_STATUSES, Enrolment

pytestmark = pytest.mark.e2e

MANAGER = "manager@riverside-nhs.example"
LEARNER = "learner@riverside-nhs.example"


def _make_overdue(email: str) -> Enrolment:
    """One of the learner's enrolments in progress, due five days ago (the demo's own
    overdue ones are drawn at random)."""
    learner = User.objects.get(email=email)
    enrolment = Enrolment.objects.filter(learner=learner, status__in=ACTIVE_STATUSES).first()
    assert enrolment is not None
    enrolment.due_date = timezone.localdate() - datetime.timedelta(days=5)
    enrolment.save(update_fields=["due_date"])
    return enrolment


def test_a_manager_follows_overdue_to_a_person_and_extends_with_a_reason(
    page: Page, live_server: LiveServer, demo: None
) -> None:
    enrolment = _make_overdue(LEARNER)
    title = enrolment.version.title
    new_due = timezone.localdate() + datetime.timedelta(days=14)
    errors = csp_errors(page)
    sign_in(page, live_server.url, MANAGER)

    page.get_by_role("navigation", name="Main").get_by_role("link", name="Dashboard").click()
    page.get_by_role("link", name=re.compile("overdue: see who")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Overdue training")
    assert_accessible(page, "people with overdue training")
    page.get_by_role("link", name="Amira Khan").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Amira Khan")
    assert_accessible(page, "person record")

    card = page.locator(f"#enrolment-{enrolment.pk}")
    expect(card).to_contain_text("Overdue")
    card.get_by_text("Extend the due date").click()
    card.get_by_label("New due date").fill(new_due.isoformat())
    card.get_by_role("button", name=re.compile("^Extend")).click()
    expect(page.get_by_role("alert")).to_contain_text("Say why.")
    assert_accessible(page, "person record, with an error")
    card = page.locator(f"#enrolment-{enrolment.pk}")
    card.get_by_label("Reason").fill("Back from leave on Monday")
    card.get_by_role("button", name=re.compile("^Extend")).click()

    long_due = f"{new_due.day} {new_due:%B %Y}"
    expect(page.get_by_role("status")).to_contain_text(f"{title} is now due on {long_due}.")
    history = page.locator(f"#enrolment-{enrolment.pk} .person-history")
    expect(history).to_contain_text("Due date extended from")
    expect(history).to_contain_text(f"to {long_due} by Daniel Hughes.")
    expect(history).to_contain_text("Reason: Back from leave on Monday")
    assert_accessible(page, "person record, extended")
    assert errors == []
