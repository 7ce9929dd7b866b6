"""Every personal record carries the organisation it was made under (ADR 0012): lesson
progress and quiz attempts get their enrolment's; enrolments made with none get their
team's, else their learner's first learner membership's."""

import django.db.models.deletion
from django.db import migrations, models
from django.db.backends.base.schema import BaseDatabaseSchemaEditor
from django.db.migrations.state import StateApps
from django.db.models import OuterRef, Subquery


def fill_organisations(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    enrolment = apps.get_model("training", "Enrolment")
    membership = apps.get_model("accounts", "Membership")
    team = apps.get_model("accounts", "Team")
    enrolment.objects.filter(organisation__isnull=True, team__isnull=False).update(
        organisation_id=Subquery(
            team.objects.filter(pk=OuterRef("team_id")).values("organisation_id")[:1]
        )
    )
    enrolment.objects.filter(organisation__isnull=True).update(
        organisation_id=Subquery(
            membership.objects.filter(user_id=OuterRef("learner_id"), role="learner")
            .order_by("pk")
            .values("organisation_id")[:1]
        )
    )
    of_enrolment = Subquery(
        enrolment.objects.filter(pk=OuterRef("enrolment_id")).values("organisation_id")[:1]
    )
    for name in ("LessonProgress", "QuizAttempt"):
        apps.get_model("training", name).objects.filter(organisation__isnull=True).update(
            organisation_id=of_enrolment
        )


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0001_initial"),
        ("training", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="lessonprogress",
            name="organisation",
            field=models.ForeignKey(
                blank=True,
                help_text="The enrolment's organisation: scope follows it (ADR 0012).",
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="accounts.organisation",
            ),
        ),
        migrations.AddField(
            model_name="quizattempt",
            name="organisation",
            field=models.ForeignKey(
                blank=True,
                help_text="The enrolment's organisation: scope follows it (ADR 0012).",
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="accounts.organisation",
            ),
        ),
        migrations.RunPython(fill_organisations, migrations.RunPython.noop),
    ]
