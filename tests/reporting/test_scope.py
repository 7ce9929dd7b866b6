"""Who sees which figures (issue 7, must show 2): an organisation's key and admins see only
that organisation, a manager only their teams; another organisation's filters are not
found; learners, assessors and strangers get 404 from every statistics endpoint; only
a partnership's viewers see its figures. Anonymous callers must authenticate."""

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import cast

import pytest
from django.core.files.base import ContentFile
from django.http import StreamingHttpResponse
from rest_framework.test import APIClient

from accounts.models import KeyScope, Partnership, User
from reporting.models import IndicatorReport, ReportStatus
from tests.conftest import World
from tests.factories import EnrolmentFactory, ModuleFactory, PartnershipFactory, UserFactory
from tests.support.api import key_client
from training.models import Module

STATS = "/api/v1/stats/completions/"
COMPETENCIES = "/api/v1/stats/competencies/"


@dataclass
class Setting:
    world: World
    partnership: Partnership
    viewer: User
    module_y: Module
    report_x: IndicatorReport
    report_p: IndicatorReport


@pytest.fixture
def setting(world: World) -> Setting:
    shared = ModuleFactory.create(slug="shared")
    module_y = ModuleFactory.create(slug="y-own", organisation=world.org_y)
    for learner, organisation, team in (
        (world.x_learner_a, world.org_x, world.x_team_a),
        (world.x_learner_b, world.org_x, world.x_team_b),
        (world.y_learner, world.org_y, world.y_team_a),
    ):
        EnrolmentFactory.create(
            learner=learner, module=shared, organisation=organisation, team=team
        )
    viewer = UserFactory.create()
    partnership = PartnershipFactory.create(
        name="P", organisations=[world.org_x, world.org_y], viewers=[viewer]
    )
    report_x = IndicatorReport.objects.create(
        organisation=world.org_x, quarter="2026-Q1", status=ReportStatus.READY
    )
    report_x.pdf.save("x.pdf", ContentFile(b"%PDF-1.7 x"), save=True)
    report_p = IndicatorReport.objects.create(
        partnership=partnership, quarter="2026-Q1", status=ReportStatus.READY
    )
    report_p.pdf.save("p.pdf", ContentFile(b"%PDF-1.7 p"), save=True)
    return Setting(world, partnership, viewer, module_y, report_x, report_p)


def test_an_organisation_key_gets_only_its_own_organisation(setting: Setting) -> None:
    world = setting.world
    for scope in (KeyScope.READ, KeyScope.READ_WRITE):
        client = key_client(world.org_x, scope)

        body = client.get(STATS, {"group_by": "organisation,team"}).json()

        assert body["totals"]["enrolled"] == 2
        assert {row["organisation_id"] for row in body["rows"]} == {world.org_x.pk}
        assert {row["team_id"] for row in body["rows"]} == {world.x_team_a.pk, world.x_team_b.pk}
        assert body["scope"] == {
            "kind": "organisation",
            "organisations": [world.org_x.pk],
            "teams": [],
        }


def test_another_organisations_filters_are_not_found(setting: Setting) -> None:
    world = setting.world
    client = key_client(world.org_x)

    for url, params in (
        (STATS, {"team": world.y_team_a.pk}),
        (STATS, {"module": setting.module_y.pk}),
        (STATS, {"organisation": world.org_y.pk}),
        (COMPETENCIES, {"team": world.y_team_a.pk}),
        (COMPETENCIES, {"organisation": world.org_y.pk}),
        ("/api/v1/indicators/", {"organisation": world.org_y.pk}),
        (f"/api/v1/partnerships/{setting.partnership.pk}/stats/completions/", {}),
        (f"/api/v1/indicators/reports/{setting.report_p.pk}/", {}),
    ):
        response = client.get(url, params)
        assert response.status_code == 404, (url, params, response.content)
        assert response.json()["error"]["code"] == "not_found"
    other_sector = client.get(STATS, {"sector": "health", "group_by": "team"}).json()
    assert other_sector["rows"] == [] and other_sector["totals"]["enrolled"] == 0


def test_a_manager_sees_only_their_teams(
    setting: Setting, client_for: Callable[[User], APIClient]
) -> None:
    world = setting.world
    manager = client_for(world.x_manager_a)

    mine = manager.get(STATS, {"group_by": "team"}).json()
    sibling = manager.get(STATS, {"team": world.x_team_b.pk})
    whole_organisation = manager.get("/api/v1/indicators/", {"organisation": world.org_x.pk})
    competencies = manager.get(COMPETENCIES, {"group_by": "organisation"})

    assert [row["team_id"] for row in mine["rows"]] == [world.x_team_a.pk]
    assert mine["totals"]["enrolled"] == 1
    assert sibling.status_code == 404
    assert whole_organisation.status_code == 404
    assert competencies.status_code == 200


@pytest.mark.parametrize("who", ["x_learner_a", "x_assessor_a", "viewer"])
def test_people_without_statistics_get_404_everywhere(
    setting: Setting, client_for: Callable[[User], APIClient], who: str
) -> None:
    world = setting.world
    person = setting.viewer if who == "viewer" else getattr(world, who)
    client = client_for(person)

    codes = [
        client.get(STATS).status_code,
        client.get(COMPETENCIES).status_code,
        client.get("/api/v1/indicators/", {"organisation": world.org_x.pk}).status_code,
        client.get(f"/api/v1/indicators/reports/{setting.report_x.pk}/").status_code,
        client.get(f"/api/v1/indicators/reports/{setting.report_x.pk}/pdf/").status_code,
        client.post(
            "/api/v1/indicators/reports/", {"organisation": world.org_x.pk, "quarter": "2026-Q1"}
        ).status_code,
        client.get("/dashboard/").status_code if who != "viewer" else 404,
    ]

    assert codes == [404] * len(codes)


def test_only_a_partnerships_viewers_see_it(
    setting: Setting, client_for: Callable[[User], APIClient]
) -> None:
    world = setting.world
    partnership = setting.partnership
    urls = [
        f"/api/v1/partnerships/{partnership.pk}/stats/completions/",
        f"/api/v1/partnerships/{partnership.pk}/stats/competencies/",
        f"/api/v1/indicators/?partnership={partnership.pk}",
        f"/api/v1/indicators/reports/{setting.report_p.pk}/",
        f"/api/v1/indicators/reports/{setting.report_p.pk}/pdf/",
        f"/partnerships/{partnership.pk}/",
    ]
    viewer = client_for(setting.viewer)
    outsiders = [client_for(world.x_admin), client_for(world.y_admin), key_client(world.org_x)]

    assert [viewer.get(url).status_code for url in urls] == [200] * len(urls)
    assert viewer.get("/api/v1/partnerships/").json() == [
        {
            "id": partnership.pk,
            "name": "P",
            "organisations": [
                {"id": world.org_x.pk, "name": "Organisation X", "sector": "housing"},
                {"id": world.org_y.pk, "name": "Organisation Y", "sector": "housing"},
            ],
        }
    ]
    for outsider in outsiders:
        api_urls = urls[:-1] if outsider is outsiders[-1] else urls  # a key has no pages
        assert [outsider.get(url).status_code for url in api_urls] == [404] * len(api_urls)
        assert outsider.get("/api/v1/partnerships/").json() == []
    assert (
        viewer.get(f"/api/v1/partnerships/{partnership.pk + 1}/stats/completions/").status_code
        == 404
    )
    assert viewer.get(STATS).status_code == 404


def test_reports_of_an_organisation_are_for_its_admins_and_keys(
    setting: Setting, client_for: Callable[[User], APIClient]
) -> None:
    world = setting.world
    status_url = f"/api/v1/indicators/reports/{setting.report_x.pk}/"

    assert client_for(world.x_admin).get(status_url).status_code == 200
    assert key_client(world.org_x).get(status_url).status_code == 200
    download = cast(StreamingHttpResponse, key_client(world.org_x).get(status_url + "pdf/"))
    assert b"".join(cast(Iterable[bytes], download.streaming_content)) == b"%PDF-1.7 x"
    assert client_for(world.y_admin).get(status_url).status_code == 404
    assert key_client(world.org_y).get(status_url).status_code == 404
    assert client_for(world.x_manager_a).get(status_url).status_code == 404


def test_anonymous_callers_must_authenticate(setting: Setting, api: APIClient) -> None:
    for url in (STATS, COMPETENCIES, "/api/v1/indicators/", "/api/v1/partnerships/"):
        assert api.get(url).status_code == 401
    assert api.get("/dashboard/").status_code == 302
