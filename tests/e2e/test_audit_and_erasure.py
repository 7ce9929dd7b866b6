"""Issue 17 in Chromium: a demo org admin reads the audit trail, erases the demo learner
after the confirmation page, and finds the erasure listed and in the trail; the learner's
certificate still verifies with the name withheld. Each page passes axe-core at 1280px and
320px without sideways scroll, and shows no CSP error."""

import re

import pytest
from playwright.sync_api import Page, expect
from pytest_django.live_server_helper import LiveServer

from accounts.models import Organisation, User
from certificates.models import Certificate
from tests.e2e.conftest import sign_in
from tests.support.browser import assert_accessible, csp_errors

pytestmark = [pytest.mark.e2e]

ADMIN = "admin@riverside-nhs.example"
LEARNER = "learner@riverside-nhs.example"


def test_an_admin_reads_the_trail_and_erases_a_learner_whose_certificate_still_verifies(
    page: Page, live_server: LiveServer, demo: None
) -> None:
    learner = User.objects.get(email=LEARNER)
    organisation = Organisation.objects.get(slug__startswith="riverside")
    certificate = Certificate.objects.filter(learner=learner).earliest("issued_at")
    errors = csp_errors(page)
    sign_in(page, live_server.url, ADMIN)

    page.get_by_role("navigation", name="Main").get_by_role("link", name="Organisation").click()
    page.get_by_role("main").get_by_role("link", name="Audit trail").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Audit trail")
    assert_accessible(page, "audit trail")

    page.goto(f"{live_server.url}/organisation/{organisation.pk}/people/{learner.pk}/")
    page.get_by_role("link", name=re.compile("Erase")).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Erase")
    assert_accessible(page, "erase confirmation")
    page.get_by_label(re.compile("^Yes, erase")).check()
    page.get_by_role("button", name=re.compile("^Erase")).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Erasure and retention")
    assert_accessible(page, "erasures")

    page.goto(f"{live_server.url}/organisation/audit/?person={learner.pk}")
    expect(page.get_by_role("main")).to_contain_text(
        f"POST /organisation/{organisation.pk}/people/{learner.pk}/erase/"
    )
    assert_accessible(page, "audit trail of the erased person")
    page.goto(f"{live_server.url}/verify/{certificate.verification_code}")
    expect(page.get_by_role("main")).to_contain_text("Genuine")
    expect(page.get_by_role("main")).to_contain_text("Name withheld at the holder's request")
    expect(page.get_by_role("main")).not_to_contain_text(learner.full_name)
    assert_accessible(page, "verify page, name withheld")
    assert errors == []
