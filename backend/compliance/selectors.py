"""Reads of required training. Scope follows the record (ADR 0012): a person's standing in
an organisation's requirement counts only completions made under that organisation.

No asker's scope yet: the one caller is the renewal job, which acts for every
organisation. Pages and the API, when they come, reach these rows through the scope rules
of accounts.selectors."""

import datetime
from collections.abc import Collection
from dataclasses import dataclass

from django.db.models import Max, QuerySet
from django.db.models.functions import Coalesce
from django.utils import timezone

from accounts.models import Membership
from compliance.models import DEFAULT_GRACE_DAYS, ComplianceSettings, Exemption, TrainingRequirement
from compliance.states import Standing, standing
from training.models import Enrolment, EnrolmentStatus


@dataclass(frozen=True)
class PersonStanding:
    """A person's standing in one requirement of an organisation, and the team of the
    membership that brings it (where a renewal enrolment is counted)."""

    person_id: int
    team_id: int | None
    requirement: TrainingRequirement
    standing: Standing


def _applies(requirement: TrainingRequirement, team_id: int | None, role: str) -> bool:
    return (requirement.team_id is None or requirement.team_id == team_id) and (
        not requirement.role or requirement.role == role
    )


def _last_completed(completions: QuerySet[Enrolment]) -> dict[tuple[int, int], datetime.date]:
    """(person, module) -> the day of the latest completion (one query)."""
    latest = completions.values("learner_id", "module_id").annotate(last=Max("completed_at"))
    return {
        (row["learner_id"], row["module_id"]): timezone.localdate(row["last"])
        for row in latest.order_by()
    }


def _exempt_until(exemptions: QuerySet[Exemption]) -> dict[tuple[int, int], datetime.date]:
    """(person, requirement) -> the last day of the furthest exemption (one query)."""
    until: dict[tuple[int, int], datetime.date] = {}
    for person_id, requirement_id, ends_on in exemptions.values_list(
        "person_id", "requirement_id", "ends_on"
    ):
        key = (person_id, requirement_id)
        until[key] = max(ends_on, until.get(key, ends_on))
    return until


def _applying(
    memberships: QuerySet[Membership], requirements: list[TrainingRequirement]
) -> dict[tuple[int, int], tuple[int | None, datetime.date]]:
    """(person, requirement) -> the team of the first membership it applies through, and
    the day it first applied: the earliest such membership's start (accepted, or made if
    accepted from the start), or the requirement's creation if later (one query)."""
    applying: dict[tuple[int, int], tuple[int | None, datetime.date]] = {}
    rows = memberships.annotate(joined=Coalesce("accepted_at", "created_at")).order_by("pk")
    for person_id, team_id, role, joined in rows.values_list(
        "user_id", "team_id", "role", "joined"
    ):
        for requirement in requirements:
            if _applies(requirement, team_id, role):
                key = (person_id, requirement.pk)
                starts = max(timezone.localdate(joined), timezone.localdate(requirement.created_at))
                first_team, earliest = applying.get(key, (team_id, starts))
                applying[key] = (first_team, min(earliest, starts))
    return applying


def requirement_standings(
    *,
    organisation_id: int,
    on: datetime.date | None = None,
    person_ids: Collection[int] | None = None,
) -> list[PersonStanding]:
    """Every (active person, requirement) of the organisation that applies to them, with
    their standing on a day (today by default), ordered by person then requirement. At
    most five queries, however many people."""
    day = on or timezone.localdate()
    requirements = list(
        TrainingRequirement.objects.filter(organisation_id=organisation_id)
        .select_related("module")
        .order_by("pk")
    )
    if not requirements:
        return []
    grace_days = (
        ComplianceSettings.objects.filter(organisation_id=organisation_id)
        .values_list("grace_days", flat=True)
        .first()
    )
    memberships = Membership.objects.filter(organisation_id=organisation_id, user__is_active=True)
    completions = Enrolment.objects.filter(
        organisation_id=organisation_id,
        status=EnrolmentStatus.COMPLETED,
        module_id__in={requirement.module_id for requirement in requirements},
    )
    exemptions = Exemption.objects.filter(
        requirement__organisation_id=organisation_id, ends_on__gte=day
    )
    if person_ids is not None:
        memberships = memberships.filter(user_id__in=person_ids)
        completions = completions.filter(learner_id__in=person_ids)
        exemptions = exemptions.filter(person_id__in=person_ids)
    last_completed, exempt_until = _last_completed(completions), _exempt_until(exemptions)
    grace = DEFAULT_GRACE_DAYS if grace_days is None else grace_days
    by_pk = {requirement.pk: requirement for requirement in requirements}
    standings = []
    applying = _applying(memberships, requirements)
    for (person_id, requirement_id), (team_id, starts_on) in sorted(applying.items()):
        requirement = by_pk[requirement_id]
        found = standing(
            on=day,
            completed_on=last_completed.get((person_id, requirement.module_id)),
            renewal_months=requirement.renewal_months,
            window_days=requirement.window_days,
            starts_on=starts_on,
            grace_days=grace,
            exempt_until=exempt_until.get((person_id, requirement_id)),
        )
        standings.append(PersonStanding(person_id, team_id, requirement, found))
    return standings
