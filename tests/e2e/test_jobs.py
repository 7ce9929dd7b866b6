"""Issue 13 in Chromium: a demo org admin finds an invitation that failed under Background
work, tries it again, and sees it done. The page passes axe-core at 1280px and 320px
without sideways scroll, and shows no CSP error."""

import re

import pytest
from django.core import mail
from django.utils import timezone
from playwright.sync_api import Page, expect
from pytest_django.live_server_helper import LiveServer

from accounts.models import Organisation
from core.models import Job, JobState
from tests.e2e.conftest import sign_in
from tests.factories import JobFactory, UserFactory
from tests.support.browser import assert_accessible, csp_errors

pytestmark = pytest.mark.e2e

ADMIN = "admin@riverside-nhs.example"


def test_an_org_admin_tries_a_failed_invitation_again(
    page: Page, live_server: LiveServer, demo: None
) -> None:
    invited = UserFactory.create(email="new.starter@riverside-nhs.example", full_name="Sam Lee")
    riverside = Organisation.objects.get(name="Riverside NHS Foundation Trust")
    description = "Invitation to Sam Lee <new.starter@riverside-nhs.example>"
    job = JobFactory.create(
        task="accounts.tasks.send_invitation",
        args=[invited.pk],
        organisation_id=riverside.pk,
        description=description,
        attempts=20,
        last_error="SMTPServerDisconnected: Connection unexpectedly closed",
        gave_up_at=timezone.now(),
    )
    errors = csp_errors(page)
    sign_in(page, live_server.url, ADMIN)

    page.get_by_role("navigation", name="Main").get_by_role("link", name="Organisation").click()
    page.get_by_role("main").get_by_role("link", name="Background work", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Background work")
    row = page.get_by_role("row").filter(has_text=description)
    expect(row).to_contain_text("Failed; retrying stopped")
    expect(row).to_contain_text("SMTPServerDisconnected")
    assert_accessible(page, "background work")
    mail.outbox.clear()

    row.get_by_role("button", name=re.compile(r"^Try again now")).click()

    expect(page.get_by_role("status")).to_contain_text(f"Trying again now: {description}.")
    # Sent after commit; the tests run jobs in-process, so it is done by the time the
    # page is back.
    expect(row).to_contain_text("Done")
    expect(row.get_by_role("button")).to_have_count(0)
    assert_accessible(page, "background work, after trying again")
    job.refresh_from_db()
    assert job.state == JobState.DONE and job.gave_up_at is None
    assert [message.to for message in mail.outbox] == [[invited.email]]
    assert Job.objects.filter(attempts__gt=0, done_at__isnull=True).count() == 0
    assert errors == []
