"""Enrolling people again when a requirement's renewal opens (worker side, run daily by
compliance.tasks and `manage.py enrol_renewals`).

For each organisation's requirements, whoever stands due soon, expired, not started or
overdue is enrolled (training.services.enrolments_renew, source renewal, due on the last
valid day, or at the end of the grace period) unless they hold an active enrolment of the
module under that organisation, or any enrolment of it was made since renewal opened:
once per window, however often this runs (a renewal withdrawn by a manager stays
withdrawn). The one-active rule makes two runs at once enrol each person once.
"""

import datetime
from collections.abc import Iterable

from django.db.models import Count, Max, Q
from django.utils import timezone

from compliance.models import TrainingRequirement
from compliance.selectors import PersonStanding, requirement_standings
from compliance.states import RENEWAL_OPEN
from training.models import ACTIVE_STATUSES, Enrolment
from training.services_renewals import Renewal, enrolments_renew


def _renewals(
    organisation_id: int, standings: Iterable[PersonStanding], day: datetime.date
) -> list[Renewal]:
    """The people to enrol, once per person and module (the earliest due first)."""
    open_now = sorted(
        (
            row
            for row in standings
            if row.standing.state in RENEWAL_OPEN
            and row.requirement.module is not None
            and row.requirement.module.current_version_id is not None
        ),
        key=lambda row: (row.standing.due_on or day, row.requirement.pk),
    )
    if not open_now:
        return []
    enrolments = (
        Enrolment.objects.filter(
            organisation_id=organisation_id,
            module_id__in={
                row.requirement.module_id
                for row in open_now
                if row.requirement.module_id is not None
            },
            learner_id__in={row.person_id for row in open_now},
        )
        .values("learner_id", "module_id")
        .annotate(
            latest=Max("created_at"), active=Count("pk", filter=Q(status__in=ACTIVE_STATUSES))
        )
        .order_by()
    )
    enrolled = {
        (found["learner_id"], found["module_id"]): (found["latest"], found["active"])
        for found in enrolments
    }
    renewals: dict[tuple[int, int], Renewal] = {}
    for row in open_now:
        module = row.requirement.module
        if module is None:
            continue
        key = (row.person_id, module.pk)
        opens_on, due_on = row.standing.opens_on, row.standing.due_on
        latest, active = enrolled.get(key, (None, 0))
        if opens_on is None or due_on is None or opens_on > day:
            continue
        if key in renewals or active or (latest and timezone.localdate(latest) >= opens_on):
            continue
        renewals[key] = Renewal(
            learner_id=row.person_id,
            module=module,
            organisation_id=organisation_id,
            team_id=row.team_id,
            due_date=due_on,
        )
    return list(renewals.values())


def renewals_enrol(*, on: datetime.date | None = None) -> int:
    """Enrol everyone whose renewal (or first completion) of a required module is open and
    who is not yet enrolled for it; returns how many enrolments were made."""
    day = on or timezone.localdate()
    made = 0
    organisation_ids = (
        TrainingRequirement.objects.values_list("organisation_id", flat=True)
        .distinct()
        .order_by("organisation_id")
    )
    for organisation_id in organisation_ids:
        standings = requirement_standings(organisation_id=organisation_id, on=day)
        if renewals := _renewals(organisation_id, standings, day):
            made += len(enrolments_renew(renewals=renewals))
    return made
