"""Listing users and groups takes a fixed number of queries whatever their number (the
token, the rows, their relations): no query per row."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.provisioning.conftest import Scim


def _queries(scim: Scim, path: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = scim.send("GET", path)
    assert response.status_code == 200
    return len(captured)


@pytest.mark.parametrize(("path", "expected"), [("Users", 2), ("Groups", 3)])
def test_lists_take_the_same_queries_for_2_or_20_people(
    scim_a: Scim, path: str, expected: int
) -> None:
    ids = [scim_a.create_user(f"p{n}", f"p{n}@x.example")["id"] for n in range(2)]
    scim_a.create_group("Small", ids)
    small = _queries(scim_a, path)
    ids += [scim_a.create_user(f"q{n}", f"q{n}@x.example")["id"] for n in range(18)]
    scim_a.create_group("Large", ids)
    scim_a.create_group("Empty")

    assert (small, _queries(scim_a, path)) == (expected, expected)
