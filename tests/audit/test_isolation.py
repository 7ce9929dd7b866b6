"""Must-show 5 of issue 17 for the audit trail: an org admin of X never sees Y's events
(the list leaves them out, asking for Y or one of its events is a 404 with the same body
as a missing one), through the API and the page; Y's API keys never see X's; nobody
reads it who is not an org admin; and nothing can write to it through Hearth (405)."""

import pytest
from django.test import Client
from rest_framework.test import APIClient

from accounts.models import KeyScope, Team
from audit.models import TeamEvent
from tests.audit.reading import API, PAGE, api_for, signed_in, trail
from tests.conftest import World
from tests.support.api import key_client

pytestmark = pytest.mark.django_db


def _team_events(world: World) -> tuple[int, int]:
    x = api_for(world.x_admin).post(
        "/api/v1/teams/", {"organisation": world.org_x.pk, "name": "X ward"}
    )
    y = api_for(world.y_admin).post(
        "/api/v1/teams/", {"organisation": world.org_y.pk, "name": "Y ward"}
    )
    x_event = TeamEvent.objects.get(pgh_obj_id=x.json()["id"])
    y_event = TeamEvent.objects.get(pgh_obj_id=y.json()["id"])
    return x_event.pgh_id, y_event.pgh_id


def test_an_org_admin_of_x_never_sees_y_events_through_the_api(world: World) -> None:
    x_event, y_event = _team_events(world)
    admin = api_for(world.x_admin)

    listed = {(e["kind"], e["id"]) for e in trail(admin, page_size=200)}
    theirs = admin.get(f"{API}team/{y_event}/")
    missing = admin.get(f"{API}team/999999/")
    unknown_kind = admin.get(f"{API}nothing/{y_event}/")
    asked_for_y = admin.get(API, {"organisation": world.org_y.pk})

    assert ("team", x_event) in listed and ("team", y_event) not in listed
    y_teams = set(Team.objects.filter(organisation=world.org_y).values_list("pk", flat=True))
    assert not {e["object_id"] for e in trail(admin, kind="team", page_size=200)} & {
        str(pk) for pk in y_teams
    }
    assert theirs.status_code == missing.status_code == unknown_kind.status_code == 404
    assert theirs.json() == missing.json()
    assert asked_for_y.status_code == 404
    assert "Y ward" not in asked_for_y.content.decode()


def test_an_org_admin_of_x_never_sees_y_events_on_the_page(world: World) -> None:
    x_event, y_event = _team_events(world)
    page = signed_in(world.x_admin)

    listed = page.get(PAGE)
    asked_for_y = page.get(PAGE, {"organisation": world.org_y.pk})

    html = listed.content.decode()
    assert listed.status_code == 200
    assert f'id="event-team-{x_event}"' in html and "X ward" in html
    assert f'id="event-team-{y_event}"' not in html and "Y ward" not in html
    assert asked_for_y.status_code == 404


def test_y_api_keys_never_see_x_events(world: World) -> None:
    x_event, y_event = _team_events(world)
    for scope in (KeyScope.READ, KeyScope.READ_WRITE):
        key = key_client(world.org_y, scope=scope, name=f"key {scope}")
        listed = {(e["kind"], e["id"]) for e in trail(key, page_size=200)}
        assert ("team", y_event) in listed and ("team", x_event) not in listed
        assert key.get(f"{API}team/{x_event}/").status_code == 404
        assert key.get(API, {"organisation": world.org_x.pk}).status_code == 404


def test_managers_assessors_and_learners_read_no_trail(world: World) -> None:
    x_event, _ = _team_events(world)
    for person in (world.x_manager_a, world.x_assessor_a, world.x_learner_a):
        assert trail(api_for(person)) == []
        assert api_for(person).get(f"{API}team/{x_event}/").status_code == 404
        assert signed_in(person).get(PAGE).status_code == 404


def test_nobody_writes_to_the_trail_through_hearth(world: World) -> None:
    x_event, _ = _team_events(world)
    admin = api_for(world.x_admin)
    writer = key_client(world.org_x, scope=KeyScope.READ_WRITE)
    for client in (admin, writer):
        for method in ("post", "put", "patch", "delete"):
            assert getattr(client, method)(API, {}).status_code == 405
            assert getattr(client, method)(f"{API}team/{x_event}/", {}).status_code == 405
    assert signed_in(world.x_admin).post(PAGE, {}).status_code == 405
    assert TeamEvent.objects.filter(pgh_id=x_event).exists()


def test_signed_out_callers_get_nothing(world: World) -> None:
    assert APIClient().get(API).status_code in (401, 403)
    assert Client().get(PAGE).status_code == 302
