"""The team matrix API and CSV: scope, fixed query counts, agreement (issue 4)."""

import csv
import datetime
import io
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from rest_framework.test import APIClient

from accounts.models import Team, User
from competencies.matrix import cell_text
from competencies.models import Assessment
from competencies.services import valid_until_for
from competencies.states import Cell, State
from tests.conftest import World
from tests.factories import AssessmentFactory
from tests.support.competencies import cells_of, make_framework, team_with_learners

# session, user, actor memberships, the team's members (with the team), competencies,
# requirements, assessments
MATRIX_QUERIES = 7


def _fill(world: World, people: int, competencies: int) -> tuple[Team, list[int]]:
    team, learners, comps = team_with_learners(world, people, competencies)
    now = timezone.now()
    Assessment.objects.bulk_create(
        AssessmentFactory.build(
            learner=learner,
            competency=competency,
            assessor=world.x_assessor_a,
            organisation=world.org_x,
            outcome="competent" if (i + j) % 4 else "not_yet_competent",
            level=competency.level,
            assessed_at=now,
            valid_until=valid_until_for(competency, now.date()),
        )
        for i, learner in enumerate(learners)
        for j, competency in enumerate(comps)
        if (i * j) % 3 != 1
    )
    return team, [c.pk for c in comps]


def _count(client: APIClient, url: str, **params: Any) -> tuple[int, Any]:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url, params)
    assert response.status_code == 200, response.content
    return len(captured), response


@pytest.mark.parametrize(("people", "competencies"), [(5, 5), (50, 30)])
def test_matrix_api_and_csv_run_a_fixed_number_of_queries(
    world: World, client_for: Callable[[User], APIClient], people: int, competencies: int
) -> None:
    team, _ = _fill(world, people, competencies)
    manager = client_for(world.x_manager_a)
    url = f"/api/v1/teams/{team.pk}/matrix/"

    api_queries, response = _count(manager, url)
    csv_queries, _ = _count(manager, url, format="csv")

    body = response.json()
    assert len(body["people"]) == people and len(body["competencies"]) == competencies
    # The CSV also writes its row in the access log (issue 17).
    assert (api_queries, csv_queries) == (MATRIX_QUERIES, MATRIX_QUERIES + 1)


def _text(cell: dict[str, Any]) -> str:
    """The CSV's (and the page's) words for an API cell."""
    valid_until = cell["valid_until"] and datetime.date.fromisoformat(cell["valid_until"])
    return cell_text(
        Cell(State(cell["state"]), cell["level"], valid_until or None, None),
        cell["required_level"],
    )


def test_csv_and_api_agree_cell_for_cell(
    world: World, client_for: Callable[[User], APIClient]
) -> None:
    team, _ = _fill(world, 8, 6)
    manager = client_for(world.x_manager_a)
    url = f"/api/v1/teams/{team.pk}/matrix/"

    body = manager.get(url).json()
    response = manager.get(url, {"format": "csv"})
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))

    assert response["Content-Type"].startswith("text/csv")
    assert rows[0] == ["Person", "Roles", *(c["code"] for c in body["competencies"]), "Still needs"]
    assert len(rows) == len(body["people"]) + 1
    for row, person in zip(rows[1:], body["people"], strict=True):
        assert row[0] == person["full_name"]
        assert row[2:-1] == [_text(cell) for cell in cells_of(person)]
        assert row[-1] == " ".join(person["missing"])


def test_gaps_and_filters(world: World, client_for: Callable[[User], APIClient]) -> None:
    team, _ = _fill(world, 6, 6)
    manager = client_for(world.x_manager_a)
    url = f"/api/v1/teams/{team.pk}/matrix/"

    full = manager.get(url).json()
    required = manager.get(url, {"required_only": "true"}).json()
    level_two = manager.get(url, {"level": 2}).json()
    not_yet = manager.get(url, {"state": "not_yet_competent"}).json()

    assert len(required["competencies"]) == 3
    assert {c["level"] for c in level_two["competencies"]} == {2}
    assert all(
        any(c["state"] == "not_yet_competent" for c in cells_of(p)) for p in not_yet["people"]
    )
    for gap in full["gaps"]:
        column = [
            cells_of(p)[[c["id"] for c in full["competencies"]].index(gap["competency"])]
            for p in full["people"]
        ]
        required_cells = [c for c in column if c["required_level"] is not None]
        assert gap["required_count"] == len(required_cells)
        assert gap["not_met"] == sum(
            c["state"] not in ("competent", "expiring_soon") for c in required_cells
        )
    assert sum(d["total"] for d in full["domains"]) == 6 * 6
    assert manager.get(url, {"state": "fabulous"}).status_code == 400
    assert manager.get(url, {"format": "csv", "level": "9"}).status_code == 400


def test_matrix_is_404_outside_the_managers_teams(
    world: World, client_for: Callable[[User], APIClient]
) -> None:
    make_framework(2)

    assert (
        client_for(world.x_manager_a).get(f"/api/v1/teams/{world.x_team_b.pk}/matrix/").status_code
        == 404
    )
    assert (
        client_for(world.x_manager_a)
        .get(f"/api/v1/teams/{world.y_team_a.pk}/matrix/", {"format": "csv"})
        .status_code
        == 404
    )
    assert (
        client_for(world.y_admin).get(f"/api/v1/teams/{world.x_team_a.pk}/matrix/").status_code
        == 404
    )
    assert (
        client_for(world.x_learner_a).get(f"/api/v1/teams/{world.x_team_a.pk}/matrix/").status_code
        == 404
    )
    assert (
        client_for(world.x_assessor_a).get(f"/api/v1/teams/{world.x_team_a.pk}/matrix/").status_code
        == 404
    )
    assert (
        client_for(world.x_admin).get(f"/api/v1/teams/{world.x_team_b.pk}/matrix/").status_code
        == 200
    )
    assert (
        client_for(world.x_manager_a)
        .get(f"/api/v1/teams/{world.x_team_b.pk}/requirements/")
        .status_code
        == 404
    )
    assert client_for(world.x_manager_a).post(
        f"/api/v1/teams/{world.y_team_a.pk}/requirements/", {"competency": 1, "level": 1}
    ).status_code in (400, 404)
