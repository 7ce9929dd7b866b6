"""An org admin's teams page (issue 16, pages for org admins): the organisation's teams
with their active learners, managers and assessors counted, a team added (a name taken
once per organisation, refused in Hearth's words), a fixed number of queries, and
nobody else reaches it (404)."""

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from accounts.models import MembershipStatus, Role, Team, User
from tests.conftest import World
from tests.factories import MembershipFactory, TeamFactory
from tests.test_page_forms import assert_error_summary_first, assert_in_hearths_words

pytestmark = pytest.mark.django_db

PAGE = "/organisation/teams/"


def signed_in(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_the_page_lists_the_organisations_teams_with_their_people_counted(world: World) -> None:
    MembershipFactory.create(
        organisation=world.org_x,
        team=world.x_team_a,
        role=Role.LEARNER,
        status=MembershipStatus.PENDING,
    )  # invited, not yet in: not counted

    html = signed_in(world.x_admin).get(PAGE).content.decode()

    row = html[html.index('<th scope="row">X team A</th>') :]
    row = row[: row.index("</tr>")]
    numbers = [cell.split(">")[1] for cell in row.split('<td class="number"')[1:]]
    assert [n.split("<")[0] for n in numbers] == ["1", "1", "1"]
    assert "X team B" in html and "Y team A" not in html
    assert f'href="/compliance/teams/{world.x_team_a.pk}/"' in html


def test_an_admin_adds_a_team_once(world: World) -> None:
    admin = signed_in(world.x_admin)

    added = admin.post(PAGE, {"name": "  Night shift "})
    shown = admin.get(PAGE).content.decode()
    again = admin.post(PAGE, {"name": "Night shift"})
    empty = admin.post(PAGE, {})

    assert added.status_code == 302
    assert Team.objects.filter(organisation=world.org_x, name="Night shift").count() == 1
    assert "Night shift is a team now." in shown
    for response, message in ((again, "Already in use."), (empty, "Name the team.")):
        html = response.content.decode()
        assert response.status_code == 400
        assert message in html
        assert_error_summary_first(html)
        assert_in_hearths_words(html)


def test_nobody_else_reaches_the_page_or_adds_a_team(world: World) -> None:
    for outsider in (world.x_manager_a, world.x_learner_a, world.x_assessor_a, world.y_manager):
        client = signed_in(outsider)
        assert client.get(PAGE).status_code == 404, outsider
        assert client.post(PAGE, {"name": "Mine"}).status_code == 404, outsider
    signed_in(world.y_admin).post(PAGE, {"name": "Y night shift", "organisation": world.org_x.pk})
    assert Team.objects.get(name="Y night shift").organisation_id == world.org_y.pk
    assert not Team.objects.filter(organisation=world.org_x, name="Y night shift").exists()


def _queries(client: Client) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(PAGE).status_code == 200
    return len(captured)


def test_the_page_takes_the_same_queries_for_2_and_22_teams(world: World) -> None:
    admin = signed_in(world.x_admin)
    two = _queries(admin)
    for number in range(20):
        TeamFactory.create(organisation=world.org_x, name=f"Team {number}")

    assert _queries(admin) == two
