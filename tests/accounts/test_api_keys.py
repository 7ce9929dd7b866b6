"""Issue 2, must show 5: API keys are hashed at rest, and a wrong or revoked key is refused."""

from collections.abc import Callable

import pytest
from django.db import connection
from rest_framework.test import APIClient

from accounts.models import OrganisationAPIKey, User
from tests.conftest import World


def _create_key(client: APIClient, world: World, scope: str = "read") -> dict[str, str]:
    response = client.post(
        "/api/v1/api-keys/", {"organisation": world.org_x.pk, "name": "BI nightly", "scope": scope}
    )
    assert response.status_code == 201, response.content
    return response.json()


def _database_text() -> str:
    """Every text value of every row in every table, to search for a leaked secret."""
    chunks: list[str] = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names():
            cursor.execute(f'SELECT * FROM "{table}"')  # noqa: S608 - names from introspection
            chunks.extend(str(value) for row in cursor.fetchall() for value in row)
    return "\n".join(chunks)


def test_key_is_shown_once_and_never_stored_in_plaintext(
    world: World, client_for: Callable[[User], APIClient]
) -> None:
    admin = client_for(world.x_admin)

    created = _create_key(admin, world)
    key = created["key"]
    prefix, secret = key.split(".")

    assert created["prefix"] == prefix
    stored = OrganisationAPIKey.objects.get(prefix=prefix)
    assert secret not in stored.hashed_key and key != stored.hashed_key
    assert secret not in _database_text()
    listed = admin.get(f"/api/v1/api-keys/{prefix}/").json()
    assert "key" not in listed
    assert secret not in admin.get("/api/v1/api-keys/").content.decode()
    assert stored.hashed_key not in admin.get("/api/v1/api-keys/").content.decode()


def test_a_valid_key_reads_its_organisation(
    world: World, client_for: Callable[[User], APIClient]
) -> None:
    key = _create_key(client_for(world.x_admin), world)["key"]
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Api-Key {key}")

    response = client.get("/api/v1/me/")

    assert response.status_code == 200
    assert [org["id"] for org in response.json()["organisations"]] == [world.org_x.pk]
    assert response.json()["can_write"] is False


def test_revoked_key_is_refused_on_the_very_next_request(
    world: World, client_for: Callable[[User], APIClient]
) -> None:
    admin = client_for(world.x_admin)
    created = _create_key(admin, world)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Api-Key {created['key']}")
    assert client.get("/api/v1/people/").status_code == 200

    revoked = admin.post(f"/api/v1/api-keys/{created['prefix']}/revoke/")
    response = client.get("/api/v1/people/")

    assert revoked.status_code == 200 and revoked.json()["revoked"] is True
    assert response.status_code == 401
    assert response.json()["error"] == {
        "status": 401,
        "code": "authentication_failed",
        "message": "This API key is not valid.",
        "fields": {},
    }
    assert response.headers["WWW-Authenticate"] == "Api-Key"


@pytest.mark.parametrize(
    "header",
    ["Api-Key nonsense", "Api-Key abcdefgh.0123456789abcdefghijABCDEFGHIJ12", "Api-Key a b"],
)
def test_wrong_key_gets_401_with_the_json_error_shape(
    api: APIClient, world: World, header: str
) -> None:
    api.credentials(HTTP_AUTHORIZATION=header)

    response = api.get("/api/v1/me/")

    assert response.status_code == 401
    assert response.json()["error"]["status"] == 401
    assert response.json()["error"]["code"] == "authentication_failed"


def test_key_in_the_query_string_is_refused(
    world: World, client_for: Callable[[User], APIClient]
) -> None:
    key = _create_key(client_for(world.x_admin), world)["key"]

    by_name = APIClient().get("/api/v1/me/", {"api_key": key})
    by_shape = APIClient().get("/api/v1/people/", {"q": key})

    assert by_name.status_code == 401 and by_shape.status_code == 401
    assert "Authorization header" in by_name.json()["error"]["message"]


def test_read_key_cannot_write_and_read_write_key_can(
    world: World, client_for: Callable[[User], APIClient]
) -> None:
    admin = client_for(world.x_admin)
    read_client, write_client = APIClient(), APIClient()
    read_client.credentials(HTTP_AUTHORIZATION=f"Api-Key {_create_key(admin, world)['key']}")
    write_key = _create_key(admin, world, scope="read_write")["key"]
    write_client.credentials(HTTP_AUTHORIZATION=f"Api-Key {write_key}")
    body = {"organisation": world.org_x.pk, "name": "Night shift"}

    refused = read_client.post("/api/v1/teams/", body)
    accepted = write_client.post("/api/v1/teams/", body)

    assert refused.status_code == 403 and refused.json()["error"]["code"] == "read_only"
    assert accepted.status_code == 201 and accepted.json()["name"] == "Night shift"


def test_only_org_admins_manage_keys_and_never_with_a_key(
    world: World, client_for: Callable[[User], APIClient]
) -> None:
    key = _create_key(client_for(world.x_admin), world, scope="read_write")["key"]
    key_client = APIClient()
    key_client.credentials(HTTP_AUTHORIZATION=f"Api-Key {key}")
    body = {"organisation": world.org_x.pk, "name": "mine"}

    assert client_for(world.x_manager_a).post("/api/v1/api-keys/", body).status_code == 404
    assert client_for(world.y_admin).post("/api/v1/api-keys/", body).status_code == 404
    assert key_client.post("/api/v1/api-keys/", body).status_code == 404
    assert key_client.get("/api/v1/api-keys/").json()["results"] == []
    other = client_for(world.y_admin).get("/api/v1/api-keys/").json()["results"]
    assert other == []
