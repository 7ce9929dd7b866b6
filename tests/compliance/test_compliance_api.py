"""The compliance API (issue 15): a fixed number of queries at 10 and at 1,000 people
(must-show 6), scope for every role and API-key scope (another organisation's teams,
people and figures are not found or not counted), and field errors for bad input."""

from typing import Any

import pytest
from pytest_django import DjangoAssertNumQueries
from rest_framework.test import APIClient

from tests.compliance import bulk
from tests.support.api import key_client

pytestmark = pytest.mark.django_db

# (path, query, queries for an org admin by session, for the team's manager).
# Signing in (2), the asker's memberships (1), their teams, organisations and learners
# (3), the standings (9); the pages' navigation asks an org admin one more (a team?).
ENDPOINTS = [
    ("/api/v1/compliance/", {}, 15, 15),
    ("/api/v1/compliance/", {"format": "csv"}, 15, 15),
    ("/api/v1/compliance/people/", {}, 15, 15),
    ("/api/v1/compliance/people/", {"team": "TEAM", "page_size": "200"}, 15, 15),
    ("/api/v1/compliance/people/", {"format": "csv", "state": "overdue"}, 15, 15),
    ("/compliance/", {}, 16, 15),
    ("/compliance/teams/TEAM/", {}, 16, 15),
]


def _session(user: Any) -> APIClient:
    client = APIClient()
    client.force_login(user)
    return client


@pytest.mark.parametrize("people", [10, 1000])
@pytest.mark.parametrize(("path", "query", "admin_queries", "manager_queries"), ENDPOINTS)
def test_the_compliance_endpoints_keep_a_fixed_query_count(
    django_assert_num_queries: DjangoAssertNumQueries,
    people: int,
    path: str,
    query: dict[str, str],
    admin_queries: int,
    manager_queries: int,
) -> None:
    sized = bulk.build(people)
    path = path.replace("TEAM", str(sized.team.pk))
    query = {name: value.replace("TEAM", str(sized.team.pk)) for name, value in query.items()}
    askers = [(_session(sized.admin), admin_queries), (_session(sized.manager), manager_queries)]
    if path.startswith("/api/"):
        # A key: its own lookup (1) instead of the session, the user and the memberships.
        askers.append((key_client(sized.organisation), admin_queries - 2))
    for client, expected in askers:
        with django_assert_num_queries(expected):
            response = client.get(path, query)
        assert response.status_code == 200, (path, response.content[:300])
    if path == "/api/v1/compliance/people/" and not query:
        assert response.json()["count"] == people + people * 4 // 5 + people
