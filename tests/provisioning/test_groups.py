"""SCIM Groups (issue 16): the organisation's teams; members are the team's learners."""

from accounts.models import Membership, Role, Team
from tests import factories
from tests.provisioning.conftest import Provisioned, Scim


def _learners(team_name: str) -> list[str]:
    return sorted(
        Membership.including_pending.filter(team__name=team_name, role=Role.LEARNER).values_list(
            "user__email", flat=True
        )
    )


def test_members_added_and_removed_by_patch_join_and_leave_the_team(scim_a: Scim) -> None:
    pat = scim_a.create_user("pat", "pat@riverside.example")
    sam = scim_a.create_user("sam", "sam@riverside.example")
    group = scim_a.create_group("Night Team", [pat["id"]])

    added = scim_a.patch(
        f"Groups/{group['id']}", {"op": "add", "path": "members", "value": [{"value": sam["id"]}]}
    )
    assert added.status_code == 200
    assert _learners("Night Team") == ["pat@riverside.example", "sam@riverside.example"]

    # Entra ID's form: the member named by a value filter.
    removed = scim_a.patch(
        f"Groups/{group['id']}", {"op": "remove", "path": f'members[value eq "{pat["id"]}"]'}
    )
    assert removed.status_code == 200
    assert [m["value"] for m in removed.json()["members"]] == [sam["id"]]
    assert _learners("Night Team") == ["sam@riverside.example"]


def test_a_rename_renames_the_team_and_delete_keeps_the_team(
    scim_a: Scim, org_a: Provisioned
) -> None:
    pat = scim_a.create_user("pat", "pat@riverside.example")
    group = scim_a.create_group("Night Team", [pat["id"]])

    renamed = scim_a.patch(
        f"Groups/{group['id']}", {"op": "replace", "path": "displayName", "value": "Late Team"}
    )
    assert renamed.json()["displayName"] == "Late Team"
    assert Team.objects.filter(organisation=org_a.organisation, name="Late Team").exists()

    assert scim_a.send("DELETE", f"Groups/{group['id']}").status_code == 204
    assert scim_a.send("GET", f"Groups/{group['id']}").status_code == 404
    assert Team.objects.filter(organisation=org_a.organisation, name="Late Team").exists()
    assert _learners("Late Team") == []


def test_an_existing_team_is_adopted_once_and_a_second_group_of_its_name_conflicts(
    scim_a: Scim, org_a: Provisioned
) -> None:
    team = factories.TeamFactory(organisation=org_a.organisation, name="Day Team")

    group = scim_a.create_group("Day Team")
    again = scim_a.send(
        "POST",
        "Groups",
        {"schemas": ["urn:ietf:params:scim:schemas:core:2.0:Group"], "displayName": "Day Team"},
    )

    assert Team.objects.filter(organisation=org_a.organisation).get() == team
    assert group["displayName"] == "Day Team"
    assert (again.status_code, again.json()["scimType"]) == (409, "uniqueness")
