"""The reader's filters, pages and costs (issue 17): each filter narrows in SQL, bad
filters are field errors (API) or a helpful message (page), pages follow `next` without
repeating or skipping an event, and a page costs a fixed number of queries however long
the trail."""

import datetime
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts.models import Team
from core import audit
from tests.audit.reading import API, PAGE, api_for, signed_in, trail
from tests.conftest import World
from tests.factories import TeamFactory

pytestmark = pytest.mark.django_db


def _rename(team: Team, times: int, person: int) -> None:
    with audit.context(person=person, via="web", method="POST", path="/x/", request_id="r" * 8):
        for number in range(times):
            team.name = f"{team.name.split(' #')[0]} #{number}"
            team.save()


def test_pages_follow_next_without_repeating_or_skipping(world: World) -> None:
    _rename(world.x_team_a, 7, world.x_admin.pk)
    admin = api_for(world.x_admin)
    everything = trail(admin, page_size=200)

    seen: list[tuple[str, int]] = []
    url: str | None = f"{API}?page_size=3"
    while url is not None:
        body = admin.get(url).json()
        seen += [(e["kind"], e["id"]) for e in body["results"]]
        url = body["next"]

    assert seen == [(e["kind"], e["id"]) for e in everything]
    assert len(seen) == len(set(seen)) > 10
    times = [e["at"] for e in everything]
    assert times == sorted(times, reverse=True)


def test_an_update_shows_only_what_changed_from_the_previous_event(world: World) -> None:
    _rename(world.x_team_a, 2, world.x_admin.pk)

    updates = trail(api_for(world.x_admin), kind="team", object=world.x_team_a.pk)

    assert [(e["action"], e["changes"]) for e in updates] == [
        ("update", [{"field": "name", "before": "X team A #0", "after": "X team A #1"}]),
        ("update", [{"field": "name", "before": "X team A", "after": "X team A #0"}]),
        ("insert", updates[2]["changes"]),
    ]


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"kind": "team"}, {"team"}),
        ({"kind": "membership"}, {"membership"}),
        ({"actor": "ACTOR"}, {"team"}),
        ({"person": "LEARNER"}, {"membership", "person"}),
    ],
)
def test_each_filter_narrows_the_trail(
    world: World, params: dict[str, str], expected: set[str]
) -> None:
    _rename(world.x_team_b, 1, world.x_admin.pk)
    asked = {
        name: value.replace("ACTOR", str(world.x_admin.pk)).replace(
            "LEARNER", str(world.x_learner_a.pk)
        )
        for name, value in params.items()
    }

    found = trail(api_for(world.x_admin), page_size=200, **asked)

    assert {e["kind"] for e in found} == expected
    if "actor" in params:
        assert [e["object_id"] for e in found] == [str(world.x_team_b.pk)]
    if "person" in params:
        assert {e["person"] for e in found} == {world.x_learner_a.pk}


def test_days_from_and_to_include_both_ends(world: World) -> None:
    today = timezone.localdate()
    admin = api_for(world.x_admin)

    assert trail(admin, **{"from": today.isoformat(), "to": today.isoformat()})
    yesterday = (today - datetime.timedelta(days=1)).isoformat()
    assert trail(admin, to=yesterday) == []
    tomorrow = (today + datetime.timedelta(days=1)).isoformat()
    assert trail(admin, **{"from": tomorrow}) == []


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"kind": "spaceship"}, "kind"),
        ({"actor": "not an actor"}, "actor"),
        ({"person": "x"}, "person"),
        ({"object": "-1"}, "object"),
        ({"from": "yesterday"}, "from"),
        ({"from": "2026-02-02", "to": "2026-01-01"}, "to"),
        ({"before": "not-a-position"}, "before"),
        ({"kind": ""}, "kind"),
        ({"page_size": "1000"}, "page_size"),
    ],
)
def test_bad_filters_are_field_errors_and_a_helpful_page(
    world: World, params: dict[str, str], field: str
) -> None:
    response = api_for(world.x_admin).get(API, params)
    page = signed_in(world.x_admin).get(PAGE, params)

    assert response.status_code == 400
    assert field in response.json()["error"]["fields"]
    if params.get("kind") != "" and field != "page_size":
        html = page.content.decode()
        assert page.status_code == 400 and "There is a problem" in html
        assert html.index("There is a problem") < html.index("<h1>")
    else:
        assert page.status_code == 200


def _queries(client: Any, **params: Any) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(API, params)
    assert response.status_code == 200
    return len(captured)


def test_a_page_costs_the_same_queries_for_a_short_and_a_long_trail(world: World) -> None:
    admin = api_for(world.x_admin)
    _rename(world.x_team_a, 1, world.x_manager_a.pk)
    short = _queries(admin, page_size=20)
    for number in range(30):
        team = TeamFactory.create(organisation=world.org_x, name=f"Team {number}")
        _rename(team, 2, world.x_manager_a.pk)
    long = _queries(admin, page_size=20)

    # Signing in and the actor (3), one query per event table and the access log (17),
    # the previous snapshots of the one table with updates on the page (2), the names (1).
    assert short == long == 23


def test_a_change_made_by_a_scheduled_job_says_so(world: World) -> None:
    with audit.context(via="task", task="accounts.tasks.leavers_due"):
        team = TeamFactory.create(organisation=world.org_x, name="Made by a job")

    event = trail(api_for(world.x_admin), kind="team", object=team.pk)[0]

    assert event["actor"] == {
        "person": None,
        "api_key": None,
        "name": "Hearth (scheduled job)",
        "via": "task",
    }
