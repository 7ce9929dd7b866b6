"""The organisation page (issue 16, pages for org admins): the main navigation's one
entry for running the organisation, with what each page is for and how many there are;
404 for anyone else; and while a second factor is owed the navigation offers only
signing out."""

import re

import pytest
from django.test import Client
from django.urls import reverse

from accounts.models import User
from accounts.second_factor import CHALLENGE, STATE_KEY
from tests import factories
from tests.conftest import World


def signed_in(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def text_of(html: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def test_an_org_admin_sees_each_page_with_its_count(world: World) -> None:
    factories.TeamFactory.create(organisation=world.org_y, name="Not theirs")

    response = signed_in(world.x_admin).get("/organisation/")

    assert response.status_code == 200
    html = response.content.decode()
    text = text_of(html)
    assert 'href="/organisation/" aria-current="page">Organisation</a>' in html
    assert f"People ({len(world.people_of(world.org_x))})" in text
    assert "Teams (2)" in text and "API keys (0 active)" in text
    for url in (
        "/organisation/people/",
        "/organisation/teams/",
        "/organisation/api-keys/",
        "/jobs/",
    ):
        assert f'href="{url}"' in html, url


@pytest.mark.parametrize("who", ["x_manager_a", "x_assessor_a", "x_learner_a"])
def test_anyone_else_gets_404_and_no_link(world: World, who: str) -> None:
    client = signed_in(getattr(world, who))

    assert client.get("/organisation/").status_code == 404
    assert 'href="/organisation/"' not in client.get("/").content.decode()


def test_while_a_second_factor_is_owed_the_navigation_offers_only_signing_out(
    world: World,
) -> None:
    client = signed_in(world.x_admin)
    learning = f'href="{reverse("my-learning")}"'
    assert learning in client.get("/").content.decode()
    session = client.session
    session[STATE_KEY] = CHALLENGE
    session.save()

    page = client.get("/second-factor/")

    html = page.content.decode()
    assert page.status_code == 200
    assert "Sign out" in html
    assert learning not in html and 'href="/organisation/"' not in html
