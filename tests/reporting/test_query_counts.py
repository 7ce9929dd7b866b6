"""Each statistics request runs a fixed number of SQL queries whatever the data size
(issue 7, must show 3): pinned on small and on larger data, JSON and CSV alike."""

from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from accounts.models import User
from tests.reporting.data import Data, build
from tests.support.api import key_client
from training.models import Enrolment

# With an API key: the key, then the figures, the names each grouping shows (one query per
# kind: modules, teams, organisations), and the response validator.
KEY = 1
VALIDATOR = 1
# With a session: the session, the user, the person's memberships.
SESSION = 3

CASES: list[tuple[str, str, dict[str, Any], int]] = [
    # who, url, parameters, queries after authentication
    ("key", "/api/v1/stats/completions/", {}, 1 + VALIDATOR),
    ("key", "/api/v1/stats/completions/", {"group_by": "module"}, 2 + VALIDATOR),
    ("key", "/api/v1/stats/completions/", {"group_by": "month"}, 1 + VALIDATOR),
    ("key", "/api/v1/stats/completions/", {"group_by": "module,month"}, 2 + VALIDATOR),
    (
        "key",
        "/api/v1/stats/completions/",
        {"group_by": "module,team,sector,month,organisation"},
        4 + VALIDATOR,
    ),
    # a team filter and a module filter are each checked against scope (one query each)
    (
        "key",
        "/api/v1/stats/completions/",
        {"group_by": "team", "team": "TEAM", "module": "MODULE"},
        4 + VALIDATOR,
    ),
    ("manager", "/api/v1/stats/completions/", {"group_by": "team"}, 2 + VALIDATOR),
    # the competencies, then all six figures in one query (+ organisations' names)
    ("key", "/api/v1/stats/competencies/", {}, 2 + VALIDATOR),
    ("key", "/api/v1/stats/competencies/", {"group_by": "domain,sector"}, 3 + VALIDATOR),
    ("admin", "/api/v1/stats/competencies/", {"group_by": "level", "team": "TEAM"}, 3 + VALIDATOR),
    # partnership: its name, its members, the figures (+ module names)
    (
        "viewer",
        "/api/v1/partnerships/P/stats/completions/",
        {"group_by": "organisation"},
        3 + VALIDATOR,
    ),
    (
        "viewer",
        "/api/v1/partnerships/P/stats/completions/",
        {"group_by": "module,sector"},
        4 + VALIDATOR,
    ),
    (
        "viewer",
        "/api/v1/partnerships/P/stats/competencies/",
        {"group_by": "competency,organisation"},
        4 + VALIDATOR,
    ),
    # indicators: the scope (two for a partnership), then three queries for every figure
    ("viewer", "/api/v1/indicators/", {"partnership": "P", "quarter": "2026-Q2"}, 5 + VALIDATOR),
    ("key", "/api/v1/indicators/", {"organisation": "ORG", "quarter": "2026-Q2"}, 4 + VALIDATOR),
]


def _client(data: Data, who: str, client_for: Callable[[User], APIClient]) -> tuple[APIClient, int]:
    if who == "key":
        return key_client(data.organisations[0]), KEY
    if who == "manager":
        return client_for(data.managers[data.teams[0].pk]), SESSION
    if who == "admin":
        return client_for(data.admins[data.organisations[0].pk]), SESSION
    return client_for(data.viewer), SESSION


def _fill(data: Data, url: str, params: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    # Filters that match something, so every name lookup has names to look up.
    sample = (
        Enrolment.objects.filter(team=data.teams[0])
        .exclude(status="withdrawn")
        .order_by("pk")
        .first()
    )
    assert sample is not None
    replacements = {
        "TEAM": str(sample.team_id),
        "MODULE": str(sample.module_id),
        "ORG": str(data.organisations[0].pk),
        "P": str(data.partnership.pk),
    }
    filled = {key: replacements.get(value, value) for key, value in params.items()}
    return url.replace("/P/", f"/{data.partnership.pk}/"), filled


@pytest.mark.full_only("query counts are pinned for PostgreSQL, the production database")
@pytest.mark.parametrize(("people", "modules"), [(16, 1), (160, 8)])
def test_each_request_runs_a_fixed_number_of_queries(
    db: None, client_for: Callable[[User], APIClient], people: int, modules: int
) -> None:
    data = build(31, people=people, modules=modules)
    assert Enrolment.objects.filter(team=data.teams[0]).exclude(status="withdrawn").exists()
    counted = []
    for who, url, params, queries in CASES:
        client, authentication = _client(data, who, client_for)
        url, params = _fill(data, url, params)
        for format_params in ({}, {"format": "csv"}):
            with CaptureQueriesContext(connection) as captured:
                response = client.get(url, {**params, **format_params})
            assert response.status_code == 200, (url, params, response.content)
            counted.append((who, url, params, len(captured)))
            assert len(captured) == authentication + queries, (
                who,
                url,
                params,
                format_params,
                [q["sql"][:120] for q in captured.captured_queries],
            )
    assert len(counted) == 2 * len(CASES)


@pytest.mark.full_only("the indexes are PostgreSQL's")
def test_the_filters_indexes_exist(db: None) -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT indexname FROM pg_indexes WHERE indexname LIKE 'reporting_%%'")
        names = {row[0] for row in cursor.fetchall()}

    assert {
        "reporting_enrolment_org_created",
        "reporting_enrolment_completed",
        "reporting_assessment_org_assessed",
    } <= names
