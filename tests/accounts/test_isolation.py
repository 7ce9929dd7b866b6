"""Issue 2, must show 4: nobody sees another organisation's (or team's) people.

Every role, and an organisation API key, asks for every user, team and
membership of organisation Y: each answers 404 and no list contains them.
"""

from collections.abc import Callable

import pytest
from rest_framework.test import APIClient

from accounts.models import Membership, Team, User
from tests.conftest import World
from tests.support.api import key_client

ACTORS = ["x_admin", "x_manager_a", "x_assessor_a", "x_learner_a", "x_read_key"]


def _client(world: World, actor: str, client_for: Callable[[User], APIClient]) -> APIClient:
    if actor == "x_read_key":
        return key_client(world.org_x)
    return client_for(getattr(world, actor))


def _all_ids(client: APIClient, path: str) -> set[int]:
    ids: set[int] = set()
    url: str | None = path
    while url:
        response = client.get(url, {"page_size": 200} if url == path else None)
        assert response.status_code == 200, response.content
        ids |= {row["id"] for row in response.json()["results"]}
        url = response.json()["next"]
    return ids


@pytest.mark.parametrize("actor", ACTORS)
def test_other_organisations_people_teams_and_memberships_are_404_and_never_listed(
    world: World, actor: str, client_for: Callable[[User], APIClient]
) -> None:
    client = _client(world, actor, client_for)
    y_people = world.people_of(world.org_y)
    y_teams = list(Team.objects.filter(organisation=world.org_y))
    y_memberships = list(Membership.objects.filter(organisation=world.org_y))
    assert len(y_people) == 3 and len(y_teams) == 1 and len(y_memberships) == 3

    for person in y_people:
        response = client.get(f"/api/v1/people/{person.pk}/")
        assert response.status_code == 404
        assert response.json()["error"]["code"] == "not_found"
    for team in y_teams:
        assert client.get(f"/api/v1/teams/{team.pk}/").status_code == 404
    for membership in y_memberships:
        assert client.get(f"/api/v1/memberships/{membership.pk}/").status_code == 404
    assert client.get(f"/api/v1/organisations/{world.org_y.pk}/").status_code == 404

    assert not _all_ids(client, "/api/v1/people/") & {p.pk for p in y_people}
    assert not _all_ids(client, "/api/v1/teams/") & {t.pk for t in y_teams}
    assert not _all_ids(client, "/api/v1/memberships/") & {m.pk for m in y_memberships}
    assert world.org_y.pk not in _all_ids(client, "/api/v1/organisations/")
    filtered = client.get("/api/v1/people/", {"team": world.y_team_a.pk})
    assert filtered.json()["results"] == []


def test_manager_sees_exactly_their_team_and_not_the_next_team(
    world: World, client_for: Callable[[User], APIClient]
) -> None:
    client = client_for(world.x_manager_a)

    people = _all_ids(client, "/api/v1/people/")

    assert people == {world.x_manager_a.pk, world.x_assessor_a.pk, world.x_learner_a.pk}
    assert client.get(f"/api/v1/people/{world.x_learner_b.pk}/").status_code == 404
    assert client.get(f"/api/v1/teams/{world.x_team_b.pk}/").status_code == 404
    assert _all_ids(client, "/api/v1/teams/") == {world.x_team_a.pk}


def test_org_admin_sees_everyone_in_their_organisation_only(
    world: World, client_for: Callable[[User], APIClient]
) -> None:
    client = client_for(world.x_admin)

    people = _all_ids(client, "/api/v1/people/")

    assert people == {p.pk for p in world.people_of(world.org_x)}
    assert _all_ids(client, "/api/v1/teams/") == {world.x_team_a.pk, world.x_team_b.pk}


def test_learner_sees_only_themselves(
    world: World, client_for: Callable[[User], APIClient]
) -> None:
    client = client_for(world.x_learner_a)

    assert _all_ids(client, "/api/v1/people/") == {world.x_learner_a.pk}
    assert client.get(f"/api/v1/people/{world.x_manager_a.pk}/").status_code == 404


def test_org_admin_cannot_write_into_another_organisation(
    world: World, client_for: Callable[[User], APIClient]
) -> None:
    client = client_for(world.x_admin)
    before = Membership.objects.count()

    team = client.post("/api/v1/teams/", {"organisation": world.org_y.pk, "name": "Sneaky"})
    invite = client.post(
        "/api/v1/people/",
        {"organisation": world.org_y.pk, "email": "new@example.org", "full_name": "New Person"},
    )
    membership = client.post(
        "/api/v1/memberships/",
        {
            "user": world.x_learner_a.pk,
            "organisation": world.org_y.pk,
            "team": world.y_team_a.pk,
            "role": "learner",
        },
    )
    removal = client.delete(
        f"/api/v1/memberships/{Membership.objects.filter(user=world.y_learner).get().pk}/"
    )

    assert [team.status_code, invite.status_code, membership.status_code] == [404, 404, 404]
    assert removal.status_code == 404
    assert Membership.objects.count() == before
    assert not Team.objects.filter(name="Sneaky").exists()
    assert not User.objects.filter(email="new@example.org").exists()


def test_anonymous_requests_get_401_in_the_error_shape(api: APIClient, world: World) -> None:
    for path in ["/api/v1/me/", "/api/v1/people/", "/api/v1/teams/", "/api/v1/memberships/"]:
        response = api.get(path)
        assert response.status_code == 401
        assert response.json()["error"]["status"] == 401
