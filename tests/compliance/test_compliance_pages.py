"""Compliance at a glance, the pages (issue 15): the organisation's figures with a bar of
states and a table per team, who is overdue (each linking to the person record), a team's
people overdue first with each requirement's state; scope as the API's; the navigation
offers it to managers and org admins only."""

import datetime
import re
from html import escape

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.models import Membership, Role, User
from tests import factories
from tests.conftest import World

pytestmark = pytest.mark.django_db


def _page(user: User, path: str) -> tuple[int, str]:
    client = Client()
    client.force_login(user)
    response = client.get(path)
    return response.status_code, response.content.decode()


@pytest.fixture
def glance(world: World) -> World:
    """X requires fire safety of its learners (recorded only). Learner A joined long ago
    and never did it: overdue. Learner B did it last month: compliant. A second learner
    in team A is exempt."""
    requirement = factories.TrainingRequirementFactory.create(
        organisation=world.org_x,
        module=None,
        title="Fire safety",
        role=Role.LEARNER,
        created_at=timezone.now() - datetime.timedelta(days=400),
    )
    Membership.objects.filter(user=world.x_learner_a).update(
        created_at=timezone.now() - datetime.timedelta(days=300)
    )
    factories.TrainingRecordFactory.create(
        requirement=requirement,
        person=world.x_learner_b,
        completed_on=timezone.localdate() - datetime.timedelta(days=30),
    )
    exempt = World.person(world.org_x, world.x_team_a, Role.LEARNER)
    factories.ExemptionFactory.create(
        requirement=requirement,
        person=exempt,
        ends_on=timezone.localdate() + datetime.timedelta(days=10),
    )
    world.exempt = exempt  # type: ignore[attr-defined]
    return world


def test_an_org_admin_sees_every_team_a_bar_each_and_who_is_overdue(glance: World) -> None:
    status, html = _page(glance.x_admin, "/compliance/")
    assert status == 200
    assert "At a glance: Organisation X" in html
    # Exempt is left out: 1 met of 2 counted.
    assert re.search(r"<dt>Share met</dt><dd>50\.0%</dd>", html)
    assert re.search(r"<dt>Met</dt><dd>1 of 2</dd>", html)
    for team in (glance.x_team_a, glance.x_team_b):
        assert f'href="{reverse("compliance-team", args=[team.pk])}"' in html
    assert 'aria-label="X team A: 1 overdue, 1 exempt, of 2 requirements."' in html
    assert 'aria-label="X team B: 1 compliant, of 1 requirements."' in html
    assert html.count('class="state--overdue"') == 1
    overdue = html[html.index("Who is overdue") :]
    record = reverse("person-record", args=[glance.x_learner_a.pk])
    # As the page escapes it: Faker's names may hold an apostrophe.
    assert f'<a href="{record}">{escape(glance.x_learner_a.full_name)}</a>' in overdue
    assert escape(glance.x_learner_b.full_name) not in overdue
    assert "Organisation Y" not in html and "Y team A" not in html
    assert "/api/v1/compliance/?organisation=" in html and "format=csv" in html


def test_a_manager_sees_their_team_only(glance: World) -> None:
    status, html = _page(glance.x_manager_a, "/compliance/")
    assert status == 200
    assert "X team A" in html and "X team B" not in html
    assert escape(glance.x_learner_b.full_name) not in html
    assert _page(glance.x_manager_a, f"/compliance/teams/{glance.x_team_b.pk}/")[0] == 404


def test_a_team_page_lists_people_overdue_first_each_linking_to_their_record(
    glance: World,
) -> None:
    status, html = _page(glance.x_manager_a, f"/compliance/teams/{glance.x_team_a.pk}/")
    assert status == 200
    learner, exempt = glance.x_learner_a, glance.exempt  # type: ignore[attr-defined]
    assert html.index(escape(learner.full_name)) < html.index(escape(exempt.full_name))
    assert f'href="{reverse("person-record", args=[learner.pk])}"' in html
    assert f'href="{reverse("person-record", args=[exempt.pk])}"' in html
    assert "Overdue</strong> Fire safety" in html and "Exempt</strong> Fire safety" in html
    assert f"team={glance.x_team_a.pk}" in html and "format=csv" in html


@pytest.mark.parametrize("who", ["learner", "assessor", "other_admin"])
def test_anyone_else_gets_404(glance: World, who: str) -> None:
    user = {"learner": glance.x_learner_a, "assessor": glance.x_assessor_a}.get(who, glance.y_admin)
    if who != "other_admin":
        assert _page(user, "/compliance/")[0] == 404
    assert _page(user, f"/compliance/teams/{glance.x_team_a.pk}/")[0] == 404


def test_the_navigation_offers_compliance_to_managers_and_org_admins(glance: World) -> None:
    link = f'href="{reverse("compliance")}"'
    for user, shown in (
        (glance.x_admin, True),
        (glance.x_manager_a, True),
        (glance.x_learner_a, False),
        (glance.x_assessor_a, False),
    ):
        assert (link in _page(user, "/")[1]) == shown, user
