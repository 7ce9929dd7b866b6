"""Reads of competencies, assessments and the team matrix, scoped via accounts.selectors."""

import datetime
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db.models import Q, QuerySet
from django.utils import timezone

from accounts.models import Membership, Role, Team, User
from accounts.selectors import (
    Actor,
    learner_organisations_visible_to,
    records_visible_filter,
    team_members_for_manager,
)
from competencies.current_states import current_states
from competencies.models import Assessment, Competency, Domain, Framework, Requirement
from competencies.states import HOLDS, NOT_ASSESSED, Cell
from core.errors import NotFound
from core.lookups import first_or_not_found


def frameworks_all() -> QuerySet[Framework]:
    return Framework.objects.all()


def competencies_all() -> QuerySet[Competency]:
    return Competency.objects.select_related("framework").order_by("framework__title", "code")


def competency_get(competency_id: int) -> Competency:
    return first_or_not_found(competencies_all().filter(pk=competency_id), "No such competency.")


def assessments_visible_to(actor: Actor) -> QuerySet[Assessment]:
    """Assessments in scope (the history, corrections included): all one's own; others'
    made under the asker's organisation (and, for managers and assessors, their teams)."""
    return (
        Assessment.objects.filter(records_visible_filter(actor))
        .select_related("learner", "competency", "assessor", "supersedes")
        .order_by("-assessed_at", "-pk")
    )


def learner_memberships_assessable_by(actor: Actor) -> QuerySet[Membership]:
    """The scope an assessor assesses in: learner memberships of their assessor teams (or
    organisations), never their own. A person in two organisations counts only where the
    assessor holds the role."""
    memberships = Membership.objects.filter(
        Q(team_id__in=actor.assessor_team_ids)
        | Q(organisation_id__in=actor.assessor_organisation_ids),
        role=Role.LEARNER,
    )
    return memberships.exclude(user_id=actor.user_id) if actor.user_id is not None else memberships


def learners_assessable_by(actor: Actor) -> QuerySet[User]:
    """People an assessor may assess: learners of their teams (or organisation), never
    themselves. The same people accounts.selectors.learners_visible_to shows them."""
    return User.objects.filter(pk__in=learner_memberships_assessable_by(actor).values("user_id"))


def organisations_assessing(actor: Actor, *, learner_id: int) -> list[int]:
    """The organisations under which the actor assesses a learner (where the learner is a
    learner in the actor's assessor team or organisation), lowest id first; none for
    themselves. An assessment is recorded under one of these, never another's."""
    rows = learner_memberships_assessable_by(actor).filter(user_id=learner_id)
    return sorted(set(rows.values_list("organisation_id", flat=True)))


def required_levels(
    *,
    team_ids: Iterable[int] | None = None,
    members: Iterable[tuple[int, int, str]] | None = None,
    person_id: int | None = None,
    organisation_id: int | None = None,
) -> dict[tuple[int, int], int]:
    """What members' roles require, as (person, competency) -> the highest level asked.

    A requirement applies to a membership of its own team whose role it names, or to
    every membership of that team when it names none. `members` are (person, team, role)
    rows the caller already has; otherwise they are read for `person_id` (in the teams
    of `organisation_id` only, when given).
    """
    if members is None:
        if person_id is None:
            return {}
        rows = Membership.objects.filter(user_id=person_id, team__isnull=False)
        if organisation_id is not None:
            rows = rows.filter(organisation_id=organisation_id)
        members = rows.values_list("user_id", "team_id", "role")
    members = list(members)
    teams = set(team_ids) if team_ids is not None else {team for _, team, _ in members}
    by_team: dict[int, list[tuple[str, int, int]]] = defaultdict(list)
    for team_id, role, competency_id, level in Requirement.objects.filter(
        team_id__in=teams
    ).values_list("team_id", "role", "competency_id", "level"):
        by_team[team_id].append((role, competency_id, level))
    needed: dict[tuple[int, int], int] = {}
    for person, team_id, member_role in members:
        for role, competency_id, level in by_team.get(team_id, ()):
            if not role or role == member_role:
                key = (person, competency_id)
                if level > needed.get(key, 0):
                    needed[key] = level
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

    A fixed number of queries whatever the size: the team's members (with the team),
    competencies, requirements, assessments.
    """
    filters = filters or MatrixFilters()
    team, members = team_members_for_manager(actor=actor, team_id=team_id)
    roles_by_person: dict[int, set[str]] = defaultdict(set)
    names: dict[int, str] = {}
    for user_id, full_name, role in members:
        roles_by_person[user_id].add(role)
        names[user_id] = full_name
    competencies_query = Competency.objects.order_by("code").only(
        "id", "framework_id", "code", "title", "domain", "level"
    )
    if filters.framework:
        competencies_query = competencies_query.filter(framework_id=filters.framework)
    if filters.domain:
        competencies_query = competencies_query.filter(domain=filters.domain)
    if filters.level:
        competencies_query = competencies_query.filter(level=filters.level)
    competencies = list(competencies_query)
    needed = required_levels(
        team_ids=[team.pk],
        members=[
            (person, team.pk, role) for person, roles in roles_by_person.items() for role in roles
        ],
    )
    if filters.required_only:
        required_ids = {competency_id for _, competency_id in needed}
        competencies = [c for c in competencies if c.pk in required_ids]
    on = timezone.localdate()
    narrowed = filters.framework or filters.domain or filters.level or filters.required_only
    states = current_states(
        learner_ids=names,
        organisation_id=team.organisation.pk,
        # Unfiltered, every competency is a column: no need to name them all in SQL.
        competency_ids=[c.pk for c in competencies] if narrowed else None,
        on=on,
    )
    states_by_person: dict[int, dict[int, Cell]] = defaultdict(dict)
    for (person_id, competency_id), cell in states.items():
        states_by_person[person_id][competency_id] = cell
    needed_by_person: dict[int, dict[int, int]] = defaultdict(dict)
    for (person_id, competency_id), level in needed.items():
        needed_by_person[person_id][competency_id] = level
    column_ids = [competency.pk for competency in competencies]
    position = {competency_id: index for index, competency_id in enumerate(column_ids)}
    codes = [competency.code for competency in competencies]
    people = []
    for person_id, full_name in names.items():
        person_states = states_by_person.get(person_id, {})
        person_needs = needed_by_person.get(person_id, {})
        states_row = [
            person_states.get(competency_id, NOT_ASSESSED) for competency_id in column_ids
        ]
        needs_row: list[int | None] = [None] * len(column_ids)
        missing_at = []
        for competency_id, level in person_needs.items():
            index = position.get(competency_id)
            if index is None:
                continue
            needs_row[index] = level
            if not states_row[index].meets(level):
                missing_at.append(index)
        people.append(
            MatrixPerson(
                id=person_id,
                full_name=full_name,
                roles=sorted(roles_by_person[person_id]),
                cells=list(zip(states_row, needs_row, strict=True)),
                missing=[codes[index] for index in sorted(missing_at)],
            )
        )
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
    gaps, domains = _summarise(competencies, people)
    return Matrix(
        team=team,
        competencies=competencies,
        people=people,
        gaps_by_competency=gaps,
        domains=domains,
        on=on,
    )


def _summarise(
    competencies: list[Competency], people: list[MatrixPerson]
) -> tuple[list[tuple[Competency, int, int]], list[tuple[str, str, int, int]]]:
    """Gaps per competency (required, not met) and attainment by domain, column by column."""
    gaps = []
    held_by_domain: dict[str, int] = defaultdict(int)
    cells_by_domain: dict[str, int] = defaultdict(int)
    for index, competency in enumerate(competencies):
        column = [person.cells[index] for person in people]
        required = [(cell, level) for cell, level in column if level is not None]
        gaps.append(
            (competency, len(required), sum(not cell.meets(level) for cell, level in required))
        )
        held_by_domain[competency.domain] += sum(cell.state in HOLDS for cell, _ in column)
        cells_by_domain[competency.domain] += len(column)
    labels = dict(Domain.choices)
    domains = [
        (code, str(labels[code]), held_by_domain[code], cells_by_domain[code])
        for code in Domain.values
        if code in cells_by_domain
    ]
    return gaps, domains


@dataclass(frozen=True)
class LearnerCompetency:
    competency: Competency
    cell: Cell
    required_level: int | None
    organisation_id: int
    organisation_name: str


def learner_competencies(
    *, actor: Actor, learner_id: int, organisation_id: int | None = None
) -> list[LearnerCompetency]:
    """A learner's competencies, organisation by organisation: what they hold there (until
    when) and what their roles there require. State is per organisation (ADR 0012): each
    organisation's from its own assessments. The learner sees every organisation of
    theirs; their managers, assessors and org admins only their own organisation's (404
    for anyone else). `organisation_id` narrows to one of those."""
    organisations = learner_organisations_visible_to(actor, learner_id=learner_id)
    if not organisations and learner_id != actor.user_id:
        raise NotFound("No such person.")
    if organisation_id is not None:
        organisations = [row for row in organisations if row[0] == organisation_id]
        if not organisations:
            raise NotFound("No such person.")
    lines: list[LearnerCompetency] = []
    for organisation, organisation_name in organisations:
        needed = required_levels(person_id=learner_id, organisation_id=organisation)
        states = current_states(learner_ids=[learner_id], organisation_id=organisation)
        wanted = {competency_id for _, competency_id in needed} | {c for _, c in states}
        lines.extend(
            LearnerCompetency(
                competency=competency,
                cell=states.get((learner_id, competency.pk), NOT_ASSESSED),
                required_level=needed.get((learner_id, competency.pk)),
                organisation_id=organisation,
                organisation_name=organisation_name,
            )
            for competency in competencies_all().filter(pk__in=wanted)
        )
    return lines


def renewals_of(actor: Actor, *, limit: int = 5) -> list[LearnerCompetency]:
    """The actor's own competencies held until a date, soonest to lapse first (what they
    renew next), under every organisation of theirs; `limit` of them."""
    if actor.user_id is None:
        return []
    held = [
        line
        for line in learner_competencies(actor=actor, learner_id=actor.user_id)
        if line.cell.state in HOLDS and line.cell.valid_until is not None
    ]
    held.sort(key=lambda line: (line.cell.valid_until or datetime.date.max, line.competency.code))
    return held[:limit]


def competencies_evidenced_by(*, module_id: int) -> list[Competency]:
    """The competencies completing a module awards (printed on its certificate)."""
    return list(Competency.objects.filter(awards__module_id=module_id).order_by("code"))


ROLE_LABELS = dict(Role.choices)
