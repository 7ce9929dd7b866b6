"""The OpenAPI schema tells the truth (issue 11), and API input is checked before any
query runs (issue 12): every error status documented, ids in range, strict query
values, identical answers for out-of-scope and missing ids, key scopes on every write."""

import re
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from drf_spectacular.generators import SchemaGenerator
from rest_framework.test import APIClient

from accounts.models import KeyScope, OrganisationAPIKey, User
from core.permissions import ID_MESSAGE
from tests.conftest import World

WRITE_METHODS = {"post", "put", "patch", "delete"}
BAD_IDS = ["abc", "-1", "0", "1" * 30]


@pytest.fixture(scope="module")
def schema() -> dict[str, Any]:
    return SchemaGenerator().get_schema(request=None, public=True)


def _operations(schema: dict[str, Any]) -> Iterator[tuple[str, str, dict[str, Any]]]:
    for path, item in schema["paths"].items():
        for method, operation in item.items():
            if method in {"get", "post", "put", "patch", "delete"}:
                yield path, method, operation


def _needs_auth(operation: dict[str, Any]) -> bool:
    return {} not in operation.get("security", [{}])


def _key_client(world: World, scope: str) -> APIClient:
    _, key = OrganisationAPIKey.objects.create_key(
        name=f"{scope} key", organisation=world.org_x, scope=scope, created_by=world.x_admin
    )
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Api-Key {key}")
    return client


def test_every_operation_documents_its_errors_in_the_one_shape(schema: dict[str, Any]) -> None:
    error_ref = {"$ref": "#/components/schemas/Error"}
    for path, method, operation in _operations(schema):
        responses = operation["responses"]
        parameters = operation.get("parameters", [])
        label = f"{method.upper()} {path}"
        if _needs_auth(operation):
            assert "401" in responses, label
        if method in WRITE_METHODS:
            assert {"403", "409"} <= set(responses), label
        if any(p["in"] == "path" for p in parameters):
            assert "404" in responses, label
        if operation.get("requestBody") or any(p["in"] == "query" for p in parameters):
            assert {"400", "404"} <= set(responses), label
        assert "503" in responses, label
        for status, response in responses.items():
            if status[0] in "45" and status != "429":
                assert response["content"]["application/json"]["schema"] == error_ref, (
                    label,
                    status,
                )
    verify = schema["paths"]["/api/v1/verify/{code}/"]["get"]["responses"]
    assert {"404", "429"} <= set(verify) and "401" not in verify


def test_ids_in_paths_are_integers_from_one(schema: dict[str, Any]) -> None:
    for path, method, operation in _operations(schema):
        for parameter in operation.get("parameters", []):
            if parameter["in"] == "path" and parameter["name"] != "code":
                if parameter["name"] == "prefix":
                    continue
                assert parameter["schema"]["type"] == "integer", (method, path, parameter)
                assert parameter["schema"]["minimum"] == 1, (method, path, parameter)


def test_nullable_names_are_marked_nullable(schema: dict[str, Any]) -> None:
    components = schema["components"]["schemas"]

    assert components["Assessment"]["properties"]["assessor_name"]["nullable"] is True
    assert components["Membership"]["properties"]["team_name"]["nullable"] is True


def test_an_org_admins_membership_shows_a_null_team_name(
    world: World, client_for: Callable[[User], APIClient]
) -> None:
    response = client_for(world.x_admin).get(f"/api/v1/memberships/?user={world.x_admin.pk}")

    assert response.status_code == 200
    assert [row["team_name"] for row in response.json()["results"]] == [None]


@pytest.mark.parametrize(
    "query",
    ["page_size=null", "page_size=0", "page_size=201", "page=abc", "page=0", "page_size=1.5"],
)
def test_bad_pagination_is_a_400(
    world: World, client_for: Callable[[User], APIClient], query: str
) -> None:
    response = client_for(world.x_admin).get(f"/api/v1/teams/?{query}")

    assert response.status_code == 400
    assert list(response.json()["error"]["fields"]) == [query.split("=")[0]]


def test_a_page_past_the_last_is_a_404(
    world: World, client_for: Callable[[User], APIClient]
) -> None:
    response = client_for(world.x_admin).get("/api/v1/teams/?page=99")

    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/stats/completions/?to=",
        "/api/v1/enrolments/?overdue=null",
        "/api/v1/enrolments/?team=1&team=2",
        "/api/v1/certificates/?issued_before=",
        "/api/v1/people/?search=",
        "/api/v1/indicators/?quarter=0000-Q1",
        f"/api/v1/enrolments/?team={'1' * 30}",
        f"/api/v1/stats/completions/?module={'1' * 30}",
        "/api/v1/stats/completions/?group_by=module,%20month",
    ],
)
def test_empty_repeated_or_wrong_query_values_are_a_400(
    world: World, client_for: Callable[[User], APIClient], url: str
) -> None:
    response = client_for(world.x_admin).get(url)

    assert response.status_code == 400
    assert response.json()["error"]["code"] == "invalid"


def test_a_garbled_authorization_header_is_refused_even_with_a_session(
    world: World, client_for: Callable[[User], APIClient]
) -> None:
    client = client_for(world.x_admin)

    for header in ["", "Bearer abc", "Api-Key"]:
        response = client.get("/api/v1/me/", HTTP_AUTHORIZATION=header)
        assert response.status_code == 401, header


def test_every_path_id_walked_with_bad_values_is_a_400(
    world: World, client_for: Callable[[User], APIClient], schema: dict[str, Any]
) -> None:
    """Issue 12: `abc`, `-1`, `0` and a 30-digit number in any id of any path: a 400 in the
    error shape before any query, on PostgreSQL and SQLite alike; never a 500."""
    client = client_for(world.x_admin)
    for path, method, _ in _operations(schema):
        names = re.findall(r"{(\w+)}", path)
        for name in names:
            if name in {"code", "prefix"}:
                continue
            for bad in BAD_IDS:
                url = path
                for other in names:
                    url = url.replace("{" + other + "}", bad if other == name else "1")
                response = getattr(client, method)(url)
                assert response.status_code == 400, (method, url, response.content)
                assert response.json()["error"]["fields"] == {name: [ID_MESSAGE]}, (method, url)


FILTERS_TAKING_IDS = [
    ("/api/v1/memberships/", "user", "y_learner"),
    ("/api/v1/memberships/", "team", "y_team_a"),
    ("/api/v1/memberships/", "organisation", "org_y"),
    ("/api/v1/teams/", "organisation", "org_y"),
    ("/api/v1/assessments/", "learner", "y_learner"),
    ("/api/v1/reminders/", "person", "y_learner"),
    ("/api/v1/people/", "team", "y_team_a"),
    ("/api/v1/enrolments/", "learner", "y_learner"),
    ("/api/v1/enrolments/", "team", "y_team_a"),
    ("/api/v1/certificates/", "learner", "y_learner"),
]


@pytest.mark.parametrize(("url", "name", "foreign"), FILTERS_TAKING_IDS)
def test_out_of_scope_and_missing_filter_ids_answer_alike(
    world: World, client_for: Callable[[User], APIClient], url: str, name: str, foreign: str
) -> None:
    """Issue 12: no existence oracle: another organisation's id and an id that names
    nothing give identical responses."""
    client = client_for(world.x_admin)
    foreign_id = getattr(world, foreign).pk

    out_of_scope = client.get(f"{url}?{name}={foreign_id}")
    missing = client.get(f"{url}?{name}=999999999")

    assert out_of_scope.status_code == missing.status_code == 200
    assert (
        out_of_scope.json()
        == missing.json()
        == {
            "count": 0,
            "next": None,
            "previous": None,
            "results": [],
        }
    )


def test_every_write_with_a_read_only_key_is_a_403(world: World, schema: dict[str, Any]) -> None:
    """Issue 12: key scopes are enforced in one place, before any write runs."""
    client = _key_client(world, KeyScope.READ)
    for path, method, operation in _operations(schema):
        if method not in WRITE_METHODS or not _needs_auth(operation):
            continue
        url = re.sub(r"{\w+}", "1", path.replace("{prefix}", "abcdefgh"))
        response = getattr(client, method)(url, {}, format="json")
        assert response.status_code == 403, (method, url, response.content)
        assert response.json()["error"]["code"] == "read_only", (method, url)


def test_a_30_digit_id_in_a_body_is_a_400(
    world: World, client_for: Callable[[User], APIClient]
) -> None:
    body = {"user": int("1" * 30), "organisation": world.org_x.pk, "role": "assessor"}

    response = client_for(world.x_admin).post("/api/v1/memberships/", body, format="json")

    assert response.status_code == 400
    assert list(response.json()["error"]["fields"]) == ["user"]
