"""Reads of competencies, assessments and the team matrix, scoped via accounts.selectors."""

import datetime
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db.models import Q, QuerySet
from django.utils import timezone

from accounts.models import Membership, Role, Team, User
from accounts.selectors import Actor, learners_visible_to, team_get_for_manager
from competencies.models import Assessment, Competency, Domain, Framework, Requirement
from competencies.states import (
    NOT_ASSESSED,
    AssessmentRow,
    Cell,
    State,
    current_assessments,
    state_of,
)
from core.errors import NotFound


def today() -> datetime.date:
    return timezone.localdate()


def frameworks_all() -> QuerySet[Framework]:
    return Framework.objects.all()


def competencies_all() -> QuerySet[Competency]:
    return Competency.objects.select_related("framework").order_by("framework__title", "code")


def competency_get(competency_id: int) -> Competency:
    competency = competencies_all().filter(pk=competency_id).first()
    if competency is None:
        raise NotFound("No such competency.")
    return competency


def assessments_visible_to(actor: Actor) -> QuerySet[Assessment]:
    """Assessments of every learner in scope (the history, corrections included)."""
    return (
        Assessment.objects.filter(learner__in=learners_visible_to(actor))
        .select_related("learner", "competency", "assessor", "supersedes")
        .order_by("-assessed_at", "-pk")
    )


def learners_assessable_by(actor: Actor) -> QuerySet[User]:
    """People an assessor may assess: members of their teams (or organisation), never
    themselves."""
    memberships = Membership.objects.filter(
        Q(team_id__in=actor.assessor_team_ids)
        | Q(organisation_id__in=actor.assessor_organisation_ids)
    ).values("user_id")
    people = User.objects.filter(pk__in=memberships)
    return people.exclude(pk=actor.user_id) if actor.user_id is not None else people


def assessment_rows(
    *, learner_ids: Iterable[int], competency_ids: Iterable[int] | None = None
) -> list[AssessmentRow]:
    """The fields state derivation needs, in one query, as plain values."""
    queryset = Assessment.objects.filter(learner_id__in=list(learner_ids))
    if competency_ids is not None:
        queryset = queryset.filter(competency_id__in=list(competency_ids))
    return [
        AssessmentRow(*values)
        for values in queryset.order_by().values_list(
            "id",
            "learner_id",
            "competency_id",
            "outcome",
            "level",
            "assessed_at",
            "valid_until",
            "supersedes_id",
        )
    ]


def states_for(
    *,
    learner_ids: Iterable[int],
    competency_ids: Iterable[int] | None = None,
    on: datetime.date | None = None,
) -> dict[tuple[int, int], Cell]:
    """Current state per (learner, competency) with an assessment; absent means not assessed."""
    day = on or today()
    current = current_assessments(
        assessment_rows(learner_ids=learner_ids, competency_ids=competency_ids)
    )
    return {key: state_of(row, day) for key, row in current.items()}


def required_levels(
    *, team_ids: Iterable[int], roles_by_person: dict[int, set[str]]
) -> dict[tuple[int, int], int]:
    """What each person's roles in these teams require: (person, competency) -> level."""
    requirements = list(
        Requirement.objects.filter(team_id__in=list(team_ids)).values_list(
            "team_id", "role", "competency_id", "level"
        )
    )
    needed: dict[tuple[int, int], int] = {}
    for person_id, roles in roles_by_person.items():
        for _, role, competency_id, level in requirements:
            if not role or role in roles:
                key = (person_id, competency_id)
                needed[key] = max(level, needed.get(key, 0))
    return needed


@dataclass(frozen=True)
class MatrixFilters:
    framework: int | None = None
    domain: str | None = None
    level: int | None = None
    state: str | None = None
    required_only: bool = False


@dataclass
class MatrixPerson:
    id: int
    full_name: str
    roles: list[str]
    cells: list[tuple[Cell, int | None]] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)


@dataclass
class Matrix:
    """A team's people by competencies, with gaps and attainment by domain."""

    team: Team
    competencies: list[Competency]
    people: list[MatrixPerson]
    gaps_by_competency: list[tuple[Competency, int, int]]  # competency, required, not met
    domains: list[tuple[str, str, int, int]]  # code, label, held, total
    on: datetime.date


def team_matrix_get(*, actor: Actor, team_id: int, filters: MatrixFilters | None = None) -> Matrix:
    """The competency matrix of a team the actor manages or administers (else 404).

    A fixed number of queries whatever the size: team, members, competencies,
    requirements, assessments.
    """
    filters = filters or MatrixFilters()
    team = team_get_for_manager(actor=actor, team_id=team_id)
    roles_by_person: dict[int, set[str]] = defaultdict(set)
    names: dict[int, str] = {}
    for user_id, full_name, role in (
        Membership.objects.filter(team=team)
        .order_by("user__full_name", "user_id")
        .values_list("user_id", "user__full_name", "role")
    ):
        roles_by_person[user_id].add(role)
        names[user_id] = full_name
    competencies_query = Competency.objects.order_by("code")
    if filters.framework:
        competencies_query = competencies_query.filter(framework_id=filters.framework)
    if filters.domain:
        competencies_query = competencies_query.filter(domain=filters.domain)
    if filters.level:
        competencies_query = competencies_query.filter(level=filters.level)
    competencies = list(competencies_query)
    needed = required_levels(team_ids=[team.pk], roles_by_person=roles_by_person)
    if filters.required_only:
        required_ids = {competency_id for _, competency_id in needed}
        competencies = [c for c in competencies if c.pk in required_ids]
    on = today()
    states = states_for(learner_ids=names, competency_ids=[c.pk for c in competencies], on=on)
    people = []
    for person_id, full_name in names.items():
        person = MatrixPerson(
            id=person_id, full_name=full_name, roles=sorted(roles_by_person[person_id])
        )
        for competency in competencies:
            cell = states.get((person_id, competency.pk), NOT_ASSESSED)
            required = needed.get((person_id, competency.pk))
            person.cells.append((cell, required))
            if required is not None and not cell.meets(required):
                person.missing.append(competency.code)
        people.append(person)
    if filters.state:
        keep_columns = [
            index
            for index in range(len(competencies))
            if any(p.cells[index][0].state == filters.state for p in people)
        ]
        competencies = [competencies[i] for i in keep_columns]
        for person in people:
            person.cells = [person.cells[i] for i in keep_columns]
        people = [p for p in people if any(c.state == filters.state for c, _ in p.cells)]
    gaps = []
    for index, competency in enumerate(competencies):
        required_cells = [p.cells[index] for p in people if p.cells[index][1] is not None]
        not_met = sum(
            1 for cell, level in required_cells if level is not None and not cell.meets(level)
        )
        gaps.append((competency, len(required_cells), not_met))
    labels = dict(Domain.choices)
    domains = []
    for code in Domain.values:
        columns = [i for i, c in enumerate(competencies) if c.domain == code]
        if not columns:
            continue
        total = len(columns) * len(people)
        held = sum(
            1
            for p in people
            for i in columns
            if p.cells[i][0].state in (State.COMPETENT, State.EXPIRING_SOON)
        )
        domains.append((code, str(labels[code]), held, total))
    return Matrix(
        team=team,
        competencies=competencies,
        people=people,
        gaps_by_competency=gaps,
        domains=domains,
        on=on,
    )


@dataclass(frozen=True)
class LearnerCompetency:
    competency: Competency
    cell: Cell
    required_level: int | None


def learner_competencies(*, actor: Actor, learner_id: int) -> list[LearnerCompetency]:
    """A learner's competencies: what they hold (until when) and what their roles require.
    Scoped: the learner themselves, their managers, assessors and org admins."""
    learner = learners_visible_to(actor).filter(pk=learner_id).first()
    if learner is None:
        raise NotFound("No such person.")
    roles_by_person: dict[int, set[str]] = defaultdict(set)
    team_ids = set()
    for team_id, role in Membership.objects.filter(
        user_id=learner_id, team__isnull=False
    ).values_list("team_id", "role"):
        roles_by_person[learner_id].add(role)
        team_ids.add(team_id)
    needed = required_levels(team_ids=team_ids, roles_by_person=roles_by_person)
    states = states_for(learner_ids=[learner_id])
    wanted = {competency_id for _, competency_id in needed} | {c for _, c in states}
    competencies = competencies_all().filter(pk__in=wanted)
    return [
        LearnerCompetency(
            competency=competency,
            cell=states.get((learner_id, competency.pk), NOT_ASSESSED),
            required_level=needed.get((learner_id, competency.pk)),
        )
        for competency in competencies
    ]


def competencies_evidenced_by(*, module_id: int) -> list[Competency]:
    """The competencies completing a module awards (printed on its certificate)."""
    return list(Competency.objects.filter(awards__module_id=module_id).order_by("code"))


ROLE_LABELS = dict(Role.choices)
