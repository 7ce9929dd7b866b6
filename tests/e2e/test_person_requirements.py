"""The person record's required training in Chromium (issue 15, must show 3's "every new
page"): a demo manager opens a learner's record, records a course done elsewhere with
its evidence file (after the error summary for an empty form), marks another
requirement exempt, and tries a wrong certificate code; the record and each action page,
with and without errors, pass axe-core's WCAG 2.2 AA rules at 1280 px and 320 px."""

import re
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect
from pytest_django.live_server_helper import LiveServer

from accounts.models import Organisation, User
from compliance.models import TrainingRecord, TrainingRequirement
from tests.e2e.conftest import sign_in
from tests.support.browser import assert_accessible, csp_errors

pytestmark = pytest.mark.e2e

MANAGER = "manager@riverside-nhs.example"
LEARNER = "learner@riverside-nhs.example"
PDF_BYTES = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << >>\n%%EOF\n"


def test_a_manager_records_training_done_elsewhere_and_marks_an_exemption(
    page: Page, live_server: LiveServer, demo: None, tmp_path: Path
) -> None:
    riverside = Organisation.objects.get(slug="riverside-nhs")
    first_aid = TrainingRequirement.objects.create(
        organisation=riverside, title="Emergency first aid at work", renewal_months=36
    )
    manual = TrainingRequirement.objects.create(
        organisation=riverside, title="Manual handling of loads", renewal_months=24
    )
    learner = User.objects.get(email=LEARNER)
    evidence = tmp_path / "first-aid-certificate.pdf"
    evidence.write_bytes(PDF_BYTES)
    errors = csp_errors(page)
    sign_in(page, live_server.url, MANAGER)

    page.goto(f"{live_server.url}/people/{learner.pk}/")
    card = page.locator(f"#requirement-{first_aid.pk}")
    expect(card).to_contain_text("Not started")
    assert_accessible(page, "person record with required training")

    card.get_by_role("link", name=re.compile("Record training done elsewhere")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Record training Amira Khan did elsewhere"
    )
    assert_accessible(page, "record training done elsewhere")
    page.get_by_role("button", name="Record the training").click()
    summary = page.get_by_role("alert")
    expect(summary).to_contain_text("Choose what kind of training it was.")
    expect(summary).to_be_focused()
    assert_accessible(page, "record training done elsewhere, with errors")

    page.get_by_label("External course").check()
    page.get_by_label("Course or session").fill("Emergency first aid at work (level 3)")
    page.get_by_label("Provider").fill("St John Ambulance")
    page.get_by_label("Completed on").fill(timezone.localdate().isoformat())
    page.get_by_label("Evidence").set_input_files(str(evidence))
    page.get_by_role("button", name="Record the training").click()

    expect(page.get_by_role("status")).to_contain_text(
        "Emergency first aid at work (level 3), completed on"
    )
    card = page.locator(f"#requirement-{first_aid.pk}")
    expect(card).to_contain_text("Compliant")
    expect(card).to_contain_text("checked by Daniel Hughes")
    record = TrainingRecord.objects.get(requirement=first_aid)
    assert (record.evidence_file.name or "").endswith(".pdf")

    page.locator(f"#requirement-{manual.pk}").get_by_role(
        "link", name=re.compile("Mark exempt")
    ).click()
    assert_accessible(page, "mark exempt")
    page.get_by_label("Exempt until").fill("2000-01-01")
    page.get_by_label("Reason").fill("Desk-based role this year")
    page.get_by_role("button", name="Mark exempt").click()
    expect(page.get_by_role("alert")).to_contain_text("Enter today or a later day.")
    assert_accessible(page, "mark exempt, with errors")
    ends = timezone.localdate().replace(year=timezone.localdate().year + 1)
    page.get_by_label("Exempt until").fill(ends.isoformat())
    page.get_by_role("button", name="Mark exempt").click()
    expect(page.get_by_role("status")).to_contain_text(
        f"Exempt from Manual handling of loads until {ends.day} {ends:%B %Y}."
    )
    expect(page.locator(f"#requirement-{manual.pk}")).to_contain_text(
        "Reason for the exemption: Desk-based role this year"
    )

    page.locator(f"#requirement-{manual.pk}").get_by_role(
        "link", name=re.compile("Recognise a certificate")
    ).click()
    assert_accessible(page, "recognise a certificate")
    page.get_by_label("Verification code").fill("not-a-real-code")
    page.get_by_role("button", name="Recognise the certificate").click()
    expect(page.get_by_role("alert")).to_contain_text("No certificate has this code.")
    assert_accessible(page, "recognise a certificate, with errors")
    assert errors == []
