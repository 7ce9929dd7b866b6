"""Reads of required training. Scope follows the record (ADR 0012): a person's standing in
an organisation's requirement counts only completions, training records and assessments
made under that organisation.

These read for one organisation, whoever asks: the renewal job acts for every
organisation, and pages and the API reach them only through the asker's scope
(compliance.figures)."""

import datetime
from collections.abc import Collection
from dataclasses import dataclass

from django.db.models import Max, QuerySet
from django.db.models.functions import Coalesce
from django.utils import timezone

from accounts.models import Membership
from accounts.selectors import Actor, records_visible_filter
from competencies.current_states import current_states
from competencies.models import Requirement as CompetencyRequirement
from competencies.states import expiring_window
from compliance.models import (
    DEFAULT_GRACE_DAYS,
    ComplianceSettings,
    Exemption,
    TrainingRecord,
    TrainingRequirement,
)
from compliance.states import Standing, State, competency_standing, standing
from training.models import Enrolment, EnrolmentStatus


@dataclass(frozen=True)
class PersonStanding:
    """A person's standing in one requirement of an organisation, and the team of the
    membership that brings it (where a renewal enrolment is counted)."""

    person_id: int
    team_id: int | None
    requirement: TrainingRequirement
    standing: Standing
    # The latest completion counted (a completed enrolment or a training record), if any.
    completed_on: datetime.date | None = None

    @property
    def key(self) -> str:
        return f"training-{self.requirement.pk}"

    @property
    def organisation_id(self) -> int:
        return self.requirement.organisation_id

    @property
    def organisation_name(self) -> str:
        return self.requirement.organisation.name

    @property
    def title(self) -> str:
        return self.requirement.name

    @property
    def kind(self) -> str:
        return "module" if self.requirement.module_id else "external"


@dataclass(frozen=True)
class CompetencyStanding:
    """A person's standing in a competency their team (or role in it) requires at a
    level: competencies.Requirement, the matrix's own rows, read here, never copied."""

    person_id: int
    team_id: int | None
    competency_requirement: CompetencyRequirement
    standing: Standing
    kind = "competency"
    # A competency is held by assessment, not completed: its dates are the standing's.
    completed_on: datetime.date | None = None

    @property
    def key(self) -> str:
        return f"competency-{self.competency_requirement.pk}"

    @property
    def organisation_id(self) -> int:
        return self.competency_requirement.team.organisation_id

    @property
    def organisation_name(self) -> str:
        return self.competency_requirement.team.organisation.name

    @property
    def title(self) -> str:
        competency = self.competency_requirement.competency
        return f"{competency.code} {competency.title} (level {self.competency_requirement.level})"


type AnyStanding = PersonStanding | CompetencyStanding


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


def _last_recorded(records: QuerySet[TrainingRecord]) -> dict[tuple[int, int], datetime.date]:
    """(person, requirement) -> the latest day training recorded elsewhere was completed
    (one query)."""
    latest = records.values("person_id", "requirement_id").annotate(last=Max("completed_on"))
    return {(row["person_id"], row["requirement_id"]): row["last"] for row in latest.order_by()}


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


def _grace_days(organisation_id: int) -> int:
    grace_days = (
        ComplianceSettings.objects.filter(organisation_id=organisation_id)
        .values_list("grace_days", flat=True)
        .first()
    )
    return DEFAULT_GRACE_DAYS if grace_days is None else grace_days


def _memberships(organisation_id: int, person_ids: Collection[int] | None) -> QuerySet[Membership]:
    memberships = Membership.objects.filter(organisation_id=organisation_id, user__is_active=True)
    if person_ids is not None:
        memberships = memberships.filter(user_id__in=person_ids)
    return memberships


def _latest(*days: datetime.date | None) -> datetime.date | None:
    known = [day for day in days if day is not None]
    return max(known) if known else None


def requirement_standings(
    *,
    organisation_id: int,
    on: datetime.date | None = None,
    person_ids: Collection[int] | None = None,
    grace_days: int | None = None,
) -> list[PersonStanding]:
    """Every (active person, training requirement) of the organisation that applies to
    them, with their standing on a day (today by default), ordered by person then
    requirement. A completion is the latest of the module's completed enrolments and the
    training recorded against the requirement. At most six queries, however many people."""
    day = on or timezone.localdate()
    requirements = list(
        TrainingRequirement.objects.filter(organisation_id=organisation_id)
        .select_related("module__current_version", "organisation")
        .order_by("pk")
    )
    if not requirements:
        return []
    grace = _grace_days(organisation_id) if grace_days is None else grace_days
    memberships = _memberships(organisation_id, person_ids)
    completions = Enrolment.objects.filter(
        organisation_id=organisation_id,
        status=EnrolmentStatus.COMPLETED,
        module_id__in={
            requirement.module_id
            for requirement in requirements
            if requirement.module_id is not None
        },
    )
    records = TrainingRecord.objects.filter(organisation_id=organisation_id)
    exemptions = Exemption.objects.filter(
        requirement__organisation_id=organisation_id, ends_on__gte=day
    )
    if person_ids is not None:
        completions = completions.filter(learner_id__in=person_ids)
        records = records.filter(person_id__in=person_ids)
        exemptions = exemptions.filter(person_id__in=person_ids)
    last_completed, last_recorded = _last_completed(completions), _last_recorded(records)
    exempt_until = _exempt_until(exemptions)
    by_pk = {requirement.pk: requirement for requirement in requirements}
    standings = []
    applying = _applying(memberships, requirements)
    for (person_id, requirement_id), (team_id, starts_on) in sorted(applying.items()):
        requirement = by_pk[requirement_id]
        completed_on = _latest(
            last_completed.get((person_id, requirement.module_id or 0)),
            last_recorded.get((person_id, requirement_id)),
        )
        found = standing(
            on=day,
            completed_on=completed_on,
            renewal_months=requirement.renewal_months,
            window_days=requirement.window_days,
            starts_on=starts_on,
            grace_days=grace,
            exempt_until=exempt_until.get((person_id, requirement_id)),
        )
        standings.append(PersonStanding(person_id, team_id, requirement, found, completed_on))
    return standings


def competency_standings(
    *,
    organisation_id: int,
    on: datetime.date | None = None,
    person_ids: Collection[int] | None = None,
    grace_days: int | None = None,
) -> list[CompetencyStanding]:
    """Every (active member, competency requirement of their team that applies to their
    role) of the organisation, with their standing on a day: held at the level asked, by
    the organisation's own assessments (competencies.current_states), or not. Three
    queries, however many people."""
    day = on or timezone.localdate()
    requirements = list(
        CompetencyRequirement.objects.filter(team__organisation_id=organisation_id)
        .select_related("competency", "team__organisation")
        .order_by("pk")
    )
    if not requirements:
        return []
    grace = _grace_days(organisation_id) if grace_days is None else grace_days
    by_team: dict[int, list[CompetencyRequirement]] = {}
    for requirement in requirements:
        by_team.setdefault(requirement.team_id, []).append(requirement)
    rows = (
        _memberships(organisation_id, person_ids)
        .filter(team_id__in=by_team)
        .annotate(joined=Coalesce("accepted_at", "created_at"))
        .values_list("user_id", "team_id", "role", "joined")
        .order_by("pk")
    )
    applying: dict[tuple[int, int], tuple[int, datetime.date]] = {}
    for person_id, team_id, role, joined in rows:
        for requirement in by_team[team_id]:
            if not requirement.role or requirement.role == role:
                key = (person_id, requirement.pk)
                earliest = applying.get(key, (team_id, timezone.localdate(joined)))[1]
                applying[key] = (team_id, min(earliest, timezone.localdate(joined)))
    cells = current_states(
        learner_ids={person_id for person_id, _ in applying},
        organisation_id=organisation_id,
        competency_ids={requirement.competency_id for requirement in requirements},
        on=day,
    )
    window = expiring_window().days
    by_pk = {requirement.pk: requirement for requirement in requirements}
    standings = []
    for (person_id, requirement_id), (team_id, starts_on) in sorted(applying.items()):
        requirement = by_pk[requirement_id]
        cell = cells.get((person_id, requirement.competency_id))
        held = cell is not None and (cell.level or 0) >= requirement.level
        found = competency_standing(
            on=day,
            held_state=cell.state.value if cell is not None and held else None,
            valid_until=cell.valid_until if cell is not None else None,
            window_days=window,
            starts_on=starts_on,
            grace_days=grace,
        )
        standings.append(CompetencyStanding(person_id, team_id, requirement, found))
    return standings


def compliance_standings(
    *,
    organisation_id: int,
    on: datetime.date | None = None,
    person_ids: Collection[int] | None = None,
) -> list[AnyStanding]:
    """Every requirement of the organisation, training and competency, that applies to
    each of its active people, with their standing on a day, ordered by person then
    requirement (training first). A fixed number of queries, however many people."""
    grace = _grace_days(organisation_id)
    standings: list[AnyStanding] = [
        *requirement_standings(
            organisation_id=organisation_id, on=on, person_ids=person_ids, grace_days=grace
        ),
        *competency_standings(
            organisation_id=organisation_id, on=on, person_ids=person_ids, grace_days=grace
        ),
    ]
    standings.sort(key=lambda row: row.person_id)
    return standings


# A person's own requirements, those needing action first.
_OWN_ORDER = [
    State.OVERDUE,
    State.EXPIRED,
    State.NOT_STARTED,
    State.DUE_SOON,
    State.COMPLIANT,
    State.EXEMPT,
]


def standing_order(row: AnyStanding) -> tuple[int, datetime.date, str]:
    """Those needing action first, then soonest due, then by name."""
    return (
        _OWN_ORDER.index(row.standing.state),
        row.standing.due_on or datetime.date.max,
        row.title,
    )


def requirements_of(actor: Actor) -> list[AnyStanding]:
    """The signed-in person's own standing in every requirement of each organisation
    they belong to (each counting that organisation's records only), missed first, then
    soonest due. A fixed number of queries per organisation."""
    if actor.user_id is None:
        return []
    rows = [
        row
        for organisation_id in sorted(actor.organisation_ids)
        for row in compliance_standings(organisation_id=organisation_id, person_ids=[actor.user_id])
    ]
    rows.sort(key=standing_order)
    return rows


def training_records_visible_to(actor: Actor) -> QuerySet[TrainingRecord]:
    """Training done elsewhere, scoped as every personal record is (ADR 0012)."""
    return (
        TrainingRecord.objects.filter(records_visible_filter(actor, learner="person_id"))
        .select_related("person", "verified_by")
        .order_by("-completed_on", "-pk")
    )


def exemptions_visible_to(actor: Actor) -> QuerySet[Exemption]:
    """Exemptions, scoped by the organisation of the requirement they excuse from."""
    return (
        Exemption.objects.filter(
            records_visible_filter(
                actor, learner="person_id", organisation="requirement__organisation_id"
            )
        )
        .select_related("requirement")
        .order_by("-ends_on", "-pk")
    )
