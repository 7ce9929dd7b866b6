"""An org admin's required training in Chromium (issue 15, ADR 0020): the demo's admin
opens Required training from the navigation, sees the two requirements the demo adopted,
adopts a starter subject, edits it (a refusal first, shown in the error summary), and the
list shows it; every page passes axe-core's WCAG 2.2 AA rules at 1280 px and 320 px."""

import re

import pytest
from playwright.sync_api import Page, expect
from pytest_django.live_server_helper import LiveServer

from compliance.models import TrainingRequirement
from tests.e2e.conftest import sign_in
from tests.support.browser import assert_accessible, csp_errors

pytestmark = pytest.mark.e2e

ADMIN = "admin@riverside-nhs.example"
SUBJECT = "Infection prevention and control, level 2"


def test_an_org_admin_adopts_a_starter_subject_and_edits_it(
    page: Page, live_server: LiveServer, demo: None
) -> None:
    errors = csp_errors(page)
    sign_in(page, live_server.url, ADMIN)

    page.get_by_role("navigation", name="Main").get_by_role(
        "link", name="Required training"
    ).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Required training")
    table = page.get_by_role("table")
    expect(table).to_contain_text("Safeguarding adults, level 1")
    expect(table).to_contain_text("Module: Safeguarding adults at home")
    expect(table).to_contain_text("Fire safety")
    expect(table).to_contain_text("Training recorded elsewhere only")
    assert_accessible(page, "required training")

    page.get_by_text("Core Skills Training Framework (14)").click()
    assert_accessible(page, "required training, starter subjects open")
    page.get_by_role("button", name=f"Adopt {SUBJECT}").click()

    expect(page.get_by_role("heading", level=1)).to_have_text(SUBJECT)
    expect(page.get_by_role("status")).to_contain_text(
        f"{SUBJECT} is now one of Riverside NHS Foundation Trust's requirements."
    )
    assert_accessible(page, "requirement edit page")

    page.get_by_label("Module that meets it").select_option(label="Safeguarding adults at home")
    page.get_by_label("Renew every (months)").fill("1")
    page.get_by_label("Team").select_option(label="Community Nursing")
    page.get_by_label("Role").select_option(label="Learner")
    page.get_by_role("button", name="Save").click()

    summary = page.get_by_role("alert")
    expect(summary).to_contain_text("There is a problem")
    expect(summary).to_contain_text(
        "Open renewal within the renewal period: fewer days than 1 months."
    )
    expect(page).to_have_title(re.compile("^Error: "))
    assert_accessible(page, "requirement edit page, with an error")
    page.get_by_label("Renew every (months)").fill("12")
    page.get_by_label("Renewal opens (days before expiry)").fill("45")
    page.get_by_label("Title").fill("Infection control for community nurses")
    page.get_by_role("button", name="Save").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Required training")
    expect(page.get_by_role("status")).to_contain_text(
        "Infection control for community nurses was saved."
    )
    row = page.get_by_role("row", name=re.compile("Infection control for community nurses"))
    expect(row).to_contain_text("Every 12 months")
    expect(row).to_contain_text("45 days before expiry")
    expect(row).to_contain_text("Community Nursing, learners")
    assert_accessible(page, "required training, edited")
    saved = TrainingRequirement.objects.filter(
        title="Infection control for community nurses"
    ).values_list("renewal_months", "window_days", "role", "team__name")
    assert list(saved) == [(12, 45, "learner", "Community Nursing")]
    assert errors == []
