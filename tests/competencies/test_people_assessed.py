"""Issue 15, item 5: an assessor's list of the people they assess, in their scope only."""

import pytest
from django.test import Client
from django.utils.html import escape

from accounts.models import Role, User
from tests.conftest import World
from tests.factories import MembershipFactory

pytestmark = pytest.mark.django_db


def signed_in(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_an_assessor_sees_the_learners_of_their_team_with_links(world: World) -> None:
    learner = world.x_learner_a

    response = signed_in(world.x_assessor_a).get("/assess/people/")

    html = response.content.decode()
    assert response.status_code == 200
    assert '<a href="/assess/people/" aria-current="page">People I assess</a>' in html
    assert f'href="/people/{learner.pk}/competencies/"' in html
    assert f'href="/assess/?learner={learner.pk}"' in html
    assert f"{escape(learner.full_name)}</a>" in html and "X team A, Organisation X" in html
    main = html[html.index("<main") : html.index("</main>")]
    for outsider in (world.x_learner_b, world.y_learner, world.x_manager_a, world.x_assessor_a):
        assert escape(outsider.full_name) not in main
        assert f"/people/{outsider.pk}/" not in main


def test_a_person_in_two_organisations_appears_only_where_the_assessor_assesses(
    world: World,
) -> None:
    shared = World.person(world.org_x, world.x_team_a, Role.LEARNER)
    MembershipFactory.create(user=shared, organisation=world.org_y, team=world.y_team_a)
    y_assessor = World.person(world.org_y, world.y_team_a, Role.ASSESSOR)

    x_page = signed_in(world.x_assessor_a).get("/assess/people/").content.decode()
    y_page = signed_in(y_assessor).get("/assess/people/").content.decode()

    assert f"/people/{shared.pk}/" in x_page and f"/people/{shared.pk}/" in y_page
    assert "Organisation Y" not in x_page and "Y team A" not in x_page
    assert "Organisation X" not in y_page and "X team A" not in y_page
    assert f"/people/{world.x_learner_a.pk}/" not in y_page
    assert f"/people/{world.y_learner.pk}/" in y_page
    assert f"/people/{world.y_learner.pk}/" not in x_page


def test_people_who_do_not_assess_get_no_page_and_no_link(world: World) -> None:
    for person in (world.x_learner_a, world.x_manager_a, world.x_admin):
        client = signed_in(person)

        assert client.get("/assess/people/").status_code == 404
        assert "People I assess" not in client.get("/").content.decode()


@pytest.mark.parametrize("extra", [0, 30])
def test_the_list_takes_the_same_queries_however_many_people(
    world: World, extra: int, django_assert_num_queries: object
) -> None:
    for _ in range(extra):
        World.person(world.org_x, world.x_team_a, Role.LEARNER)
    client = signed_in(world.x_assessor_a)
    client.get("/assess/people/")

    with django_assert_num_queries(4):  # type: ignore[operator]
        response = client.get("/assess/people/")

    assert response.content.decode().count("Record an assessment<span") == 1 + extra
