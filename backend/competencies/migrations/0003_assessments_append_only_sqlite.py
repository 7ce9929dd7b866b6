"""SQLite (the embedded default) refuses UPDATE on assessments too, as PostgreSQL has
since 0002: an assessment cannot be edited below the ORM in any run mode.

PostgreSQL also refuses a row DELETE while its TRUNCATE (how a test database is emptied)
fires no row trigger; SQLite has no TRUNCATE, empties a table with DELETE, so here a
DELETE is refused by the model only (Assessment.delete)."""

from django.db import migrations
from django.db.backends.base.schema import BaseDatabaseSchemaEditor
from django.db.migrations.state import StateApps

CREATE = """
CREATE TRIGGER IF NOT EXISTS competencies_assessment_append_only_update
BEFORE UPDATE ON competencies_assessment
BEGIN
    SELECT RAISE(ABORT, 'assessments are append-only: record a correction instead');
END;
"""
DROP = "DROP TRIGGER IF EXISTS competencies_assessment_append_only_update;"


def create_trigger(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    if schema_editor.connection.vendor == "sqlite":
        schema_editor.execute(CREATE)


def drop_trigger(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    if schema_editor.connection.vendor == "sqlite":
        schema_editor.execute(DROP)


class Migration(migrations.Migration):
    dependencies = [("competencies", "0002_assessments_append_only")]

    operations = [migrations.RunPython(create_trigger, drop_trigger)]
