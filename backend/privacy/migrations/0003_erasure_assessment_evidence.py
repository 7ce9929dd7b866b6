"""Erasure may overwrite an assessment's evidence (issue 17): assessments stay append-only
below the ORM for everyone else, but their trigger lets an UPDATE through while erasure
says so, as the audit tables' triggers do inside `core.audit.redacting()`.

PostgreSQL: the trigger function returns the row when the transaction-local setting
`hearth.erasing` is `on` (privacy.erasure sets it, and clears it after). SQLite: the
update trigger fires only when `hearth_audit_may_redact()` (core.audit_sqlite) is 0."""

from django.db import migrations
from django.db.backends.base.schema import BaseDatabaseSchemaEditor
from django.db.migrations.state import StateApps

REFUSAL = "assessments are append-only: record a correction instead"

POSTGRESQL_ERASABLE = f"""
CREATE OR REPLACE FUNCTION competencies_assessment_append_only() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'UPDATE' AND coalesce(current_setting('hearth.erasing', true), '') = 'on' THEN
        RETURN NEW;
    END IF;
    RAISE EXCEPTION '{REFUSAL}';
END;
$$ LANGUAGE plpgsql;
"""
POSTGRESQL_STRICT = f"""
CREATE OR REPLACE FUNCTION competencies_assessment_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION '{REFUSAL}';
END;
$$ LANGUAGE plpgsql;
"""
SQLITE_DROP = "DROP TRIGGER IF EXISTS competencies_assessment_append_only_update;"
SQLITE_ERASABLE = f"""
CREATE TRIGGER competencies_assessment_append_only_update
BEFORE UPDATE ON competencies_assessment WHEN hearth_audit_may_redact() = 0
BEGIN
    SELECT RAISE(ABORT, '{REFUSAL}');
END;
"""
SQLITE_STRICT = f"""
CREATE TRIGGER competencies_assessment_append_only_update
BEFORE UPDATE ON competencies_assessment
BEGIN
    SELECT RAISE(ABORT, '{REFUSAL}');
END;
"""


def erasable(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(POSTGRESQL_ERASABLE)
    elif vendor == "sqlite":
        schema_editor.execute(SQLITE_DROP)
        schema_editor.execute(SQLITE_ERASABLE)


def strict(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(POSTGRESQL_STRICT)
    elif vendor == "sqlite":
        schema_editor.execute(SQLITE_DROP)
        schema_editor.execute(SQLITE_STRICT)


class Migration(migrations.Migration):
    dependencies = [
        ("privacy", "0002_exports_scope"),
        ("competencies", "0005_audit_triggers"),
    ]

    operations = [migrations.RunPython(erasable, strict)]
