"""Reads of personal data that matter are audited too (issue 17): the competency matrix
as CSV (page and API), the compliance people rows (CSV and JSON), a person record opened
by someone else; each appears once in the trail with who read what, about whom."""

from typing import Any

import pytest
from django.db import DatabaseError, connection, transaction
from rest_framework.test import APIClient

from accounts.models_access import AccessEvent
from tests.audit.reading import PAGE, api_for, signed_in, trail
from tests.conftest import World
from tests.support.api import key_client

pytestmark = pytest.mark.django_db


def _reads(client: APIClient, **params: Any) -> list[dict[str, Any]]:
    return trail(client, kind="access", **params)


def test_the_matrix_csv_from_the_page_and_the_api_is_logged_once_each(world: World) -> None:
    manager = signed_in(world.x_manager_a)

    page_csv = manager.get(f"/teams/{world.x_team_a.pk}/competency.csv")
    api_csv = api_for(world.x_manager_a).get(
        f"/api/v1/teams/{world.x_team_a.pk}/matrix/", {"format": "csv"}
    )
    api_json = api_for(world.x_manager_a).get(f"/api/v1/teams/{world.x_team_a.pk}/matrix/")

    assert (page_csv.status_code, api_csv.status_code, api_json.status_code) == (200, 200, 200)
    reads = _reads(api_for(world.x_admin))
    assert [(r["object_label"], r["actor"]["person"]) for r in reads] == [
        ("People data downloaded", world.x_manager_a.pk),
        ("People data downloaded", world.x_manager_a.pk),
    ]
    assert {r["request"]["path"] for r in reads} == {
        f"/teams/{world.x_team_a.pk}/competency.csv",
        f"/api/v1/teams/{world.x_team_a.pk}/matrix/",
    }
    assert all("Competency matrix of X team A as CSV" in str(r["description"]) for r in reads)
    assert all(r["action"] == "read" and r["changes"] == [] for r in reads)


def test_the_compliance_people_rows_are_logged_for_their_organisation(world: World) -> None:
    key = key_client(world.org_x, name="Reporting tool")

    as_csv = key.get("/api/v1/compliance/people/", {"format": "csv"})
    as_json = key.get("/api/v1/compliance/people/")

    assert (as_csv.status_code, as_json.status_code) == (200, 200)
    reads = _reads(api_for(world.x_admin))
    assert [r["description"] for r in reads] == [
        "Compliance of people as JSON",
        "Compliance of people as CSV",
    ]
    assert all(str(r["actor"]["name"]).startswith("API key “Reporting tool”") for r in reads)
    assert _reads(api_for(world.y_admin)) == []


def test_a_person_record_opened_by_a_manager_is_logged_but_not_ones_own(world: World) -> None:
    opened = signed_in(world.x_manager_a).get(f"/people/{world.x_learner_a.pk}/")
    own = signed_in(world.x_admin).get(f"/people/{world.x_admin.pk}/")

    assert opened.status_code == 200
    assert own.status_code in (200, 404)
    reads = _reads(api_for(world.x_admin))
    assert len(reads) == 1
    assert reads[0]["object_label"] == "Person record opened"
    assert reads[0]["person"] == world.x_learner_a.pk
    assert reads[0]["person_name"] == world.x_learner_a.full_name
    assert reads[0]["actor"]["name"] == world.x_manager_a.full_name
    assert _reads(api_for(world.x_admin), person=world.x_learner_a.pk) == reads
    assert _reads(api_for(world.x_admin), person=world.x_learner_b.pk) == []
    html = signed_in(world.x_admin).get(PAGE, {"kind": "access"}).content.decode()
    assert "Person record opened" in html and world.x_manager_a.full_name in html


def test_the_access_log_refuses_raw_changes(world: World) -> None:
    signed_in(world.x_manager_a).get(f"/people/{world.x_learner_a.pk}/")
    table = connection.ops.quote_name(AccessEvent._meta.db_table)
    with (
        pytest.raises(DatabaseError),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(f"DELETE FROM {table}")  # noqa: S608
    assert AccessEvent.objects.count() == 1
