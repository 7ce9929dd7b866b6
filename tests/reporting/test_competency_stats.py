"""Competency figures (issue 7, must show 1): on seeded random data the API's figures equal
a person-by-person recount (using competencies' own state rule) for every grouping and
filter, and the CSV says the same as the JSON."""

import itertools
from collections import defaultdict
from collections.abc import Callable
from typing import Any

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from accounts.models import User
from competencies.models import Competency
from tests.reporting.data import COMPETENCY_FIGURES, build, recount_competencies
from tests.reporting.test_completions import assert_csv_matches_json, csv_rows
from tests.support.api import key_client

URL = "/api/v1/stats/competencies/"
DIMENSIONS = ("competency", "domain", "level", "organisation", "sector")
GROUPINGS = [
    combo
    for size in range(len(DIMENSIONS) + 1)
    for combo in itertools.combinations(DIMENSIONS, size)
]
ROW_KEYS = {
    "competency": "competency_id",
    "domain": "domain",
    "level": "level",
    "organisation": "organisation_id",
    "sector": "sector",
}


def roll_up(
    leaves: dict[tuple[int, int], list[int]],
    dims: tuple[str, ...],
    sector_of: dict[int, str],
    competencies: dict[int, Competency],
    keep: Callable[[int, int], bool],
) -> dict[tuple, list[int]]:
    grouped: dict[tuple, list[int]] = defaultdict(lambda: [0] * 6)
    for (competency_id, organisation_id), counts in leaves.items():
        if not keep(competency_id, organisation_id):
            continue
        competency = competencies[competency_id]
        values: dict[str, Any] = {
            "competency": competency_id,
            "domain": competency.domain,
            "level": competency.level,
            "organisation": organisation_id,
            "sector": sector_of[organisation_id],
        }
        row = grouped[tuple(values[dim] for dim in dims)]
        for index, count in enumerate(counts):
            row[index] += count
    return dict(grouped)


def api_rows(body: dict[str, Any], dims: tuple[str, ...]) -> dict[tuple, list[int]]:
    return {
        tuple(row[ROW_KEYS[dim]] for dim in dims): [row[name] for name in COMPETENCY_FIGURES]
        for row in body["rows"]
        if any(row[name] for name in COMPETENCY_FIGURES)
    }


@pytest.mark.parametrize("seed", [11, 12])
def test_every_grouping_and_filter_equals_a_recount_and_csv_agrees(db: None, seed: int) -> None:
    data = build(seed)
    organisation = data.organisations[1]
    client = key_client(data.organisations[1])
    today = timezone.localdate()
    competencies = {c.pk: c for c in Competency.objects.all()}
    ours = {c.pk for c in data.competencies}
    team = data.teams[2]
    assert team.organisation_id == organisation.pk
    whole = recount_competencies(organisation_ids=[organisation.pk], on=today)
    in_team = recount_competencies(
        organisation_ids=[organisation.pk], team_filter=team.pk, on=today
    )
    some = data.competencies[3]
    assert any(counts[4] for counts in whole.values()), "some requirements apply"
    assert any(counts[1] for counts in whole.values()), "some competencies expire soon"
    filters: list[tuple[dict[str, Any], dict[tuple[int, int], list[int]], Callable[..., bool]]] = [
        ({}, whole, lambda c, o: c in ours),
        ({"team": team.pk}, in_team, lambda c, o: c in ours),
        ({"domain": "act"}, whole, lambda c, o: competencies[c].domain == "act"),
        ({"level": 2}, whole, lambda c, o: competencies[c].level == 2),
        ({"competency": some.pk}, whole, lambda c, o: c == some.pk),
        ({"sector": organisation.sector}, whole, lambda c, o: c in ours),
        ({"sector": "voluntary"}, whole, lambda c, o: False),
    ]
    for params, leaves, keep in filters:
        for dims in GROUPINGS:
            query = {**params, "group_by": ",".join(dims)}
            response = client.get(URL, query)
            assert response.status_code == 200, (query, response.content)
            body = response.json()
            expected = roll_up(leaves, dims, data.sector_of, competencies, keep)
            nonzero = {key: row for key, row in expected.items() if any(row)}
            if dims:
                assert api_rows(body, dims) == nonzero, query
            totals = [sum(column) for column in zip(*expected.values(), strict=True)] or [0] * 6
            assert [body["totals"][name] for name in COMPETENCY_FIGURES] == totals, query
            csv_response = client.get(URL, {**query, "format": "csv"})
            assert_csv_matches_json(body, csv_rows(csv_response))


def test_every_competency_has_a_row_when_grouped_by_competency(
    db: None, client_for: Callable[[User], APIClient]
) -> None:
    data = build(13, people=4)
    admin = client_for(data.admins[data.organisations[3].pk])

    body = admin.get(URL).json()

    assert body["group_by"] == ["competency"]
    assert [row["competency_code"] for row in body["rows"]] == sorted(
        c.code for c in Competency.objects.all()
    )
    first = body["rows"][0]
    assert set(first) >= {"competency_id", "competency", "domain", "level", *COMPETENCY_FIGURES}
    assert body["expiring_soon_days"] == 60


def test_an_unknown_competency_is_not_found(db: None) -> None:
    data = build(14, people=4)

    response = key_client(data.organisations[0]).get(URL, {"competency": 999_999})

    assert response.status_code == 404
