"""SCIM's own error format and the token (RFC 7644 §3.12): every refusal is a SCIM Error
in application/scim+json, never a 500, and one organisation's token reaches nothing of
another's (404, as a missing one)."""

import pytest
from django.test import Client

from accounts.models import Membership
from provisioning.models import ProvisionedUser
from tests.provisioning.conftest import GROUP, PATCH, USER, Scim

ERROR = "urn:ietf:params:scim:api:messages:2.0:Error"


@pytest.mark.parametrize("header", [None, "Bearer nope.nope", "Basic abc", "Bearer"])
def test_without_a_valid_token_every_endpoint_answers_401(db: None, header: str | None) -> None:
    client = Client(headers={"Authorization": header} if header else {})

    response = client.get("/scim/v2/Users")

    assert response.status_code == 401
    assert response["Content-Type"] == "application/scim+json"
    assert response["WWW-Authenticate"] == 'Bearer realm="Hearth SCIM"'
    assert response.json()["schemas"] == [ERROR]


def test_a_revoked_token_is_refused(scim_a: Scim, org_a: object) -> None:
    from provisioning.models import ProvisioningToken

    ProvisioningToken.objects.update(revoked=True)

    assert scim_a.send("GET", "Users").status_code == 401


@pytest.mark.parametrize(
    ("method", "path", "body", "status", "scim_type"),
    [
        ("POST", "Users", "not json", 400, None),
        ("POST", "Users", ["a list"], 400, None),
        ("POST", "Users", {"schemas": [USER], "userName": "x"}, 400, None),
        (
            "POST",
            "Users",
            {"schemas": [USER], "userName": "x", "emails": [{"value": "no"}]},
            400,
            "invalidValue",
        ),
        ("POST", "Groups", {"schemas": [GROUP]}, 400, None),
        (
            "POST",
            "Groups",
            {"schemas": [GROUP], "displayName": "T", "members": [{"value": "x"}]},
            400,
            "invalidValue",
        ),
        ("GET", "Users?filter=userName eq", None, 400, "invalidFilter"),
        ("GET", "Users?count=many", None, 400, "invalidValue"),
        ("GET", "Users/not-a-uuid", None, 404, None),
        ("GET", "Nowhere", None, 404, None),
        ("PUT", "ServiceProviderConfig", None, 405, None),
    ],
)
def test_bad_input_answers_a_scim_error_never_a_500(
    scim_a: Scim, method: str, path: str, body: object, status: int, scim_type: str | None
) -> None:
    if isinstance(body, str):
        response = scim_a.client.generic(method, f"/scim/v2/{path}", body, "application/scim+json")
    else:
        response = scim_a.send(method, path, body)

    assert response.status_code == status, response.content
    assert response["Content-Type"] == "application/scim+json"
    error = response.json()
    assert error["schemas"] == [ERROR]
    assert error["status"] == str(status)
    if scim_type:
        assert error["scimType"] == scim_type
    assert not ProvisionedUser.objects.exists()


def test_one_organisations_token_gets_404_for_anothers_users_and_groups(
    scim_a: Scim, scim_b: Scim
) -> None:
    theirs = scim_b.create_user("pat", "pat@hillside.example")
    their_group = scim_b.create_group("Day Team", [theirs["id"]])

    for method in ("GET", "DELETE"):
        assert scim_a.send(method, f"Users/{theirs['id']}").status_code == 404
        assert scim_a.send(method, f"Groups/{their_group['id']}").status_code == 404
    assert (
        scim_a.patch(
            f"Users/{theirs['id']}", {"op": "replace", "path": "active", "value": False}
        ).status_code
        == 404
    )
    assert scim_a.send("GET", "Users").json()["totalResults"] == 0
    assert scim_a.send("GET", "Groups").json()["totalResults"] == 0
    searched = scim_a.send(
        "POST", ".search", {"schemas": ["urn:ietf:params:scim:api:messages:2.0:SearchRequest"]}
    )
    assert (searched.status_code, searched.json()["totalResults"]) == (200, 0)
    # Their person cannot be put into our group either: not found, nothing made.
    response = scim_a.send(
        "POST",
        "Groups",
        {"schemas": [GROUP], "displayName": "Ours", "members": [{"value": theirs["id"]}]},
    )
    assert response.status_code == 400
    assert Membership.including_pending.filter(user__email="pat@hillside.example").count() == 1
    assert scim_b.send("GET", f"Users/{theirs['id']}").status_code == 200
    assert ProvisionedUser.objects.get(scim_id=theirs["id"]).active is True


# Odd bodies and queries a client might send; none may answer a 500, every answer is SCIM's.
BODIES: list[object] = [
    None,
    1,
    "x",
    [],
    {},
    {"schemas": []},
    {"schemas": [USER]},
    {"schemas": [USER], "userName": 5},
    {"schemas": [USER], "userName": "a", "emails": "x"},
    {"schemas": [USER], "userName": "a", "emails": [{"value": 3}]},
    {"schemas": [USER], "userName": "a", "emails": [{"value": "a@b.example"}], "id": "x"},
    {"schemas": [USER], "userName": "a", "emails": [{"value": "a@b.example"}], "active": "maybe"},
    {"schemas": [USER], "userName": "a" * 300, "emails": [{"value": "a@b.example"}]},
    {"schemas": [USER], "userName": "a", "emails": [{"value": "a@b.example"}], "name": "flat"},
    {"schemas": [PATCH], "Operations": [{"op": "bogus", "path": "x"}]},
    {"schemas": [PATCH], "Operations": [{"op": "replace", "path": "nope", "value": 1}]},
    {"schemas": [PATCH], "Operations": [{"op": "replace", "path": "emails[", "value": 1}]},
    {
        "schemas": [PATCH],
        "Operations": [{"op": "replace", "value": {"active": False, "urn:x:y": 1}}],
    },
    {
        "schemas": [PATCH],
        "Operations": [{"op": "add", "path": "members", "value": [{"value": "nope"}]}],
    },
    {"schemas": [PATCH], "Operations": [{"op": "replace", "path": "id", "value": "x"}]},
    {"schemas": [GROUP], "displayName": ""},
    {"schemas": [GROUP], "displayName": "x" * 300},
    {"schemas": [GROUP], "displayName": "G", "members": [{"value": None}]},
]
QUERIES = [
    "?startIndex=0",
    "?startIndex=-5&count=-1",
    "?count=100000",
    "?filter=nope eq 1",
    '?filter=userName co "a"',
    '?filter=emails[type eq "work"].value eq "x"',
    "?attributes=nope",
    "?excludedAttributes=,,",
    "?filter=(((",
    "?sortBy=userName",
    '?filter=meta.created gt "2020"',
]


def test_odd_bodies_and_queries_never_answer_500(scim_a: Scim) -> None:
    user = scim_a.create_user("base", "base@x.example")
    group = scim_a.create_group("G0", [user["id"]])
    paths = ["Users", "Groups", f"Users/{user['id']}", f"Groups/{group['id']}", ".search"]
    answered = []
    for path in paths:
        for method in ("POST", "PUT", "PATCH"):
            answered += [(method, path, scim_a.send(method, path, body)) for body in BODIES]
        answered += [("GET", path + query, scim_a.send("GET", path + query)) for query in QUERIES]

    wrong = [
        (method, path, response.status_code)
        for method, path, response in answered
        if response.status_code >= 500
        or (response.status_code != 204 and response["Content-Type"] != "application/scim+json")
    ]
    assert len(answered) == 5 * (3 * len(BODIES) + len(QUERIES))
    assert wrong == []
