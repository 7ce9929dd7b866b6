"""The dashboards (issue 7): an organisation's completions over time, by team and by module
for its org admins and managers (scoped like the API), and a partnership's indicator
report with its downloads for its viewers; nothing drawn with inline styles or scripts."""

import re
from collections.abc import Callable
from contextlib import AbstractContextManager

import pytest
from django.test import Client
from django.utils import timezone

from accounts.models import User
from reporting.indicators import Quarter
from reporting.models import IndicatorReport
from tests.reporting.data import Data, build
from training.models import Enrolment


def signed_in(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


# The dashboards draw their charts on the server: the only script on them is the site's
# own navigation (a static file; no inline script, which the CSP would refuse anyway).
SITE_SCRIPTS = ["/static/js/site-nav.js"]


def scripts_of(html: str) -> list[str | None]:
    """Each <script>'s src, None for an inline one."""
    return [match.group(1) for match in re.finditer(r"<script(?:\s+src=\"([^\"]+)\")?[^>]*>", html)]


@pytest.fixture
def data(db: None) -> Data:
    return build(61, people=40, spread_days=300)


def test_an_org_admin_sees_completion_over_time_by_team_and_by_module(data: Data) -> None:
    organisation = data.organisations[0]
    page = signed_in(data.admins[organisation.pk]).get("/dashboard/")

    html = page.content.decode()
    assert page.status_code == 200
    for heading in ("Completion over time", "By team", "By module", "At a glance"):
        assert f">{heading}</h2>" in html
    assert '<svg class="chart__svg"' in html and 'role="img"' in html
    assert "<meter" in html and "<table" in html
    assert " style=" not in html and scripts_of(html) == SITE_SCRIPTS
    enrolled = Enrolment.objects.filter(
        organisation=organisation,
        created_at__date__gte=timezone.localdate().replace(
            day=1, year=timezone.localdate().year - 1
        ),
    ).exclude(status="withdrawn")
    assert enrolled.exists()
    for team in (t for t in data.teams if t.organisation_id == organisation.pk):
        assert team.name in html
    assert "/api/v1/stats/completions/?" in html and "format=csv" in html
    assert 'aria-current="page">Dashboard</a>' in html


def test_a_manager_sees_only_their_team_and_can_filter(data: Data) -> None:
    team = data.teams[0]
    sibling = data.teams[1]
    client = signed_in(data.managers[team.pk])

    page = client.get("/dashboard/")
    filtered = client.get("/dashboard/", {"team": str(team.pk), "date_from": "2025-01-01"})
    foreign = client.get("/dashboard/", {"team": sibling.pk})

    assert page.status_code == 200
    assert re.search(r"<option value=\"\d+\"", page.content.decode())
    assert f'<option value="{sibling.pk}"' not in page.content.decode()
    assert filtered.status_code == 200 and "1 January 2025" in filtered.content.decode()
    assert foreign.status_code == 200  # an unknown team is an invalid choice: defaults shown
    assert "Choose one of your teams, or all of them." in foreign.content.decode()


def test_learners_have_no_dashboard_link_or_page(data: Data) -> None:
    client = signed_in(data.learners[0])

    home = client.get("/")
    page = client.get("/dashboard/")

    assert ">Dashboard</a>" not in home.content.decode()
    assert page.status_code == 404


def test_a_partnership_viewer_sees_the_indicator_report_and_its_downloads(
    data: Data,
    django_capture_on_commit_callbacks: Callable[..., AbstractContextManager[object]],
) -> None:
    client = signed_in(data.viewer)
    url = f"/partnerships/{data.partnership.pk}/"
    quarter = Quarter.last_complete()

    home = client.get("/dashboard/")
    page = client.get(url)
    with django_capture_on_commit_callbacks(execute=True):
        asked = client.post(f"{url}report/", {"quarter": str(quarter)})
    after = client.get(url, {"quarter": str(quarter)})

    assert url in home.content.decode()
    html = page.content.decode()
    assert page.status_code == 200
    assert f"Indicators of success, {quarter}" in html
    for label in ("Improved signposting", "More shared learning", "Wider sector engagement"):
        assert label in html
    assert (
        f"/api/v1/indicators/?partnership={data.partnership.pk}&amp;quarter={quarter}&amp;format=csv"
        in html
    )
    assert "Prepare the PDF" in html
    assert " style=" not in html and scripts_of(html) == SITE_SCRIPTS
    assert asked.status_code == 302
    report = IndicatorReport.objects.get(partnership=data.partnership, quarter=str(quarter))
    assert report.status == "ready"
    assert f"/api/v1/indicators/reports/{report.pk}/pdf/" in after.content.decode()
    for learner in data.learners:
        assert learner.email not in html


def test_only_viewers_open_a_partnership_page(data: Data) -> None:
    url = f"/partnerships/{data.partnership.pk}/"
    for person in (data.admins[data.organisations[0].pk], data.learners[0]):
        client = signed_in(person)
        assert client.get(url).status_code == 404
        assert client.post(f"{url}report/", {"quarter": "2026-Q1"}).status_code == 404
    assert IndicatorReport.objects.count() == 0
