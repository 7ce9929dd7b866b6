"""The bulk onboarding page in Chromium (issue 16, must show 3 and 6): the demo org admin
opens it from the Teams page, is told a file is needed, uploads a CSV with a bad row and
sees that row's error with no Apply button, uploads the corrected file, sees the preview,
applies it and sees the success; axe reports 0 violations at 1280 px and 320 px on each
step."""

import pytest
from playwright.sync_api import FilePayload, Page, expect
from pytest_django.live_server_helper import LiveServer

from accounts.models import Membership
from tests.e2e.conftest import sign_in
from tests.support.browser import assert_accessible, csp_errors

pytestmark = pytest.mark.e2e

HEADER = "Employee number,Name,Work email,Team,Role,Manager,Start date,Leaving date\n"
GOOD = (
    "N100,Ola Nowak,ola.nowak@riverside-nhs.example,Hospital Discharge Team,learner,,2026-01-05,\n"
    "N101,Sam Reid,sam.reid@riverside-nhs.example,Community Nursing,learner,,05/01/2026,\n"
)
BAD = "N102,Kit Lowe,kit.lowe@riverside-nhs.example,Night Team,learner,,,\n"


def people_file(*rows: str) -> FilePayload:
    body = (HEADER + "".join(rows)).encode()
    return {"name": "people.csv", "mimeType": "text/csv", "buffer": body}


def test_an_org_admin_previews_and_applies_a_people_file(
    page: Page, live_server: LiveServer, demo: None
) -> None:
    errors = csp_errors(page)
    sign_in(page, live_server.url, "admin@riverside-nhs.example")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Organisation").click()
    page.get_by_role("main").get_by_role("link", name="People", exact=True).click()
    page.get_by_role("link", name="Add or update people from a file").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Import people")
    expect(page.get_by_role("link", name="Download a template CSV")).to_be_visible()
    assert_accessible(page, "the upload step")
    page.get_by_role("button", name="Preview the changes").click()
    expect(page.get_by_role("alert")).to_contain_text("Choose a CSV or XLSX file")
    assert_accessible(page, "the upload step, with no file chosen")

    page.get_by_label("People file (CSV or XLSX)").set_input_files(people_file(*GOOD, BAD))
    page.get_by_role("button", name="Preview the changes").click()
    expect(page.get_by_role("alert")).to_contain_text("1 row of the file has errors")
    expect(page.get_by_role("row", name="4")).to_contain_text(
        "Team: There is no team “Night Team” in Riverside NHS Foundation Trust."
    )
    expect(page.get_by_role("button", name="Apply these changes")).to_have_count(0)
    assert_accessible(page, "the preview of a file with a bad row")

    page.get_by_role("link", name="Upload the corrected file").click()
    page.get_by_label("People file (CSV or XLSX)").set_input_files(people_file(*GOOD))
    page.get_by_role("button", name="Preview the changes").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Preview: import people")
    expect(page.get_by_role("definition").first).to_have_text("2")
    expect(page.get_by_role("row", name="ola.nowak@riverside-nhs.example")).to_contain_text("Added")
    assert not Membership.including_pending.filter(employee_number="N100").exists()
    assert_accessible(page, "the preview")

    page.get_by_role("button", name="Apply these changes").click()
    expect(page.get_by_role("status")).to_contain_text("The file is applied: 2 added")
    expect(page.get_by_role("status").get_by_role("link", name="Background work")).to_be_visible()
    assert Membership.including_pending.filter(employee_number__in=["N100", "N101"]).count() == 2
    assert_accessible(page, "the upload step, after applying")
    assert errors == []
