"""PostgreSQL refuses UPDATE and DELETE on assessments: append-only below the ORM too."""

from django.db import migrations
from django.db.backends.base.schema import BaseDatabaseSchemaEditor
from django.db.migrations.state import StateApps

CREATE = """
CREATE OR REPLACE FUNCTION competencies_assessment_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'assessments are append-only: record a correction instead';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER competencies_assessment_append_only
    BEFORE UPDATE OR DELETE ON competencies_assessment
    FOR EACH ROW EXECUTE FUNCTION competencies_assessment_append_only();
"""
DROP = """
DROP TRIGGER IF EXISTS competencies_assessment_append_only ON competencies_assessment;
DROP FUNCTION IF EXISTS competencies_assessment_append_only();
"""


def create_trigger(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE)


def drop_trigger(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


class Migration(migrations.Migration):
    dependencies = [("competencies", "0001_initial")]

    operations = [migrations.RunPython(create_trigger, drop_trigger)]
