"""Compliance at a glance in Chromium (issue 15): a demo manager opens Compliance from the
main navigation, follows their team to its people, and follows the person whose required
training is overdue to their person record; the compliance page and the team page pass
axe-core's WCAG 2.2 AA rules at 1280 px and 320 px, with no CSP errors."""

import datetime
import re

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect
from pytest_django.live_server_helper import LiveServer

from accounts.models import Membership, Organisation, Role, User
from compliance.models import RecordKind, TrainingRecord, TrainingRequirement
from tests.e2e.conftest import sign_in
from tests.support.browser import assert_accessible, csp_errors

pytestmark = pytest.mark.e2e

MANAGER = "manager@riverside-nhs.example"


def _require_fire_safety() -> None:
    """Riverside requires fire safety of its learners, recorded only, for a year now.
    Amira Khan joined long ago and has no record (overdue); Tom Fletcher did it last
    month (compliant); the others joined today (not started)."""
    organisation = Organisation.objects.get(slug="riverside-nhs")
    requirement = TrainingRequirement.objects.create(
        organisation=organisation,
        title="Fire safety awareness",
        role=Role.LEARNER,
        created_at=timezone.now() - datetime.timedelta(days=365),
    )
    Membership.objects.filter(user__full_name="Amira Khan").update(
        created_at=timezone.now() - datetime.timedelta(days=200), accepted_at=None
    )
    TrainingRecord.objects.create(
        organisation=organisation,
        person=User.objects.get(full_name="Tom Fletcher"),
        requirement=requirement,
        kind=RecordKind.FACE_TO_FACE,
        title="Fire safety session",
        completed_on=timezone.localdate() - datetime.timedelta(days=30),
    )


def test_a_manager_follows_a_team_to_an_overdue_person(
    page: Page, live_server: LiveServer, demo: None
) -> None:
    _require_fire_safety()
    errors = csp_errors(page)
    sign_in(page, live_server.url, MANAGER)

    page.get_by_role("navigation", name="Main").get_by_role("link", name="Compliance").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Compliance")
    expect(
        page.get_by_role("img", name=re.compile(r"^Hospital Discharge Team: \d+ overdue"))
    ).to_be_visible()
    expect(
        page.locator("#overdue-" + str(Organisation.objects.get(slug="riverside-nhs").pk))
    ).to_be_visible()
    assert_accessible(page, "compliance")

    page.get_by_role("table", name="Required training by team").get_by_role(
        "link", name="Hospital Discharge Team"
    ).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Hospital Discharge Team: compliance")
    first = page.locator(".glance-person").first
    expect(first).to_contain_text("Amira Khan")
    expect(first).to_contain_text("Overdue")
    assert_accessible(page, "team compliance")

    first.get_by_role("link", name="Amira Khan").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Amira Khan")
    assert errors == []
