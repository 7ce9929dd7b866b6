"""Indexes the statistics' filters need, on tables other apps own (ADR 0008).

An app cannot AddIndex to another app's model, so these are created here with plain SQL,
on PostgreSQL only (the embedded SQLite run has no data worth indexing), and dropped
again on the way back.
"""

from django.db import migrations

INDEXES = [
    # An organisation's enrolments made in a period (completions' `from`/`to`, months).
    (
        "reporting_enrolment_org_created",
        "training_enrolment (organisation_id, created_at)",
    ),
    # Completions in a quarter (the indicator report's shared learning).
    (
        "reporting_enrolment_completed",
        "training_enrolment (completed_at) WHERE status = 'completed'",
    ),
    # Assessments an organisation made in a quarter (the indicator report's attainment).
    (
        "reporting_assessment_org_assessed",
        "competencies_assessment (organisation_id, assessed_at)",
    ),
]


class PostgreSQLOnly(migrations.RunSQL):
    """RunSQL that does nothing on other databases."""

    def database_forwards(self, app_label, schema_editor, from_state, to_state):  # type: ignore[no-untyped-def]
        if schema_editor.connection.vendor == "postgresql":
            super().database_forwards(app_label, schema_editor, from_state, to_state)

    def database_backwards(self, app_label, schema_editor, from_state, to_state):  # type: ignore[no-untyped-def]
        if schema_editor.connection.vendor == "postgresql":
            super().database_backwards(app_label, schema_editor, from_state, to_state)


class Migration(migrations.Migration):
    dependencies = [
        ("reporting", "0001_initial"),
        ("training", "0001_initial"),
        ("competencies", "0001_initial"),
    ]

    operations = [
        PostgreSQLOnly(
            sql=f"CREATE INDEX IF NOT EXISTS {name} ON {definition}",
            reverse_sql=f"DROP INDEX IF EXISTS {name}",
        )
        for name, definition in INDEXES
    ]
