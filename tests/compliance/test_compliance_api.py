"""The compliance API (issue 15): a fixed number of queries at 10 and at 1,000 people
(must-show 6), scope for every role and API-key scope (another organisation's teams,
people and figures are not found or not counted), and field errors for bad input."""

from typing import Any

import pytest
from django.test import Client
from django.utils import timezone
from pytest_django import DjangoAssertNumQueries
from rest_framework.test import APIClient

from accounts.models import KeyScope, Role
from tests import factories
from tests.compliance import bulk
from tests.conftest import World
from tests.support.api import key_client

pytestmark = pytest.mark.django_db

# (path, query, queries for an org admin by session, for the team's manager).
# Signing in (2), the asker's memberships (1), their teams, organisations and learners
# (3), the standings (9); the pages' navigation asks an org admin one more (a team?).
# The people's rows are an audited read (issue 17): the organisation, the access log's row.
ENDPOINTS = [
    ("/api/v1/compliance/", {}, 15, 15),
    ("/api/v1/compliance/", {"format": "csv"}, 15, 15),
    ("/api/v1/compliance/people/", {}, 17, 17),
    ("/api/v1/compliance/people/", {"team": "TEAM", "page_size": "200"}, 17, 17),
    ("/api/v1/compliance/people/", {"format": "csv", "state": "overdue"}, 17, 17),
    ("/compliance/", {}, 16, 15),
    ("/compliance/teams/TEAM/", {}, 16, 15),
]


def _session(user: Any) -> APIClient:
    client = APIClient()
    client.force_login(user)
    return client


@pytest.mark.parametrize("people", [10, 1000])
@pytest.mark.parametrize(("path", "query", "admin_queries", "manager_queries"), ENDPOINTS)
def test_the_compliance_endpoints_keep_a_fixed_query_count(
    django_assert_num_queries: DjangoAssertNumQueries,
    people: int,
    path: str,
    query: dict[str, str],
    admin_queries: int,
    manager_queries: int,
) -> None:
    sized = bulk.build(people)
    path = path.replace("TEAM", str(sized.team.pk))
    query = {name: value.replace("TEAM", str(sized.team.pk)) for name, value in query.items()}
    askers = [(_session(sized.admin), admin_queries), (_session(sized.manager), manager_queries)]
    if path.startswith("/api/"):
        # A key: its own lookup (1) instead of the session, the user and the memberships.
        askers.append((key_client(sized.organisation), admin_queries - 2))
    for client, expected in askers:
        with django_assert_num_queries(expected):
            response = client.get(path, query)
        assert response.status_code == 200, (path, response.content[:300])
    if path == "/api/v1/compliance/people/" and not query:
        assert response.json()["count"] == people + people * 4 // 5 + people


@pytest.fixture
def scoped(world: World) -> World:
    """Both organisations require a module of everyone; X's learner A also works for Y
    (a learner of Y's team) and completed it under Y only; Y's learner is overdue."""
    module = factories.ModuleFactory.create()
    for organisation in (world.org_x, world.org_y):
        factories.TrainingRequirementFactory.create(organisation=organisation, module=module)
    factories.MembershipFactory.create(user=world.x_learner_a, team=world.y_team_a)
    factories.EnrolmentFactory.create(
        learner=world.x_learner_a,
        module=module,
        organisation=world.org_y,
        team=world.y_team_a,
        status="completed",
        completed_at=timezone.now(),
    )
    return world


def _clients(world: World) -> dict[str, APIClient]:
    return {
        "org_admin": _session(world.x_admin),
        "manager": _session(world.x_manager_a),
        "read_key": key_client(world.org_x, KeyScope.READ),
        "write_key": key_client(world.org_x, KeyScope.READ_WRITE),
    }


def _rows(client: APIClient, **query: Any) -> list[tuple[int, int, str]]:
    response = client.get("/api/v1/compliance/people/", query)
    assert response.status_code == 200, response.content
    return [(r["organisation"], r["person"], r["state"]) for r in response.json()["results"]]


def test_each_role_and_key_counts_its_own_organisation_or_teams_only(scoped: World) -> None:
    world = scoped
    x_people = {world.x_learner_a.pk, world.x_learner_b.pk}
    for role, client in _clients(world).items():
        body = client.get("/api/v1/compliance/").json()
        [organisation] = body["organisations"]
        assert organisation["id"] == world.org_x.pk, role
        rows = _rows(client)
        assert {organisation for organisation, _, _ in rows} == {world.org_x.pk}, role
        # X counts its own records: A's completion under Y does not make A compliant in X.
        assert set(rows) <= {(world.org_x.pk, person, "not_started") for person in x_people}
        expected = {world.x_learner_a.pk} if role == "manager" else x_people
        assert {person for _, person, _ in rows} == expected, role
        assert organisation["figures"]["people"] == len(expected), role
        team_ids = [team["id"] for team in organisation["teams"]]
        assert team_ids == (
            [world.x_team_a.pk] if role == "manager" else [world.x_team_a.pk, world.x_team_b.pk]
        ), role
        csv = client.get("/api/v1/compliance/", {"format": "csv"}).content.decode("utf-8-sig")
        assert "Organisation Y" not in csv and "Y team A" not in csv, role
        people_csv = client.get("/api/v1/compliance/people/", {"format": "csv"})
        assert world.y_learner.full_name not in people_csv.content.decode("utf-8-sig"), role
        # Another organisation's team, organisation or person: not found, or nobody.
        for query in ({"team": world.y_team_a.pk}, {"organisation": world.org_y.pk}):
            for path in ("/api/v1/compliance/people/", "/api/v1/compliance/"):
                if path == "/api/v1/compliance/" and "team" in query:
                    continue
                response = client.get(path, query)
                assert response.status_code == 404, (role, path, query)
                assert response.json()["error"]["code"] == "not_found"
        assert _rows(client, person=world.y_learner.pk) == [], role
        if role == "manager":
            response = client.get("/api/v1/compliance/people/", {"team": world.x_team_b.pk})
            assert response.status_code == 404


def test_the_other_organisation_counts_its_own(scoped: World) -> None:
    world = scoped
    client = _session(world.y_admin)
    rows = _rows(client)
    assert sorted(rows) == sorted(
        [
            (world.org_y.pk, world.x_learner_a.pk, "compliant"),
            (world.org_y.pk, world.y_learner.pk, "not_started"),
        ]
    )


@pytest.mark.parametrize("role", ["learner", "assessor", "nobody"])
def test_learners_assessors_and_people_of_no_organisation_have_no_figures(
    scoped: World, role: str
) -> None:
    world = scoped
    user = {
        "learner": world.x_learner_a,
        "assessor": world.x_assessor_a,
        "nobody": factories.UserFactory.create(),
    }[role]
    client = _session(user)
    for path in ("/api/v1/compliance/", "/api/v1/compliance/people/"):
        response = client.get(path)
        assert response.status_code == 404, (role, path)
        assert response.json()["error"]["code"] == "not_found"
        assert client.get(path, {"format": "csv"}).status_code == 404
    page = Client()
    page.force_login(user)
    for path in ("/compliance/", f"/compliance/teams/{world.x_team_a.pk}/"):
        assert page.get(path).status_code == 404, (role, path)


def test_signed_out_is_401(scoped: World) -> None:
    for path in ("/api/v1/compliance/", "/api/v1/compliance/people/"):
        assert APIClient().get(path).status_code == 401


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ({"state": "lapsed"}, "state"),
        ({"team": "abc"}, "team"),
        ({"team": "0"}, "team"),
        ({"organisation": "1" * 30}, "organisation"),
        ({"person": ""}, "person"),
        ({"page": "0"}, "page"),
        ({"page_size": "201"}, "page_size"),
    ],
)
def test_bad_input_is_a_field_error(scoped: World, query: dict[str, str], field: str) -> None:
    response = _session(scoped.x_admin).get("/api/v1/compliance/people/", query)
    assert response.status_code == 400, response.content
    assert list(response.json()["error"]["fields"]) == [field]


def test_rows_are_paginated_like_the_other_lists(scoped: World) -> None:
    client = _session(scoped.x_admin)
    body = client.get("/api/v1/compliance/people/", {"page_size": 1}).json()
    assert body["count"] == 2 and len(body["results"]) == 1 and body["next"]
    assert client.get("/api/v1/compliance/people/", {"page": 3, "page_size": 1}).status_code == 404


def test_a_manager_of_two_organisations_sees_each_and_can_narrow(scoped: World) -> None:
    world = scoped
    factories.MembershipFactory.create(
        user=world.x_manager_a, team=world.y_team_a, role=Role.MANAGER
    )
    client = _session(world.x_manager_a)
    body = client.get("/api/v1/compliance/").json()
    assert [o["id"] for o in body["organisations"]] == [world.org_x.pk, world.org_y.pk]
    narrowed = client.get("/api/v1/compliance/", {"organisation": world.org_y.pk}).json()
    assert [o["id"] for o in narrowed["organisations"]] == [world.org_y.pk]
