"""The org admin's audit trail page (issue 17): linked from the Organisation page, its
filters kept across pages, a page of the seeded demo's trail shown, and every table
labelled for assistive technology."""

import re

import pytest
from django.core.management import call_command

from accounts.models import User
from core import audit
from tests.audit.reading import PAGE, signed_in
from tests.conftest import World

pytestmark = pytest.mark.django_db


def test_the_organisation_page_links_to_the_trail_and_marks_it_current(world: World) -> None:
    page = signed_in(world.x_admin)

    hub = page.get("/organisation/").content.decode()
    trail = page.get(PAGE).content.decode()

    assert f'href="{PAGE}"' in hub
    assert re.search(r'href="/organisation/"[^>]*aria-current="page"', trail)


def test_older_pages_keep_the_filters_and_link_back_to_the_newest(world: World) -> None:
    team = world.x_team_a
    with audit.context(person=world.x_admin.pk, via="web", method="POST", path="/t/"):
        for number in range(60):
            team.name = f"Ward {number}"
            team.save()
    page = signed_in(world.x_admin)

    first = page.get(PAGE, {"kind": "team", "actor": "", "from": ""})
    html = first.content.decode()
    older = re.search(r'<a href="\?([^"]+)">Older</a>', html)

    assert first.status_code == 200 and older is not None
    query = older.group(1).replace("&amp;", "&")
    assert "kind=team" in query and "before=" in query and "actor=" not in query
    second = page.get(f"{PAGE}?{query}").content.decode()
    assert ">Newest</a>" in second and "Ward 0" in second and "Ward 59" not in second
    assert html.count('<tr id="event-team-') == 50


def test_the_demo_admin_reads_the_seeded_trail(db: None) -> None:
    call_command("seed_demo")
    admin = User.objects.get(email="admin@riverside-nhs.example")

    response = signed_in(admin).get(PAGE)

    html = response.content.decode()
    assert response.status_code == 200
    assert html.count('<tr id="event-') == 50
    assert html.count("<table") == html.count("<caption") > 1
    assert 'scope="col"' in html
