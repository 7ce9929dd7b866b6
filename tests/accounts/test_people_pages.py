"""Issue 16, pages for org admins: the people page (find by name, email or employee
number; filter by team, role, status; a page at a time), inviting, changing a role or
team, removing one and deactivating (must show 5: the session ends on the next request).
Anyone but the organisation's admins gets 404; bad input is a message, never a 500."""

import pytest
from django.db import connection
from django.http import HttpResponseBase
from django.test import Client
from django.test.utils import CaptureQueriesContext

from accounts.models import Membership, MembershipStatus, Role, User
from tests import factories
from tests.conftest import World


def signed_in(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def names_on(response: HttpResponseBase) -> str:
    return getattr(response, "content", b"").decode()


def test_the_admin_finds_people_by_name_email_number_team_role_and_status(world: World) -> None:
    Membership.objects.filter(user=world.x_learner_b).update(employee_number="HR-77")
    staff = world.people_of(world.org_x)
    invited = factories.UserFactory.create(full_name="Account Name", email="new@example.org")
    factories.MembershipFactory.create(
        user=invited,
        organisation=world.org_x,
        team=world.x_team_a,
        role=Role.LEARNER,
        status=MembershipStatus.PENDING,
        invited_full_name="Invited Name",
    )
    admin = signed_in(world.x_admin)

    everyone = names_on(admin.get("/organisation/people/"))
    by_number = names_on(admin.get("/organisation/people/", {"q": "hr-77"}))
    by_email = names_on(admin.get("/organisation/people/", {"q": world.x_manager_a.email[:6]}))
    in_b = names_on(admin.get("/organisation/people/", {"team": world.x_team_b.pk}))
    managers = names_on(admin.get("/organisation/people/", {"role": "manager"}))
    pending = names_on(admin.get("/organisation/people/", {"status": "pending"}))

    for person in staff:
        assert person.full_name in everyone
    assert world.y_learner.full_name not in everyone
    # A pending invitation shows what the organisation entered, never the account's name.
    assert "Invited Name" in everyone and "Account Name" not in everyone
    assert world.x_learner_b.full_name in by_number and world.x_learner_a.full_name not in by_number
    assert world.x_manager_a.full_name in by_email
    assert world.x_learner_b.full_name in in_b and world.x_learner_a.full_name not in in_b
    assert world.x_manager_a.full_name in managers and world.x_learner_a.full_name not in managers
    assert "Invited Name" in pending and world.x_learner_a.full_name not in pending


@pytest.mark.parametrize("who", ["x_manager_a", "x_learner_a", "x_assessor_a"])
def test_anyone_but_an_org_admin_gets_404(world: World, who: str) -> None:
    client = signed_in(getattr(world, who))
    person = world.x_learner_a.pk

    assert client.get("/organisation/people/").status_code == 404
    assert client.get("/organisation/people/invite/").status_code == 404
    assert client.get(f"/organisation/{world.org_x.pk}/people/{person}/").status_code == 404


def test_another_organisations_admin_and_people_are_404(world: World) -> None:
    admin = signed_in(world.y_admin)

    assert (
        admin.get(f"/organisation/{world.org_x.pk}/people/{world.x_learner_a.pk}/").status_code
        == 404
    )
    assert (
        admin.get(f"/organisation/{world.org_y.pk}/people/{world.x_learner_a.pk}/").status_code
        == 404
    )
    assert admin.get("/organisation/people/", {"organisation": world.org_x.pk}).status_code == 404
    response = admin.post(
        f"/organisation/{world.org_x.pk}/people/{world.x_learner_a.pk}/",
        {"action": "deactivate", "leave-confirm": "on"},
    )
    assert response.status_code == 404
    assert Membership.objects.filter(user=world.x_learner_a).exists()


def test_bad_filters_are_a_message_not_a_500(world: World) -> None:
    response = signed_in(world.x_admin).get(
        "/organisation/people/", {"team": "abc", "role": "king", "q": "x" * 101}
    )

    assert response.status_code == 400
    html = names_on(response)
    assert "Choose one of the organisation&#x27;s teams." in html or "Choose one of" in html
    assert "There is a problem" in html


def test_the_list_takes_the_same_queries_for_10_and_100_people(world: World) -> None:
    admin = signed_in(world.x_admin)

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert admin.get("/organisation/people/").status_code == 200
        return len(captured)

    factories.MembershipFactory.create_batch(
        5, organisation=world.org_x, team=world.x_team_a, role=Role.LEARNER
    )
    few = queries()
    factories.MembershipFactory.create_batch(
        95, organisation=world.org_x, team=world.x_team_a, role=Role.LEARNER
    )
    many = queries()

    assert few == many


def test_inviting_through_the_page(world: World) -> None:
    admin = signed_in(world.x_admin)

    bad = admin.post(
        "/organisation/people/invite/",
        {"email": "not-an-email", "full_name": "", "role": "learner", "team": ""},
    )
    wrong_team = admin.post(
        "/organisation/people/invite/",
        {"email": "a@example.org", "full_name": "A", "role": "learner", "team": world.y_team_a.pk},
    )
    good = admin.post(
        "/organisation/people/invite/",
        {
            "email": "Sam@Example.org",
            "full_name": "Sam Patel",
            "job_title": "",
            "role": "learner",
            "team": world.x_team_b.pk,
        },
    )

    assert bad.status_code == 400 and "Enter an email address like" in names_on(bad)
    assert wrong_team.status_code == 400
    assert good.status_code == 302
    membership = Membership.including_pending.get(user__email="sam@example.org")
    assert (membership.team_id, membership.status) == (world.x_team_b.pk, MembershipStatus.PENDING)


def test_moving_a_person_changing_adding_and_removing_roles(world: World) -> None:
    admin = signed_in(world.x_admin)
    membership = Membership.objects.get(user=world.x_learner_a)
    url = f"/organisation/{world.org_x.pk}/people/{world.x_learner_a.pk}/"
    prefix = f"m{membership.pk}"

    page = admin.get(url)
    moved = admin.post(
        url,
        {
            "action": f"change-{membership.pk}",
            f"{prefix}-role": "learner",
            f"{prefix}-team": world.x_team_b.pk,
        },
    )
    no_team = admin.post(
        url,
        {"action": f"change-{membership.pk}", f"{prefix}-role": "manager", f"{prefix}-team": ""},
    )
    added = admin.post(url, {"action": "add", "add-role": "assessor", "add-team": ""})
    duplicate = admin.post(url, {"action": "add", "add-role": "assessor", "add-team": ""})

    assert page.status_code == 200 and world.x_learner_a.full_name in names_on(page)
    assert moved.status_code == 302
    membership.refresh_from_db()
    assert membership.team_id == world.x_team_b.pk
    assert no_team.status_code == 400 and "belong to a team" in names_on(no_team)
    assert added.status_code == 302
    assert duplicate.status_code == 400 and "already holds that role" in names_on(duplicate)
    assessor = Membership.objects.get(user=world.x_learner_a, role=Role.ASSESSOR)
    removed = admin.post(url, {"action": f"remove-{assessor.pk}"})
    assert removed.status_code == 302
    assert list(Membership.objects.filter(user=world.x_learner_a)) == [membership]


def test_deactivating_on_the_page_ends_their_session_at_the_next_request(world: World) -> None:
    leaver = signed_in(world.x_learner_a)
    admin = signed_in(world.x_admin)
    url = f"/organisation/{world.org_x.pk}/people/{world.x_learner_a.pk}/"

    unconfirmed = admin.post(url, {"action": "deactivate"})
    assert unconfirmed.status_code == 400 and "Tick the box" in names_on(unconfirmed)
    assert leaver.get("/api/v1/me/").status_code == 200

    done = admin.post(url, {"action": "deactivate", "leave-confirm": "on"})

    assert done.status_code == 302
    assert not Membership.including_pending.filter(user=world.x_learner_a)
    assert leaver.get("/api/v1/me/").status_code in (401, 403)
    assert admin.get(url).status_code == 404


def test_an_admin_cannot_deactivate_themselves(world: World) -> None:
    admin = signed_in(world.x_admin)
    url = f"/organisation/{world.org_x.pk}/people/{world.x_admin.pk}/"

    page = admin.get(url)
    refused = admin.post(url, {"action": "deactivate", "leave-confirm": "on"})

    assert "Deactivate" not in names_on(page)
    assert refused.status_code == 400 and "cannot deactivate yourself" in names_on(refused)
    assert Membership.objects.filter(user=world.x_admin).exists()
