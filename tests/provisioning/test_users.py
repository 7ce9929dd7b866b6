"""SCIM Users (issue 16): a client creates, updates and deactivates the organisation's
people; an email with an account elsewhere is linked, never changed or shown."""

from accounts.models import Membership, MembershipStatus, Role, User
from provisioning.models import ProvisionedUser
from tests import factories
from tests.provisioning.conftest import USER, Provisioned, Scim


def test_a_new_person_is_created_with_an_account_and_read_back(
    scim_a: Scim, org_a: Provisioned
) -> None:
    created = scim_a.create_user(
        "pat@riverside.example",
        "Pat@Riverside.example",
        displayName="Pat Newcomer",
        title="Support worker",
        externalId="E-1",
    )

    user = User.objects.get(email="pat@riverside.example")
    assert (user.full_name, user.job_title, user.has_usable_password()) == (
        "Pat Newcomer",
        "Support worker",
        False,
    )
    record = ProvisionedUser.objects.get(organisation=org_a.organisation)
    assert (record.user, record.external_id, record.active) == (user, "E-1", True)
    response = scim_a.send("GET", f"Users/{created['id']}")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/scim+json"
    body = response.json()
    assert {k: body[k] for k in ("userName", "displayName", "title", "externalId", "emails")} == {
        "userName": "pat@riverside.example",
        "displayName": "Pat Newcomer",
        "title": "Support worker",
        "externalId": "E-1",
        "emails": [{"value": "Pat@Riverside.example"}],
    }
    assert body["meta"]["location"] == f"http://testserver/scim/v2/Users/{created['id']}"


def test_an_account_of_another_organisation_is_linked_and_left_unchanged(
    scim_a: Scim, org_b: Provisioned
) -> None:
    elsewhere = factories.MembershipFactory.create(
        team=factories.TeamFactory.create(organisation=org_b.organisation)
    )
    person = elsewhere.user
    name, password = person.full_name, person.password

    created = scim_a.create_user("p1", person.email, displayName="Someone Else")

    person.refresh_from_db()
    assert (person.full_name, person.password) == (name, password)
    assert created["displayName"] == "Someone Else"
    assert User.objects.filter(email=person.email).count() == 1
    assert ProvisionedUser.objects.get(scim_id=created["id"]).user == person


def test_a_group_member_becomes_a_learner_of_the_team_pending_and_invited(
    scim_a: Scim, org_a: Provisioned
) -> None:
    user = scim_a.create_user("pat", "pat@riverside.example")
    group = scim_a.create_group("Night Team", [user["id"]])

    membership = Membership.including_pending.select_related("team").get(
        user__email="pat@riverside.example"
    )
    assert (getattr(membership.team, "name", None), membership.role, membership.status) == (
        "Night Team",
        Role.LEARNER,
        MembershipStatus.PENDING,
    )
    assert membership.accepts_with_password is True
    assert group["members"] == [
        {
            "value": user["id"],
            "$ref": f"http://testserver/scim/v2/Users/{user['id']}",
            "type": "User",
        }
    ]


def test_active_false_ends_the_memberships_and_still_reads_back_and_true_brings_them_back(
    scim_a: Scim, org_a: Provisioned
) -> None:
    user = scim_a.create_user("pat", "pat@riverside.example")
    scim_a.create_group("Night Team", [user["id"]])

    response = scim_a.patch(
        f"Users/{user['id']}", {"op": "replace", "path": "active", "value": False}
    )

    assert response.status_code == 200
    assert response.json()["active"] is False
    assert not Membership.including_pending.filter(user__email="pat@riverside.example").exists()
    assert scim_a.send("GET", f"Users/{user['id']}").json()["active"] is False

    back = scim_a.send(
        "PUT",
        f"Users/{user['id']}",
        {
            "schemas": [USER],
            "userName": "pat",
            "emails": [{"value": "pat@riverside.example"}],
            "active": True,
        },
    )

    assert back.status_code == 200
    assert back.json()["active"] is True
    assert list(
        Membership.including_pending.filter(user__email="pat@riverside.example").values_list(
            "team__name", "role"
        )
    ) == [("Night Team", Role.LEARNER)]


def test_delete_deactivates_and_then_the_user_is_not_found(scim_a: Scim) -> None:
    user = scim_a.create_user("pat", "pat@riverside.example")
    scim_a.create_group("Night Team", [user["id"]])

    assert scim_a.send("DELETE", f"Users/{user['id']}").status_code == 204

    assert not Membership.including_pending.filter(user__email="pat@riverside.example").exists()
    assert User.objects.filter(email="pat@riverside.example").exists()
    assert scim_a.send("GET", f"Users/{user['id']}").status_code == 404


def test_a_filter_finds_the_person_by_user_name(scim_a: Scim) -> None:
    scim_a.create_user("pat", "pat@riverside.example")
    sam = scim_a.create_user("sam", "sam@riverside.example")

    body = scim_a.send("GET", 'Users?filter=userName eq "SAM"').json()

    assert (body["totalResults"], [r["id"] for r in body["Resources"]]) == (1, [sam["id"]])


def test_a_user_name_already_used_is_a_uniqueness_conflict(scim_a: Scim) -> None:
    scim_a.create_user("pat", "pat@riverside.example")

    response = scim_a.send(
        "POST",
        "Users",
        {"schemas": [USER], "userName": "pat", "emails": [{"value": "o@x.example"}]},
    )

    assert response.status_code == 409
    assert response.json() == {
        "schemas": ["urn:ietf:params:scim:api:messages:2.0:Error"],
        "status": "409",
        "scimType": "uniqueness",
        "detail": "Another user has this userName.",
    }
    assert not User.objects.filter(email="o@x.example").exists()


def test_patch_remove_of_the_user_name_is_refused_in_scim_form(scim_a: Scim) -> None:
    user = scim_a.create_user("pat", "pat@riverside.example")

    response = scim_a.patch(f"Users/{user['id']}", {"op": "remove", "path": "userName"})

    assert response.status_code == 400
    assert response["Content-Type"] == "application/scim+json"
    assert response.json()["schemas"] == ["urn:ietf:params:scim:api:messages:2.0:Error"]
    assert ProvisionedUser.objects.get(scim_id=user["id"]).user_name == "pat"


def test_filters_narrowed_in_sql_find_what_scim2_models_would(scim_a: Scim) -> None:
    pat = scim_a.create_user("pat", "pat@riverside.example", externalId="E-1")
    scim_a.create_user("sam", "sam@riverside.example", externalId="E-2")

    def found(query: str) -> list[str]:
        return [r["id"] for r in scim_a.send("GET", f"Users?filter={query}").json()["Resources"]]

    assert found('externalId eq "E-1"') == [pat["id"]]
    assert found('externalId eq "e-1"') == []  # externalId is case-exact (RFC 7643 §3.1)
    assert found('userName eq "PAT"') == [pat["id"]]
    assert found('userName eq "pat" and externalId eq "E-2"') == []
    assert found('userName sw "pa"') == [pat["id"]]
