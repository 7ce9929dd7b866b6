"""Joining an organisation needs the person's consent, and an invitation reveals nothing
(issue 12, ADR 0012).

Organisation Y invites two addresses: one that already has an account (with its own name
and job title, a learner of organisation X) and a brand-new one. Until each person takes
the membership up (the existing account by accepting it, the new one by setting their
password), Y sees for both exactly what it sent, marked pending, through every response
and page it can reach; the membership grants the person nothing in Y. Accepting shows Y
the account's own name; declining removes the membership and tells nobody.
"""

import re
from collections.abc import Callable
from typing import Any
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.core import mail
from django.test import Client
from django.utils.html import escape
from rest_framework.test import APIClient

from accounts.invitations import membership_notice_send
from accounts.models import KeyScope, Membership, MembershipStatus, Role, User
from accounts.selectors import actor_for_user
from tests import factories
from tests.conftest import World
from tests.support.api import key_client

pytestmark = pytest.mark.django_db

REAL_NAME, REAL_TITLE = "Real Name", "Ward sister"
SENT = {"full_name": "Pat Newcomer", "job_title": "Support worker", "role": Role.LEARNER}
NEW_ADDRESS = "pat.newcomer@example.org"


def _existing(world: World) -> User:
    """An account with its own name and title, a learner of organisation X."""
    person = factories.UserFactory.create(
        email="ward.staff@example.org", full_name=REAL_NAME, job_title=REAL_TITLE
    )
    factories.MembershipFactory.create(user=person, team=world.x_team_a, role=Role.LEARNER)
    return person


def _inviter(world: World, inviter: str) -> APIClient:
    if inviter != "org_admin":
        return key_client(world.org_y, KeyScope.READ_WRITE)
    client = APIClient()
    client.force_login(world.y_admin)
    return client


def _invite(client: APIClient, world: World, email: str, **extra: Any) -> dict[str, Any]:
    response = client.post(
        "/api/v1/people/",
        {**SENT, "organisation": world.org_y.pk, "team": world.y_team_a.pk, "email": email} | extra,
    )
    assert response.status_code == 201, response.content
    body: dict[str, Any] = response.json()
    return body


def _row(client: APIClient, email: str) -> dict[str, Any]:
    [row] = [r for r in client.get("/api/v1/people/").json()["results"] if r["email"] == email]
    return row


def _without_ids(row: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in row.items() if key not in ("id", "email", "user")}


def _session(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _pages_of_y(world: World, person: User) -> list[str]:
    team = world.y_team_a.pk
    return [
        "/",
        "/team/competency/",
        f"/teams/{team}/competency/",
        f"/teams/{team}/competency.csv",
        "/team/assign/",
        "/assess/",
        "/dashboard/",
        "/certificates/",
        f"/people/{person.pk}/competencies/",
    ]


@pytest.mark.parametrize("inviter", ["org_admin", "write_key"])
def test_until_accepted_the_inviter_sees_only_what_it_sent_for_an_existing_and_a_new_address(
    world: World, inviter: str
) -> None:
    existing = _existing(world)
    client = _inviter(world, inviter)

    old = _invite(client, world, existing.email.upper())
    new = _invite(client, world, NEW_ADDRESS)

    newcomer = User.objects.get(email=NEW_ADDRESS)
    assert _without_ids(old) | {"membership": 0} == _without_ids(new) | {"membership": 0}
    assert (old["email"], new["email"]) == (existing.email, NEW_ADDRESS)
    expected = {**SENT, "is_active": True, "status": "pending"}
    expected.pop("role")
    old_row, new_row = _row(client, existing.email), _row(client, NEW_ADDRESS)
    assert (_without_ids(old_row), _without_ids(new_row)) == (expected, expected)
    assert (old_row["id"], new_row["id"]) == (existing.pk, newcomer.pk)
    assert client.get(f"/api/v1/people/{existing.pk}/").json() == old_row
    assert client.get(f"/api/v1/people/{newcomer.pk}/").json() == new_row
    memberships = {
        row["user"]: row
        for row in client.get("/api/v1/memberships/", {"team": world.y_team_a.pk}).json()["results"]
    }
    assert (
        _without_ids(memberships[existing.pk])
        == _without_ids(memberships[newcomer.pk])
        == {
            "organisation": world.org_y.pk,
            "team": world.y_team_a.pk,
            "team_name": "Y team A",
            "role": "learner",
            "user_name": "Pat Newcomer",
            "status": "pending",
        }
    )
    # Searching by the account's own name finds nothing; by the name sent, both.
    found = client.get("/api/v1/people/", {"search": "Real"}).json()["results"]
    assert found == []
    found = client.get("/api/v1/people/", {"search": "Newcomer"}).json()["results"]
    assert {row["id"] for row in found} == {existing.pk, newcomer.pk}
    every_answer = [
        client.get(path).content.decode()
        for path in (
            "/api/v1/people/",
            f"/api/v1/people/{existing.pk}/",
            "/api/v1/memberships/",
            f"/api/v1/people/{existing.pk}/competencies/",
            f"/api/v1/teams/{world.y_team_a.pk}/matrix/",
        )
    ]
    for answer in every_answer:
        assert REAL_NAME not in answer and REAL_TITLE not in answer
    existing.refresh_from_db()
    assert (existing.full_name, existing.job_title) == (REAL_NAME, REAL_TITLE)


def test_no_page_of_the_inviting_organisation_shows_the_account_until_it_accepts(
    world: World,
) -> None:
    existing = _existing(world)
    _invite(_inviter(world, "org_admin"), world, existing.email)
    _invite(_inviter(world, "org_admin"), world, NEW_ADDRESS)
    y_admin, y_manager = _session(world.y_admin), _session(world.y_manager)
    invited_row = 'Pat Newcomer ({}), learner <span class="tag tag--info">Invitation sent</span>'

    for page in _pages_of_y(world, existing):
        for client in (y_admin, y_manager):
            response = client.get(page)
            assert response.status_code in (200, 302, 404), (page, response.status_code)
            assert REAL_NAME not in response.content.decode(), page

    # The team page lists both invitations alike, as sent.
    matrix = y_manager.get(f"/teams/{world.y_team_a.pk}/competency/").content.decode()
    assert invited_row.format(existing.email) in matrix
    assert invited_row.format(NEW_ADDRESS) in matrix
    assert (
        "Invited, not yet joined"
        not in _session(world.x_manager_a)
        .get(f"/teams/{world.x_team_a.pk}/competency/")
        .content.decode()
    )

    membership = Membership.including_pending.get(user=existing, organisation=world.org_y)
    _session(existing).post(f"/invitations/{membership.pk}/", {"choice": "accept"})
    matrix = y_manager.get(f"/teams/{world.y_team_a.pk}/competency/").content.decode()
    assert REAL_NAME in matrix
    assert invited_row.format(existing.email) not in matrix
    assert invited_row.format(NEW_ADDRESS) in matrix


def test_accepting_shows_the_account_its_own_name_and_grants_the_role(world: World) -> None:
    existing = _existing(world)
    client = _inviter(world, "org_admin")
    invited = _invite(client, world, existing.email)
    assert world.org_y.pk not in actor_for_user(existing).organisation_ids

    response = _session(existing).post(
        f"/invitations/{invited['membership']}/", {"choice": "accept"}
    )

    assert response.status_code == 302 and response["Location"] == "/"
    membership = Membership.objects.get(pk=invited["membership"])
    assert membership.status == MembershipStatus.ACTIVE and membership.accepted_at is not None
    assert _without_ids(_row(client, existing.email)) == {
        "full_name": REAL_NAME,
        "job_title": REAL_TITLE,
        "is_active": True,
        "status": "active",
    }
    assert actor_for_user(existing).member_team_ids == {world.x_team_a.pk, world.y_team_a.pk}
    assert mail.outbox == []  # nobody is emailed about the answer


def test_declining_removes_the_membership_and_tells_nobody(world: World) -> None:
    existing = _existing(world)
    client = _inviter(world, "org_admin")
    invited = _invite(client, world, existing.email)

    response = _session(existing).post(
        f"/invitations/{invited['membership']}/", {"choice": "decline"}
    )

    assert response.status_code == 302 and response["Location"] == "/"
    assert not Membership.including_pending.filter(pk=invited["membership"]).exists()
    assert [r["email"] for r in client.get("/api/v1/people/").json()["results"]].count(
        existing.email
    ) == 0
    assert client.get(f"/api/v1/people/{existing.pk}/").status_code == 404
    assert mail.outbox == []
    assert actor_for_user(existing).organisation_ids == {world.org_x.pk}


def test_a_pending_manager_cannot_reach_the_team_until_they_accept(world: World) -> None:
    existing = _existing(world)
    invited = _invite(_inviter(world, "org_admin"), world, existing.email, role=Role.MANAGER)
    person = _session(existing)
    api = APIClient()
    api.force_login(existing)

    before_page = person.get(f"/teams/{world.y_team_a.pk}/competency/")
    before_api = api.get(f"/api/v1/teams/{world.y_team_a.pk}/matrix/")
    before_people = {row["id"] for row in api.get("/api/v1/people/").json()["results"]}
    person.post(f"/invitations/{invited['membership']}/", {"choice": "accept"})
    after_page = person.get(f"/teams/{world.y_team_a.pk}/competency/")

    assert (before_page.status_code, before_api.status_code) == (404, 404)
    assert world.y_learner.pk not in before_people
    assert after_page.status_code == 200
    assert escape(world.y_learner.full_name) in after_page.content.decode()  # "O&#x27;Brien"


def test_a_new_person_takes_up_the_invitation_by_setting_a_password_and_no_other(
    world: World, django_capture_on_commit_callbacks: Callable[..., Any]
) -> None:
    admin = _inviter(world, "org_admin")
    with django_capture_on_commit_callbacks(execute=True):
        invited = _invite(admin, world, NEW_ADDRESS)
    newcomer = User.objects.get(email=NEW_ADDRESS)
    # Before they set a password, organisation X asks too: that one needs their answer.
    x_admin = APIClient()
    x_admin.force_login(world.x_admin)
    with django_capture_on_commit_callbacks(execute=True):
        x_invited = x_admin.post(
            "/api/v1/people/",
            {
                **SENT,
                "email": NEW_ADDRESS,
                "organisation": world.org_x.pk,
                "team": world.x_team_a.pk,
            },
        ).json()
    [invitation, notice] = mail.outbox
    link = re.search(r"https?://\S+/password-reset/\S+/", str(invitation.body))
    assert link is not None

    page = Client()
    form = page.get(urlsplit(link.group(0)).path, follow=True)
    done = page.post(
        form.redirect_chain[-1][0],
        {"new_password1": "a-long-new-passphrase-7", "new_password2": "a-long-new-passphrase-7"},
    )

    assert done.status_code == 302
    statuses = dict(
        Membership.including_pending.filter(user=newcomer).values_list("organisation_id", "status")
    )
    assert statuses == {world.org_y.pk: "active", world.org_x.pk: "pending"}
    assert Membership.objects.get(pk=invited["membership"]).accepted_at is not None
    assert _row(admin, NEW_ADDRESS)["status"] == "active"
    assert _row(x_admin, NEW_ADDRESS)["status"] == "pending"
    assert notice.subject == "Organisation X asks to add you on Hearth"
    assert f"/invitations/{x_invited['membership']}/" in notice.body


def test_a_role_added_to_a_pending_person_waits_with_the_invitation(world: World) -> None:
    existing = _existing(world)
    admin = _inviter(world, "org_admin")
    _invite(admin, world, existing.email, role=Role.ASSESSOR)

    added = admin.post(
        "/api/v1/memberships/",
        {
            "user": existing.pk,
            "organisation": world.org_y.pk,
            "team": world.y_team_a.pk,
            "role": "learner",
        },
    )

    assert added.status_code == 201
    assert added.json()["status"] == "pending"
    assert added.json()["user_name"] == "Pat Newcomer"
    assert _row(admin, existing.email)["full_name"] == "Pat Newcomer"
    assert world.org_y.pk not in actor_for_user(existing).organisation_ids


def test_the_notice_links_to_the_choice(world: World) -> None:
    existing = _existing(world)
    invited = _invite(_inviter(world, "org_admin"), world, existing.email)

    assert membership_notice_send(membership_id=invited["membership"]) is True

    [email] = mail.outbox
    assert email.to == [existing.email]
    assert email.subject == "Organisation Y asks to add you on Hearth"
    assert "Organisation Y asks to add you on Hearth as learner in Y team A." in email.body
    assert f"{settings.SITE_URL}/invitations/{invited['membership']}/" in email.body
    html = str(email.alternatives[0].content)  # type: ignore[attr-defined]
    assert f"/invitations/{invited['membership']}/" in html


def test_the_invitation_page_offers_the_choice_to_its_person_only(world: World) -> None:
    existing = _existing(world)
    invited = _invite(_inviter(world, "org_admin"), world, existing.email)
    url = f"/invitations/{invited['membership']}/"
    person = _session(existing)

    page = person.get(url)
    home = person.get("/")
    someone_else = _session(world.x_learner_a).get(url)
    signed_out = Client().get(url)
    neither = person.post(url, {"choice": "maybe"})

    body = page.content.decode()
    assert page.status_code == 200
    assert "<h1>Organisation Y asks to add you</h1>" in body
    assert "as learner in Y team A" in body
    assert 'name="choice" value="accept"' in body and 'name="choice" value="decline"' in body
    home_body = home.content.decode()
    assert "Organisation Y asks to add you as learner in Y team A" in home_body
    assert f'action="{url}"' in home_body
    assert someone_else.status_code == 404
    assert signed_out.status_code == 302 and signed_out["Location"].startswith("/sign-in/")
    assert neither.status_code == 400 and "Choose to accept or decline." in neither.content.decode()
    assert Membership.including_pending.get(pk=invited["membership"]).is_pending

    person.post(url, {"choice": "accept"})
    assert person.get(url).status_code == 404  # answered: no longer an invitation
    assert person.post(url, {"choice": "decline"}).status_code == 404
    assert Membership.objects.filter(pk=invited["membership"]).exists()


@pytest.mark.parametrize("invitations", [2, 20])
def test_the_people_list_runs_a_fixed_number_of_queries(
    world: World, invitations: int, django_assert_num_queries: Callable[..., Any]
) -> None:
    client = _inviter(world, "org_admin")
    for number in range(invitations):
        _invite(client, world, f"person.{number}@example.org")
    _existing_member = _existing(world)
    _invite(client, world, _existing_member.email)

    # session, user, actor memberships, count, page of people with what may be shown
    with django_assert_num_queries(5):
        response = client.get("/api/v1/people/", {"page_size": 200})

    rows = response.json()["results"]
    assert len(rows) == invitations + 1 + 3  # and Y's admin, manager and learner
    assert sum(row["status"] == "pending" for row in rows) == invitations + 1
