"""Compliance at a glance agrees with a recount from the raw records (issue 15, must-show
6): seeded random organisations (people in one or two teams, requirements of the whole
organisation or a team, of a role or every role, modules or recorded training only, with
random periods, windows and creation dates; completions, training records, exemptions,
memberships joined on random days, a grace period; a second organisation sharing people
and holding their records of the same modules). Every figure the API answers, as JSON
and as CSV, for the org admin, its API key and each team's manager, equals the recount
(tests/compliance/recount.py), which reads only the raw rows."""

import csv
import datetime
import io
from collections.abc import Iterator
from typing import Any

import pytest
import time_machine
from rest_framework.test import APIClient

from compliance.figures import figures_of
from compliance.models import TrainingRequirement
from compliance.selectors import PersonStanding
from compliance.states import Standing, State
from tests.compliance import recount
from tests.compliance.conftest import at_seven
from tests.support.api import key_client

TODAY = datetime.date(2026, 6, 15)


@pytest.fixture
def frozen_today(db: None) -> Iterator[None]:
    with time_machine.travel(at_seven(TODAY), tick=False):
        yield


def _client(user: Any) -> APIClient:
    client = APIClient()
    client.force_login(user)
    return client


def _csv(response: Any) -> list[dict[str, str]]:
    assert response.status_code == 200, response.content
    assert response["Content-Type"].startswith("text/csv")
    return list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))


def _all_rows(client: APIClient) -> list[dict[str, Any]]:
    rows, page = [], 1
    while True:
        body = client.get("/api/v1/compliance/people/", {"page": page, "page_size": 200}).json()
        rows += body["results"]
        if body["next"] is None:
            return rows
        page += 1


def _day(value: datetime.date | None) -> str | None:
    return value.isoformat() if value is not None else None


def _expected_rows(rows: list[recount.Row], people: set[int], organisation_id: int) -> list[Any]:
    return sorted(
        (
            organisation_id,
            row.person_id,
            row.full_name,
            row.requirement,
            row.state,
            _day(row.completed_on),
            _day(row.due_on),
            _day(row.valid_until),
        )
        for row in rows
        if row.person_id in people
    )


def _answered_rows(rows: list[dict[str, Any]]) -> list[Any]:
    return sorted(
        (
            row["organisation"],
            row["person"],
            row["full_name"],
            row["requirement"],
            row["state"],
            row["completed_on"] or None,
            row["due_on"] or None,
            row["valid_until"] or None,
        )
        for row in rows
    )


def _csv_figures(row: dict[str, str]) -> dict[str, Any]:
    """A CSV figures row in the JSON's shape."""
    number = {k: int(v) for k, v in row.items() if k not in {"share_met"} and v.isdigit()}
    return {
        "people": number["people"],
        "requirements": number["requirements"],
        "counted": number["counted"],
        "met": number["met"],
        "share_met": float(row["share_met"]) if row["share_met"] else None,
        "missed": number["missed"],
        "people_overdue": number["people_overdue"],
        "states": {state: number[state] for state in recount.STATES},
        **{f"due_within_{d}_days": number[f"due_within_{d}_days"] for d in (30, 60, 90)},
    }


@pytest.mark.parametrize("seed", [15, 2026, 7])
def test_the_api_and_csv_agree_with_a_recount_from_the_raw_records(
    frozen_today: None, seed: int
) -> None:
    world = recount.build(seed, TODAY)
    raw = recount.recount_rows(world.org_x, TODAY)
    everyone = recount.learners(world.org_x)
    assert len({row.state for row in raw}) >= 4, "the random data should reach most states"

    for client in (_client(world.admin), key_client(world.org_x)):
        body = client.get("/api/v1/compliance/").json()
        [organisation] = body["organisations"]
        assert body["on"] == TODAY.isoformat()
        assert organisation["id"] == world.org_x.pk
        assert organisation["figures"] == recount.count(everyone, raw, TODAY)
        for team, answered in zip(world.teams, organisation["teams"], strict=True):
            members = {p for p, teams in everyone.items() if team.pk in teams}
            assert (answered["id"], answered["name"]) == (team.pk, team.name)
            assert answered["figures"] == recount.count(members, raw, TODAY), team.name
        missed: dict[int, int] = {}
        for row in raw:
            if row.person_id in everyone and row.state in recount.MISSED:
                missed[row.person_id] = missed.get(row.person_id, 0) + 1
        names = {row.person_id: row.full_name for row in raw}
        assert organisation["people_overdue"] == [
            {"id": pk, "full_name": names[pk], "missed": n}
            for pk, n in sorted(missed.items(), key=lambda item: (names[item[0]], item[0]))
        ]
        expected = _expected_rows(raw, set(everyone), world.org_x.pk)
        assert _answered_rows(_all_rows(client)) == expected

        figures_csv = _csv(client.get("/api/v1/compliance/", {"format": "csv"}))
        assert [(r["level"], r["team"]) for r in figures_csv] == [
            ("organisation", ""),
            *(("team", str(team.pk)) for team in world.teams),
        ]
        assert [_csv_figures(r) for r in figures_csv] == [
            organisation["figures"],
            *(team["figures"] for team in organisation["teams"]),
        ]
        rows_csv = _csv(client.get("/api/v1/compliance/people/", HTTP_ACCEPT="text/csv"))
        assert (
            _answered_rows(
                [
                    {**r, "organisation": int(r["organisation"]), "person": int(r["person"])}
                    for r in rows_csv
                ]
            )
            == expected
        )

    for team in world.teams:
        members = {p for p, teams in everyone.items() if team.pk in teams}
        client = _client(world.managers[team.pk])
        [organisation] = client.get("/api/v1/compliance/").json()["organisations"]
        assert organisation["figures"] == recount.count(members, raw, TODAY), team.name
        assert [t["id"] for t in organisation["teams"]] == [team.pk]
        assert _answered_rows(_all_rows(client)) == _expected_rows(raw, members, world.org_x.pk)
        by_state = client.get(
            "/api/v1/compliance/people/", {"state": "overdue", "page_size": "200"}
        )
        assert _answered_rows(by_state.json()["results"]) == [
            row for row in _expected_rows(raw, members, world.org_x.pk) if row[4] == "overdue"
        ]


def test_due_windows_count_today_and_their_last_day_and_leave_out_missed_and_exempt() -> None:
    """The windows' edges (ADR 0019): due today and due on day N count within N days, day
    N + 1 does not; missed and exempt rows are never "due"; exempt rows leave the share's
    denominator."""

    requirement = TrainingRequirement(pk=1, organisation_id=1, title="Fire safety")

    def row(person: int, state: State, due_in: int | None) -> PersonStanding:
        due_on = None if due_in is None else TODAY + datetime.timedelta(days=due_in)
        return PersonStanding(person, None, requirement, Standing(state, None, None, due_on))

    rows = [
        row(1, State.NOT_STARTED, 0),
        row(1, State.DUE_SOON, 30),
        row(2, State.COMPLIANT, 31),
        row(2, State.COMPLIANT, 60),
        row(3, State.COMPLIANT, 90),
        row(3, State.COMPLIANT, 91),
        row(3, State.COMPLIANT, None),
        row(4, State.EXEMPT, 5),
        row(4, State.OVERDUE, -3),
        row(5, State.EXPIRED, 0),
    ]
    figures = figures_of(5, rows, on=TODAY).as_data()
    assert figures["due_within_30_days"] == 2
    assert figures["due_within_60_days"] == 4
    assert figures["due_within_90_days"] == 5
    assert (figures["requirements"], figures["counted"], figures["met"]) == (10, 9, 6)
    assert figures["share_met"] == 66.7
    assert (figures["missed"], figures["people_overdue"]) == (2, 2)
