"""One JSON error shape everywhere in the API, with field errors; never a 500 for bad input."""

from collections.abc import Callable

from rest_framework.test import APIClient

from accounts.models import User
from tests.conftest import World


def test_field_errors_come_back_per_field(
    world: World, client_for: Callable[[User], APIClient]
) -> None:
    response = client_for(world.x_admin).post(
        "/api/v1/people/", {"organisation": "x", "email": "not-an-email"}
    )

    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "invalid" and error["status"] == 400
    assert set(error["fields"]) == {"organisation", "email", "full_name"}


def test_business_rule_errors_use_the_same_shape(
    world: World, client_for: Callable[[User], APIClient]
) -> None:
    client = client_for(world.x_admin)
    body = {"organisation": world.org_x.pk, "name": "X team A"}

    response = client.post("/api/v1/teams/", body)

    assert response.status_code == 409
    assert response.json()["error"]["fields"] == {"name": ["Already in use."]}


def test_membership_rules_are_field_errors(
    world: World, client_for: Callable[[User], APIClient]
) -> None:
    client = client_for(world.x_admin)
    body = {"user": world.x_learner_a.pk, "organisation": world.org_x.pk, "role": "manager"}

    no_team = client.post("/api/v1/memberships/", body)
    foreign_team = client.post("/api/v1/memberships/", {**body, "team": world.y_team_a.pk})

    assert no_team.status_code == 400 and no_team.json()["error"]["fields"] == {
        "team": ["Required."]
    }
    # Another organisation's team answers like a missing one (issue 11): 404, naming the field.
    assert foreign_team.status_code == 404
    assert foreign_team.json()["error"]["fields"] == {"team": ["No such team."]}


def test_unknown_api_url_is_json_404(world: World, client_for: Callable[[User], APIClient]) -> None:
    response = client_for(world.x_admin).get("/api/v1/no-such-thing/")

    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"


def test_malformed_json_is_a_400(world: World, client_for: Callable[[User], APIClient]) -> None:
    response = client_for(world.x_admin).post(
        "/api/v1/teams/", data="{not json", content_type="application/json"
    )

    assert response.status_code == 400
    assert response.json()["error"]["code"] == "parse_error"


def test_me_describes_the_signed_in_person(
    world: World, client_for: Callable[[User], APIClient]
) -> None:
    response = client_for(world.x_manager_a).get("/api/v1/me/")

    body = response.json()
    assert body["email"] == world.x_manager_a.email
    assert body["memberships"] == [
        {
            "organisation": world.org_x.pk,
            "organisation_name": "Organisation X",
            "team": world.x_team_a.pk,
            "team_name": "X team A",
            "role": "manager",
        }
    ]
