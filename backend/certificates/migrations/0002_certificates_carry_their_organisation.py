"""Certificates and issue failures made with no organisation get their enrolment's
(ADR 0012: scope follows the organisation a record was made under)."""

from django.db import migrations
from django.db.backends.base.schema import BaseDatabaseSchemaEditor
from django.db.migrations.state import StateApps
from django.db.models import OuterRef, Subquery


def fill_organisations(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    enrolment = apps.get_model("training", "Enrolment")
    of_enrolment = Subquery(
        enrolment.objects.filter(pk=OuterRef("enrolment_id")).values("organisation_id")[:1]
    )
    for name in ("Certificate", "CertificateIssueFailure"):
        apps.get_model("certificates", name).objects.filter(organisation__isnull=True).update(
            organisation_id=of_enrolment
        )


class Migration(migrations.Migration):
    dependencies = [
        ("certificates", "0001_initial"),
        ("training", "0002_records_carry_their_organisation"),
    ]

    operations = [migrations.RunPython(fill_organisations, migrations.RunPython.noop)]
