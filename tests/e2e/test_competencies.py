"""The competency pages in Chromium (issue 4): a demo manager filters the team matrix to
required competencies and downloads its CSV; a learner reads their competencies; an
assessor records an assessment. Every page passes axe-core at 1280px and 320px without
sideways scroll, the assessor's form with errors too."""

import csv
import datetime
import io
import re
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect
from pytest_django.live_server_helper import LiveServer

from accounts.models import Membership, Team
from competencies.models import Assessment, Competency, Requirement
from tests.e2e.conftest import sign_in
from tests.support.browser import assert_accessible

pytestmark = pytest.mark.e2e

MANAGER = "manager@riverside-nhs.example"
ASSESSOR = "assessor@riverside-nhs.example"
LEARNER = "learner@riverside-nhs.example"
TEAM = "Hospital Discharge Team"


def open_from_nav(page: Page, name: str) -> None:
    page.get_by_role("navigation", name="Main").get_by_role("link", name=name, exact=True).click()


def test_manager_filters_the_matrix_to_required_competencies_and_downloads_the_csv(
    page: Page, live_server: LiveServer, demo: None
) -> None:
    team = Team.objects.get(name=TEAM)
    all_codes = list(Competency.objects.order_by("code").values_list("code", flat=True))
    required = set(Requirement.objects.filter(team=team).values_list("competency_id", flat=True))
    required_codes = list(
        Competency.objects.filter(pk__in=required).order_by("code").values_list("code", flat=True)
    )
    members = Membership.objects.filter(team=team).values("user_id").distinct().count()
    assert 0 < len(required_codes) < len(all_codes)
    sign_in(page, live_server.url, MANAGER)

    open_from_nav(page, "Team competency")
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Team competency: {TEAM}")
    headings = page.locator("#matrix thead th")
    expect(headings).to_have_count(len(all_codes) + 2)
    expect(page.locator("#matrix tbody tr")).to_have_count(members)
    assert_accessible(page, "team matrix")

    page.get_by_label("Required only").check()
    page.get_by_role("button", name="Apply filters").click()

    page.wait_for_url(re.compile(r"required_only=on"))
    expect(headings).to_have_count(len(required_codes) + 2)
    codes = [text.split(maxsplit=1)[0] for text in headings.all_text_contents()[1:-1]]
    assert codes == required_codes
    expect(page.get_by_label("Required only")).to_be_checked()
    assert_accessible(page, "team matrix, required only")

    with page.expect_download() as info:
        page.get_by_role("link", name="Download CSV").click()
    download = info.value
    text = Path(download.path()).read_text(encoding="utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    assert download.suggested_filename == (
        f"matrix-team-{team.pk}-{timezone.localdate().isoformat()}.csv"
    )
    assert rows[0] == ["Person", "Roles", *required_codes, "Still needs"]
    assert len(rows) == members + 1
    first_row_cells = page.locator("#matrix tbody tr").first.locator("td.matrix__cell")
    shown = first_row_cells.all_text_contents()
    assert len(shown) == len(rows[1][2:-1])
    for text, written in zip(shown, rows[1][2:-1], strict=True):
        assert written.split(",")[0] in text  # The state's name, on the page and in the CSV.


def test_learner_reads_their_competencies(page: Page, live_server: LiveServer, demo: None) -> None:
    sign_in(page, live_server.url, LEARNER)

    open_from_nav(page, "My competencies")

    expect(page.get_by_role("heading", level=1)).to_have_text("My competencies")
    expect(page.get_by_role("heading", name=re.compile(r"^Still needed"))).to_be_visible()
    expect(page.get_by_role("heading", name=re.compile(r"^Assessment history"))).to_be_visible()
    assert_accessible(page, "my competencies")


def test_assessor_records_an_assessment_and_sees_it_on_the_persons_page(
    page: Page, live_server: LiveServer, demo: None
) -> None:
    competency = Competency.objects.get(code="ACT-1.1")
    learner = Membership.objects.select_related("user").get(user__email=LEARNER).user
    before = Assessment.objects.filter(learner=learner, competency=competency).count()
    sign_in(page, live_server.url, ASSESSOR)

    open_from_nav(page, "Assess")
    expect(page.get_by_role("heading", level=1)).to_have_text("Record an assessment")
    assert_accessible(page, "assessor's form")

    page.get_by_role("button", name="Record the assessment").click()
    alert = page.get_by_role("alert")
    expect(alert).to_contain_text("Person assessed: Choose the person you assessed.")
    expect(alert).to_contain_text("Method: Choose observation or evidence review.")
    assert_accessible(page, "assessor's form with errors")

    page.get_by_label("Person assessed").select_option(label=f"{learner.full_name} ({LEARNER})")
    page.get_by_label("Competency").select_option(
        label=f"{competency.code} {competency.title} (level {competency.level})"
    )
    page.get_by_role("group", name="Method").get_by_label("Observation").check()
    page.get_by_role("group", name="Outcome").get_by_label("Competent", exact=True).check()
    note = "Observed a discharge planning call: raised the home hazard and referred with consent."
    page.get_by_label("Evidence", exact=True).fill(note)
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    page.get_by_label("Date assessed").fill(tomorrow.isoformat())
    page.get_by_role("button", name="Record the assessment").click()

    expect(page.get_by_role("alert")).to_contain_text("Choose a time that has passed.")
    expect(page.get_by_label("Evidence", exact=True)).to_have_value(note)
    expect(page.get_by_label("Person assessed")).to_have_value(str(learner.pk))
    assert_accessible(page, "assessor's form with a refused date")

    page.get_by_label("Date assessed").fill(timezone.localdate().isoformat())
    page.get_by_role("button", name="Record the assessment").click()

    expect(page.get_by_role("heading", level=1)).to_have_text(f"Competencies: {learner.full_name}")
    expect(page.get_by_role("status")).to_contain_text(
        f"Recorded: {learner.full_name} is competent in {competency.code}"
    )
    newest = page.locator(".history-item").first
    expect(newest).to_contain_text(f"{competency.code} {competency.title}")
    expect(newest).to_contain_text(note)
    expect(newest).to_contain_text("Priya Sharma")
    assert_accessible(page, "a person's competencies, seen by their assessor")
    assert Assessment.objects.filter(learner=learner, competency=competency).count() == before + 1
