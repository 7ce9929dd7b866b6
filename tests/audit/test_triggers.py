"""The audit trail is kept by the database (issue 17, must-show 1; ADR 0027): the same
tests in both passes, pghistory's triggers on PostgreSQL and ours on SQLite."""

import pytest
from django.db import DatabaseError, connection, transaction
from django.test.utils import CaptureQueriesContext

from audit.models import TeamEvent
from core import audit, audit_sqlite
from tests import factories

pytestmark = pytest.mark.django_db


def test_each_change_writes_one_event_with_its_context_and_snapshot() -> None:
    organisation = factories.OrganisationFactory.create()
    with audit.context(person=7, via="web", method="POST", path="/teams/", request_id="r1"):
        team = factories.TeamFactory.create(organisation=organisation, name="Ward 4")
        team.name = "Ward 5"
        team.save()
        team.save()  # nothing changed: no event
        team_id = team.pk
        team.delete()

    events = list(TeamEvent.objects.filter(pgh_obj_id=team_id).order_by("pgh_id"))
    assert [(e.pgh_label, e.name) for e in events] == [
        ("insert", "Ward 4"),
        ("update", "Ward 5"),
        ("delete", "Ward 5"),
    ]
    assert {e.pgh_context["request_id"] for e in events} == {"r1"}
    assert events[0].pgh_context == {
        "person": 7,
        "via": "web",
        "method": "POST",
        "path": "/teams/",
        "request_id": "r1",
    }
    assert len({e.pgh_context_id for e in events}) == 1
    assert events[0].organisation_id == organisation.pk


def test_a_change_outside_any_context_is_still_recorded_without_one() -> None:
    team = factories.TeamFactory.create()
    event = TeamEvent.objects.get(pgh_obj_id=team.pk)
    assert (event.pgh_label, event.pgh_context, event.pgh_context_id) == ("insert", None, None)


@pytest.mark.parametrize("statement", ["UPDATE {table} SET name = 'x'", "DELETE FROM {table}"])
def test_the_database_refuses_raw_sql_that_changes_or_deletes_events(statement: str) -> None:
    factories.TeamFactory.create(name="Kept")
    sql = statement.format(table=connection.ops.quote_name(TeamEvent._meta.db_table))
    refused = pytest.raises(DatabaseError, match=r"audit events cannot|Cannot update or delete")
    with refused, transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql)
    assert list(TeamEvent.objects.values_list("name", flat=True)) == ["Kept"]


def test_only_redaction_may_rewrite_an_event() -> None:
    factories.TeamFactory.create(name="Before")
    with audit.redacting():
        TeamEvent.objects.update(name="Redacted")
    assert list(TeamEvent.objects.values_list("name", flat=True)) == ["Redacted"]


@pytest.mark.embedded_only
def test_the_sqlite_triggers_reinstall_under_the_debug_cursor() -> None:
    """`make run` migrates with DEBUG on, whose cursor formats each statement it logs."""
    with CaptureQueriesContext(connection) as queries:
        installed = audit_sqlite.install(connection)
    expected = 3 * len(audit_sqlite.event_models()) + 2 * len(audit_sqlite.append_only_models())
    assert installed == expected
    assert sum("CREATE TRIGGER" in q["sql"] for q in queries.captured_queries) == expected
