"""Assessments made with no organisation get one (ADR 0012): their enrolment's, else
their learner's first membership's (what recording chose before). Assessments are
append-only below the ORM, so the trigger is lifted for this one fill and put back."""

from django.db import migrations
from django.db.backends.base.schema import BaseDatabaseSchemaEditor
from django.db.migrations.state import StateApps
from django.db.models import OuterRef, Subquery

SQLITE_TRIGGER = """
CREATE TRIGGER IF NOT EXISTS competencies_assessment_append_only_update
BEFORE UPDATE ON competencies_assessment
BEGIN
    SELECT RAISE(ABORT, 'assessments are append-only: record a correction instead');
END;
"""


def fill_organisations(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    assessment = apps.get_model("competencies", "Assessment")
    enrolment = apps.get_model("training", "Enrolment")
    membership = apps.get_model("accounts", "Membership")
    missing = assessment.objects.filter(organisation__isnull=True)
    if not missing.exists():
        return
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(
            "ALTER TABLE competencies_assessment "
            "DISABLE TRIGGER competencies_assessment_append_only"
        )
    elif vendor == "sqlite":
        schema_editor.execute("DROP TRIGGER IF EXISTS competencies_assessment_append_only_update")
    missing.filter(enrolment__isnull=False).update(
        organisation_id=Subquery(
            enrolment.objects.filter(pk=OuterRef("enrolment_id")).values("organisation_id")[:1]
        )
    )
    assessment.objects.filter(organisation__isnull=True).update(
        organisation_id=Subquery(
            membership.objects.filter(user_id=OuterRef("learner_id"))
            .order_by("role", "pk")
            .values("organisation_id")[:1]
        )
    )
    if vendor == "postgresql":
        schema_editor.execute(
            "ALTER TABLE competencies_assessment ENABLE TRIGGER competencies_assessment_append_only"
        )
    elif vendor == "sqlite":
        schema_editor.execute(SQLITE_TRIGGER)


class Migration(migrations.Migration):
    dependencies = [
        ("competencies", "0003_assessments_append_only_sqlite"),
        ("training", "0002_records_carry_their_organisation"),
    ]

    operations = [migrations.RunPython(fill_organisations, migrations.RunPython.noop)]
