"""Seeded random records for the statistics tests, and direct recounts in Python.

`build(seed)` makes organisations in different sectors (three in one partnership, one
outside it), teams, people in every role (some in two teams), shared and
organisation-owned modules, enrolments in every status with dates spread over two years,
competencies, requirements and assessments (corrections included), all with bulk
inserts. The recount functions compute the figures the slow, obvious way, from the
rows, for the tests to compare with the API.
"""

import datetime
import random
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.utils import timezone

from accounts.models import Membership, Organisation, Partnership, Role, Sector, Team, User
from competencies.current_states import current_states
from competencies.models import Assessment, Competency, Domain, Requirement
from competencies.states import HOLDS, State
from tests.factories import (
    FrameworkFactory,
    ModuleFactory,
    OrganisationFactory,
    PartnershipFactory,
    TeamFactory,
)
from training.models import ACTIVE_STATUSES, Enrolment, EnrolmentStatus, Module

SECTORS = [Sector.HEALTH, Sector.HOUSING, Sector.SOCIAL_CARE, Sector.VOLUNTARY]
INDICATOR_SETS = [
    ",signposting,",
    ",collaborative_care,sector_engagement,",
    ",preventative_role,",
    ",strategic_planning,use_of_resources,",
    ",shared_learning,signposting,",
    "",
]


@dataclass
class Data:
    organisations: list[Organisation]
    partnership: Partnership
    teams: list[Team]
    modules: list[Module]
    competencies: list[Competency]
    admins: dict[int, User]
    managers: dict[int, User]
    learners: list[User]
    assessor: User
    viewer: User
    sector_of: dict[int, str] = field(default_factory=dict)

    @property
    def members(self) -> list[Organisation]:
        return self.organisations[:3]


def version_of(module: Module) -> int:
    """The module's current version (every module made here has one)."""
    assert module.current_version_id is not None
    return module.current_version_id


def _make_module(index: int, organisation: Organisation | None) -> Module:
    return ModuleFactory.create(
        slug=f"stats-module-{index}",
        organisation=organisation,
        current_version__title=f"Module {index:02d}",
    )


def build(seed: int, *, people: int = 48, modules: int = 5, spread_days: int = 700) -> Data:
    """A random but reproducible world of records for the statistics tests."""
    chance = random.Random(seed)
    now = timezone.now()
    organisations = [
        OrganisationFactory.create(
            name=f"Stats org {seed}-{index}", slug=f"stats-{seed}-{index}", sector=sector
        )
        for index, sector in enumerate(SECTORS)
    ]
    partnership = PartnershipFactory.create(
        name=f"Stats partnership {seed}", slug=f"sp-{seed}", organisations=organisations[:3]
    )
    teams = [
        TeamFactory.create(organisation=organisation, name=f"Team {index}")
        for organisation in organisations
        for index in range(2)
    ]
    made = iter(range(10_000))

    def person(name: str) -> User:
        return User.objects.create_user(
            f"{name}-{seed}-{next(made)}@stats.example", "x", full_name=name
        )

    admins = {}
    managers = {}
    memberships = []
    for organisation in organisations:
        admins[organisation.pk] = person("Admin")
        memberships.append(
            Membership(user=admins[organisation.pk], organisation=organisation, role=Role.ORG_ADMIN)
        )
    for team in teams:
        managers[team.pk] = person("Manager")
        memberships.append(
            Membership(
                user=managers[team.pk], organisation=team.organisation, team=team, role=Role.MANAGER
            )
        )
    assessor = person("Assessor")
    memberships.append(Membership(user=assessor, organisation=organisations[0], role=Role.ASSESSOR))
    learners = [person("Learner") for _ in range(people)]
    home: dict[int, Team] = {}
    for index, learner in enumerate(learners):
        team = teams[index % len(teams)] if index < len(teams) * 2 else chance.choice(teams)
        home[learner.pk] = team
        memberships.append(
            Membership(user=learner, organisation=team.organisation, team=team, role=Role.LEARNER)
        )
        if chance.random() < 0.15:
            sibling = next(
                t for t in teams if t.organisation_id == team.organisation_id and t != team
            )
            memberships.append(
                Membership(
                    user=learner, organisation=team.organisation, team=sibling, role=Role.LEARNER
                )
            )
    Membership.objects.bulk_create(memberships)
    viewer = person("Viewer")
    partnership.viewers.add(viewer)

    module_list = [_make_module(index + seed * 100, None) for index in range(modules)]
    module_list.append(_make_module(seed * 100 + 99, organisations[0]))

    enrolments = []
    for index, learner in enumerate(learners):
        team = home[learner.pk]
        for module in module_list:
            if module.organisation_id not in (None, team.organisation_id):
                continue
            # Every team's first learner takes the first module, so no team is empty.
            certain = index < len(teams) and module == module_list[0]
            if chance.random() < 0.35 and not certain:
                continue
            for attempt in range(chance.choice([1, 1, 1, 2])):
                status = chance.choice(list(EnrolmentStatus.values))
                if attempt == 0 and status in ACTIVE_STATUSES:
                    pass
                elif attempt > 0 and status in ACTIVE_STATUSES:
                    status = EnrolmentStatus.COMPLETED
                created = now - datetime.timedelta(
                    days=chance.randint(0, spread_days), minutes=chance.randint(0, 1440)
                )
                started = (
                    created + datetime.timedelta(days=chance.randint(0, 10))
                    if status != EnrolmentStatus.NOT_STARTED
                    else None
                )
                completed = (
                    min(created + datetime.timedelta(days=chance.randint(1, 90)), now)
                    if status == EnrolmentStatus.COMPLETED
                    else None
                )
                due = (
                    (created + datetime.timedelta(days=chance.randint(-5, 200))).date()
                    if chance.random() < 0.7
                    else None
                )
                enrolments.append(
                    Enrolment(
                        learner=learner,
                        module=module,
                        version_id=version_of(module),
                        organisation=team.organisation,
                        team=team if certain or chance.random() < 0.95 else None,
                        source="assigned",
                        status=status,
                        due_date=due,
                        created_at=created,
                        started_at=started,
                        completed_at=completed,
                        last_activity_at=completed or started,
                        withdrawn_at=now if status == EnrolmentStatus.WITHDRAWN else None,
                    )
                )
                if status in ACTIVE_STATUSES:
                    break
    Enrolment.objects.bulk_create(enrolments)

    framework = FrameworkFactory.create(slug=f"stats-{seed}", title="Stats framework")
    domains = list(Domain.values)
    competencies = Competency.objects.bulk_create(
        Competency(
            framework=framework,
            code=f"S{seed}-{index:02d}",
            title=f"Competency {index}",
            description="-",
            domain=domains[index % len(domains)],
            level=1 + index % 3,
            indicators=INDICATOR_SETS[index % len(INDICATOR_SETS)],
            validity_months=24,
        )
        for index in range(7)
    )
    Requirement.objects.bulk_create(
        Requirement(
            team=team,
            role=chance.choice(["", Role.LEARNER, Role.MANAGER]),
            competency=competency,
            level=chance.randint(1, 3),
        )
        for team in teams
        for competency in chance.sample(competencies, 3)
    )
    today = timezone.localdate()
    assessed_people = [*learners, *managers.values()]
    first_pass = []
    for learner in assessed_people:
        organisation_id = next(m.organisation_id for m in memberships if m.user_id == learner.pk)
        for competency in competencies:
            for _ in range(chance.choice([0, 0, 1, 1, 2])):
                when = now - datetime.timedelta(days=chance.randint(0, spread_days))
                first_pass.append(
                    Assessment(
                        learner=learner,
                        competency=competency,
                        organisation_id=organisation_id,
                        method="observation",
                        assessor=assessor,
                        outcome=chance.choice(["competent", "competent", "not_yet_competent"]),
                        level=chance.randint(1, 3),
                        assessed_at=when,
                        valid_until=chance.choice(
                            [
                                None,
                                today - datetime.timedelta(days=chance.randint(1, 300)),
                                today + datetime.timedelta(days=chance.randint(0, 59)),
                                today + datetime.timedelta(days=chance.randint(60, 600)),
                            ]
                        ),
                        evidence_note="seen",
                    )
                )
    saved = Assessment.objects.bulk_create(first_pass)
    corrections = [
        Assessment(
            learner_id=earlier.learner_id,
            competency_id=earlier.competency_id,
            organisation_id=earlier.organisation_id,
            method="evidence",
            assessor=assessor,
            outcome=chance.choice(["competent", "not_yet_competent"]),
            level=chance.randint(1, 3),
            assessed_at=earlier.assessed_at - datetime.timedelta(days=chance.randint(0, 3)),
            valid_until=today + datetime.timedelta(days=chance.randint(-30, 400)),
            supersedes=earlier,
            evidence_note="corrected",
        )
        for earlier in saved
        if chance.random() < 0.12
    ]
    Assessment.objects.bulk_create(corrections)
    data = Data(
        organisations=organisations,
        partnership=partnership,
        teams=teams,
        modules=module_list,
        competencies=list(competencies),
        admins=admins,
        managers=managers,
        learners=learners,
        assessor=assessor,
        viewer=viewer,
    )
    data.sector_of = {o.pk: o.sector for o in organisations}
    return data


# --- recounts -----------------------------------------------------------------------------

COMPLETION_KEYS = {
    "module": "module_id",
    "team": "team_id",
    "organisation": "organisation_id",
    "sector": "sector",
    "month": "month",
}


def completion_key(enrolment: Enrolment, dims: Iterable[str], sector_of: dict[int, str]) -> tuple:
    values: dict[str, Any] = {
        "module": enrolment.module_id,
        "team": enrolment.team_id,
        "organisation": enrolment.organisation_id,
        "sector": sector_of.get(enrolment.organisation_id or 0),
        "month": timezone.localtime(enrolment.created_at).strftime("%Y-%m"),
    }
    return tuple(values[dim] for dim in dims)


def recount_completions(
    enrolments: Iterable[Enrolment],
    dims: tuple[str, ...],
    sector_of: dict[int, str],
    today: datetime.date,
) -> dict[tuple, list[int]]:
    """enrolled, started, completed, overdue per group, one enrolment at a time."""
    counts: dict[tuple, list[int]] = defaultdict(lambda: [0, 0, 0, 0])
    for enrolment in enrolments:
        if enrolment.status == EnrolmentStatus.WITHDRAWN:
            continue
        row = counts[completion_key(enrolment, dims, sector_of)]
        row[0] += 1
        row[1] += enrolment.status in (EnrolmentStatus.IN_PROGRESS, EnrolmentStatus.COMPLETED)
        row[2] += enrolment.status == EnrolmentStatus.COMPLETED
        row[3] += bool(
            enrolment.status in ACTIVE_STATUSES
            and enrolment.due_date is not None
            and enrolment.due_date < today
        )
    return dict(counts)


def api_completion_rows(body: dict[str, Any], dims: tuple[str, ...]) -> dict[tuple, list[int]]:
    return {
        tuple(row[COMPLETION_KEYS[dim]] for dim in dims): [
            row["enrolled"],
            row["started"],
            row["completed"],
            row["overdue"],
        ]
        for row in body["rows"]
    }


COMPETENCY_FIGURES = [
    "competent",
    "expiring_soon",
    "expired",
    "not_yet_competent",
    "required",
    "required_and_met",
]


def recount_competencies(
    *,
    organisation_ids: Iterable[int],
    team_ids: Iterable[int] = (),
    team_filter: int | None = None,
    on: datetime.date,
) -> dict[tuple[int, int], list[int]]:
    """The six figures per (competency, organisation), person by person: a person counts
    once per organisation they hold a membership in; a requirement applies to the team's
    members in the role it names (or all of them)."""
    organisation_ids = set(organisation_ids)
    team_ids = set(team_ids)
    memberships = [
        m
        for m in Membership.objects.all()
        if (m.organisation_id in organisation_ids or m.team_id in team_ids)
        and (team_filter is None or m.team_id == team_filter)
    ]
    people_by_org: dict[int, set[int]] = defaultdict(set)
    for membership in memberships:
        people_by_org[membership.organisation_id].add(membership.user_id)
    # State is per organisation (ADR 0012): each organisation's from its own assessments.
    states_by_org = {
        organisation_id: current_states(learner_ids=people, organisation_id=organisation_id, on=on)
        for organisation_id, people in people_by_org.items()
    }
    counts: dict[tuple[int, int], list[int]] = defaultdict(lambda: [0] * 6)
    names = [State.COMPETENT, State.EXPIRING_SOON, State.EXPIRED, State.NOT_YET_COMPETENT]
    for organisation_id, people in people_by_org.items():
        for person in people:
            for (learner_id, competency_id), cell in states_by_org[organisation_id].items():
                if learner_id != person:
                    continue
                counts[(competency_id, organisation_id)][names.index(cell.state)] += 1
    needed: dict[tuple[int, int, int], int] = {}
    requirement_scope = [
        r
        for r in Requirement.objects.select_related("team")
        if (r.team.organisation_id in organisation_ids or r.team_id in team_ids)
        and (team_filter is None or r.team_id == team_filter)
    ]
    for requirement in requirement_scope:
        for membership in Membership.objects.filter(team_id=requirement.team_id):
            if requirement.role and requirement.role != membership.role:
                continue
            key = (requirement.competency_id, requirement.team.organisation_id, membership.user_id)
            needed[key] = max(needed.get(key, 0), requirement.level)
    for (competency_id, organisation_id, person), level in needed.items():
        row = counts[(competency_id, organisation_id)]
        row[4] += 1
        held = states_by_org.get(organisation_id, {}).get((person, competency_id))
        if held is not None and held.state in HOLDS and (held.level or 0) >= level:
            row[5] += 1
    return dict(counts)
