"""Renewal enrolments: the writes compliance's renewal job asks for (docs/adr/0018)."""

import datetime
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from training.models import Enrolment, EnrolmentSource, Module
from training.services import published_version


@dataclass(frozen=True)
class Renewal:
    """Someone to enrol again in a module their organisation requires (compliance)."""

    learner_id: int
    module: Module
    organisation_id: int
    team_id: int | None
    due_date: datetime.date


@transaction.atomic
def enrolments_renew(*, renewals: list[Renewal]) -> list[Enrolment]:
    """Enrol people again (source renewal); the one-active rule skips whoever is enrolled."""
    started = timezone.now()
    Enrolment.objects.bulk_create(
        [
            Enrolment(
                learner_id=renewal.learner_id,
                module=renewal.module,
                version=published_version(renewal.module),
                organisation_id=renewal.organisation_id,
                team_id=renewal.team_id,
                source=EnrolmentSource.RENEWAL,
                due_date=renewal.due_date,
                created_at=started,
            )
            for renewal in renewals
        ],
        ignore_conflicts=True,
    )
    keys = {(r.learner_id, r.module.pk, r.organisation_id) for r in renewals}
    made = Enrolment.objects.filter(source=EnrolmentSource.RENEWAL, created_at=started)
    made = made.filter(learner_id__in={key[0] for key in keys}).order_by("pk")
    return [e for e in made if (e.learner_id, e.module_id, e.organisation_id) in keys]
