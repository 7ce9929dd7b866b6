"""Issue 16, must show 3: bulk onboarding. A file previews and applies; applying it again
changes 0 rows (every row of every table compared); bad rows are each reported and nothing
is saved; XLSX reads as CSV does; out of scope is 404, a read-only key 403; a fixed number
of queries whatever the file's size (ADR 0022)."""

import datetime
import io
from collections.abc import Callable
from typing import Any

import pytest
import tablib
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from rest_framework.test import APIClient

from accounts.models import KeyScope, Membership, MembershipStatus, OrganisationAPIKey, Role, User
from accounts.selectors import actor_for_user
from accounts.services_onboarding import onboarding_apply, onboarding_plan
from core.errors import HearthError
from core.models import Job
from tests import factories
from tests.conftest import World

HEADERS = [
    "Employee number",
    "Name",
    "Work email",
    "Team",
    "Role",
    "Manager",
    "Start date",
    "Leaving date",
]


def people(count: int, *, team: str = "X team A", start: int = 0) -> list[list[str]]:
    return [
        [f"E{n:05}", f"Person {n}", f"p{n}@example.org", team, "learner", "", "2026-01-05", ""]
        for n in range(start, start + count)
    ]


def csv_of(rows: list[list[str]]) -> bytes:
    out = io.StringIO()
    data = tablib.Dataset(*rows, headers=HEADERS)
    out.write(data.export("csv"))
    return out.getvalue().encode()


def xlsx_of(rows: list[list[str]]) -> bytes:
    return bytes(tablib.Dataset(*rows, headers=HEADERS).export("xlsx"))


def snapshot() -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table, to prove that applying again changed nothing."""
    tables: dict[str, list[tuple[Any, ...]]] = {}
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names():
            cursor.execute(f'SELECT * FROM "{table}"')  # noqa: S608 - names from introspection
            tables[table] = sorted(cursor.fetchall(), key=repr)
    return tables


def test_preview_then_apply_then_apply_again_changes_nothing(world: World) -> None:
    actor = actor_for_user(world.x_admin)
    leaver = world.x_learner_b
    rows = people(3)
    rows[1][5] = "p0@example.org"  # p0 manages p1's team
    rows.append(["E9", "Moved Person", world.x_learner_a.email, "X team B", "learner", "", "", ""])
    rows.append(["E8", "Gone", leaver.email, "X team B", "learner", "", "", "2026-01-01"])
    content = csv_of(rows)

    plan = onboarding_plan(actor=actor, organisation_id=world.org_x.pk, content=content)

    assert plan.counts == {
        "create": 3,
        "change": 0,
        "move": 1,
        "deactivate": 1,
        "unchanged": 0,
        "errors": 0,
        "managers_added": 1,
    }
    assert not User.objects.filter(email="p0@example.org").exists()

    onboarding_apply(actor=actor, organisation_id=world.org_x.pk, content=content)

    new = Membership.including_pending.get(user__email="p1@example.org")
    assert (new.status, new.employee_number, new.team, new.role) == (
        MembershipStatus.PENDING,
        "E00001",
        world.x_team_a,
        Role.LEARNER,
    )
    assert Membership.including_pending.filter(
        user__email="p0@example.org", team=world.x_team_a, role=Role.MANAGER
    ).exists()
    assert Membership.objects.get(user=world.x_learner_a).team == world.x_team_b
    assert not Membership.including_pending.filter(user=leaver).exists()
    assert Job.objects.filter(task="accounts.tasks.send_import_emails").count() == 1
    before = snapshot()

    again = onboarding_apply(actor=actor, organisation_id=world.org_x.pk, content=content)

    assert again.counts["unchanged"] == 5
    assert again.counts["managers_added"] == 0
    assert snapshot() == before


def test_fifty_bad_rows_are_each_reported_and_nothing_is_saved(world: World) -> None:
    actor = actor_for_user(world.x_admin)
    rows = people(100)
    for n in range(0, 100, 2):
        rows[n][4] = "boss"  # 50 bad roles among 50 good rows
    content = csv_of(rows)
    before = snapshot()

    plan = onboarding_plan(actor=actor, organisation_id=world.org_x.pk, content=content)

    assert len(plan.errors) == 50
    assert str(plan.errors[0]) == (
        "Row 2, Role: “boss” is not a role here; use learner or manager."
    )
    assert [error.row for error in plan.errors] == list(range(2, 102, 2))
    with pytest.raises(HearthError) as refused:
        onboarding_apply(actor=actor, organisation_id=world.org_x.pk, content=content)
    assert len(refused.value.fields["file"]) == 50
    assert snapshot() == before

    for n in range(0, 100, 2):
        rows[n][4] = "learner"
    onboarding_apply(actor=actor, organisation_id=world.org_x.pk, content=csv_of(rows))
    assert Membership.including_pending.filter(organisation=world.org_x).count() == 105


def test_row_errors_name_row_column_and_problem(world: World) -> None:
    actor = actor_for_user(world.x_admin)
    rows = [
        ["E1", "", "not-an-email", "Nowhere", "learner", "", "yesterday", ""],
        ["E1", "Two", "two@example.org", "X team A", "learner", "zz@example.org", "", ""],
    ]

    plan = onboarding_plan(actor=actor, organisation_id=world.org_x.pk, content=csv_of(rows))

    assert [str(error) for error in plan.errors] == [
        "Row 2, Start date: “yesterday” is not a date; write it as 2026-09-30 or 30/09/2026.",
        "Row 2, Name: Enter a value.",
        "Row 2, Work email: “not-an-email” is not an email address.",
        "Row 2, Team: There is no team “Nowhere” in Organisation X.",
        "Row 3, Employee number: Row 2 already has “E1”.",
    ]


def test_xlsx_previews_as_csv_does(world: World) -> None:
    actor = actor_for_user(world.x_admin)
    rows = people(5)

    plan = onboarding_plan(
        actor=actor, organisation_id=world.org_x.pk, content=xlsx_of(rows), filename="p.xlsx"
    )

    assert plan.counts["create"] == 5 and not plan.errors


def test_a_person_of_another_organisation_is_added_here_not_changed_there(
    world: World, django_capture_on_commit_callbacks: Callable[..., Any], mailoutbox: list[Any]
) -> None:
    actor = actor_for_user(world.x_admin)
    theirs = Membership.objects.get(user=world.y_learner)
    rows = [
        ["E1", "Renamed", world.y_learner.email, "X team A", "manager", "", "", ""],
        ["E2", "New Person", "new@example.org", "X team A", "learner", "", "", ""],
    ]

    with django_capture_on_commit_callbacks(execute=True):
        onboarding_apply(actor=actor, organisation_id=world.org_x.pk, content=csv_of(rows))

    assert sorted(m.to[0] for m in mailoutbox) == sorted(["new@example.org", world.y_learner.email])

    world.y_learner.refresh_from_db()
    assert world.y_learner.full_name != "Renamed"
    assert Membership.objects.get(pk=theirs.pk).role == Role.LEARNER
    mine = Membership.including_pending.get(user=world.y_learner, organisation=world.org_x)
    assert (mine.status, mine.invited_full_name) == (MembershipStatus.PENDING, "Renamed")
    assert Job.objects.filter(task="accounts.tasks.send_import_emails").count() == 1


def test_queries_are_the_same_for_10_and_1000_rows(
    db: None, django_assert_num_queries: Callable[..., Any]
) -> None:
    for count in (10, 1000):
        organisation = factories.OrganisationFactory.create()
        factories.TeamFactory.create(organisation=organisation, name="X team A")
        actor = actor_for_user(World.person(organisation, None, Role.ORG_ADMIN))
        content = csv_of(people(count, start=count))
        with django_assert_num_queries(5):
            onboarding_plan(actor=actor, organisation_id=organisation.pk, content=content)
        with django_assert_num_queries(14):
            onboarding_apply(actor=actor, organisation_id=organisation.pk, content=content)


def _upload(content: bytes, organisation: int, name: str = "people.csv") -> dict[str, Any]:
    return {"organisation": organisation, "file": SimpleUploadedFile(name, content)}


def test_api_previews_and_applies(world: World, client_for: Callable[[User], APIClient]) -> None:
    client = client_for(world.x_admin)
    content = csv_of([*people(2), ["E9", "Bad", "bad", "X team A", "learner", "", "", ""]])

    preview = client.post(
        "/api/v1/people/import/?dry_run=true", _upload(content, world.org_x.pk), format="multipart"
    )

    assert preview.status_code == 200, preview.content
    body = preview.json()
    assert body["counts"]["create"] == 2 and body["counts"]["errors"] == 1
    assert body["rows"][2]["row_errors"] == [
        {"column": "email", "message": "“bad” is not an email address."}
    ]
    refused = client.post(
        "/api/v1/people/import/", _upload(content, world.org_x.pk), format="multipart"
    )
    assert refused.status_code == 400
    assert len(refused.json()["error"]["fields"]["file"]) == 1
    applied = client.post(
        "/api/v1/people/import/", _upload(csv_of(people(2)), world.org_x.pk), format="multipart"
    )
    assert applied.status_code == 200 and applied.json()["counts"]["create"] == 2
    again = client.post(
        "/api/v1/people/import/", _upload(csv_of(people(2)), world.org_x.pk), format="multipart"
    )
    assert again.json()["counts"]["unchanged"] == 2 and again.json()["rows"] == []


def test_api_refuses_a_file_it_cannot_read(
    world: World, client_for: Callable[[User], APIClient]
) -> None:
    client = client_for(world.x_admin)
    response = client.post(
        "/api/v1/people/import/", _upload(b"a,b\n1,2\n", world.org_x.pk), format="multipart"
    )
    assert response.status_code == 400
    assert "file" in response.json()["error"]["fields"]


@pytest.mark.parametrize("who", ["y_admin", "x_manager_a", "x_learner_a", "x_assessor_a"])
def test_only_the_organisations_admin_imports(
    world: World, client_for: Callable[[User], APIClient], who: str
) -> None:
    client = client_for(getattr(world, who))
    before = snapshot()
    response = client.post(
        "/api/v1/people/import/", _upload(csv_of(people(2)), world.org_x.pk), format="multipart"
    )
    assert response.status_code == 404
    assert snapshot() == before


@pytest.mark.parametrize(
    ("scope", "status", "elsewhere"), [(KeyScope.READ, 403, 403), (KeyScope.READ_WRITE, 200, 404)]
)
def test_api_keys(world: World, scope: str, status: int, elsewhere: int) -> None:
    """A read-only key's POST is refused before the view (403 read_only, as every POST);
    a read-write key imports into its own organisation only."""
    _, key = OrganisationAPIKey.objects.create_key(name="k", organisation=world.org_x, scope=scope)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Api-Key {key}")
    other = client.post(
        "/api/v1/people/import/", _upload(csv_of(people(2)), world.org_y.pk), format="multipart"
    )
    assert other.status_code == elsewhere
    response = client.post(
        "/api/v1/people/import/", _upload(csv_of(people(2)), world.org_x.pk), format="multipart"
    )
    assert response.status_code == status
    assert User.objects.filter(email="p0@example.org").exists() == (status == 200)


def test_ten_thousand_rows_end_to_end(world: World) -> None:
    actor = actor_for_user(world.x_admin)
    content = csv_of(people(10_000))
    plan = onboarding_plan(actor=actor, organisation_id=world.org_x.pk, content=content)
    assert plan.counts["create"] == 10_000
    onboarding_apply(actor=actor, organisation_id=world.org_x.pk, content=content)
    again = onboarding_apply(actor=actor, organisation_id=world.org_x.pk, content=content)
    assert again.counts["unchanged"] == 10_000
    assert (
        Membership.including_pending.filter(starts_on=datetime.date(2026, 1, 5)).count() == 10_000
    )
