"""Random organisations for the compliance figures, and a recount of every figure straight
from the raw rows (memberships, requirements, completed enrolments, training records,
exemptions) by plain Python written from ADR 0018 and ADR 0019, never through
compliance.selectors or compliance.figures: the two must agree."""

import calendar
import datetime
import decimal
import random
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.utils import timezone

from accounts.models import Membership, MembershipStatus, Organisation, Role, Team, User
from compliance.models import ComplianceSettings, Exemption, TrainingRecord, TrainingRequirement
from tests import factories
from tests.compliance.conftest import LONDON
from training.models import Enrolment, EnrolmentStatus, Module

MET = {"compliant", "due_soon"}
MISSED = {"overdue", "expired"}
STATES = ["overdue", "expired", "not_started", "due_soon", "compliant", "exempt"]


def _moment(
    rng: random.Random, today: datetime.date, back: int, ahead: int = 0
) -> datetime.datetime:
    day = today + datetime.timedelta(days=rng.randint(-back, ahead))
    return datetime.datetime.combine(
        day, datetime.time(rng.randint(0, 23), rng.randint(0, 59)), tzinfo=LONDON
    )


@dataclass
class RandomWorld:
    """Organisation X (random people, teams, requirements and records) and organisation Y,
    which shares some of X's people and holds records of X's modules that X must not count."""

    org_x: Organisation
    org_y: Organisation
    teams: list[Team]
    admin: User
    managers: dict[int, User]
    modules: list[Module]
    y_team: Team


def build(seed: int, today: datetime.date, people: int = 36) -> RandomWorld:
    """A seeded random world, as of `today` (the tests freeze time on it)."""
    rng = random.Random(seed)
    org_x = factories.OrganisationFactory.create(name=f"Random X {seed}")
    org_y = factories.OrganisationFactory.create(name=f"Random Y {seed}")
    ComplianceSettings.objects.create(organisation=org_x, grace_days=rng.choice([0, 14, 30, 60]))
    teams = [
        factories.TeamFactory.create(organisation=org_x, name=f"Team {name}")
        for name in ("Alder", "Birch", "Cedar")
    ]
    y_team = factories.TeamFactory.create(organisation=org_y, name="Y team")
    admin = factories.UserFactory.create(full_name="Xavier Admin")
    factories.MembershipFactory.create(
        user=admin, organisation=org_x, team=None, role=Role.ORG_ADMIN
    )
    managers = {}
    for team in teams:
        managers[team.pk] = factories.UserFactory.create()
        factories.MembershipFactory.create(user=managers[team.pk], team=team, role=Role.MANAGER)
    modules = [factories.ModuleFactory.create() for _ in range(4)]
    requirements = []
    for index in range(6):
        module = modules[index] if index < 4 and rng.random() < 0.8 else None
        requirements.append(
            factories.TrainingRequirementFactory.create(
                organisation=org_x,
                team=rng.choice([None, None, None, *teams]),
                role=rng.choice(["", "", Role.LEARNER, Role.LEARNER, Role.MANAGER]),
                module=module,
                title="" if module else f"Recorded training {index}",
                renewal_months=rng.choice([0, 12, 12, 24, 36]),
                window_days=rng.choice([30, 60, 90]),
                created_at=_moment(rng, today, 400),
            )
        )
    y_requirement = factories.TrainingRequirementFactory.create(
        organisation=org_y, module=modules[0], renewal_months=12
    )
    for number in range(people):
        person = factories.UserFactory.create(full_name=f"Person {number:02d} {seed}")
        for team in rng.sample(teams, rng.choice([1, 1, 1, 2])):
            created = _moment(rng, today, 400)
            factories.MembershipFactory.create(
                user=person,
                team=team,
                created_at=created,
                accepted_at=rng.choice(
                    [None, created + datetime.timedelta(days=rng.randint(0, 20))]
                ),
            )
        for requirement in requirements:
            for _ in range(rng.choice([0, 1, 1, 2])):
                if requirement.module is not None and rng.random() < 0.6:
                    completed = _moment(rng, today, 900)
                    factories.EnrolmentFactory.create(
                        learner=person,
                        module=requirement.module,
                        organisation=org_x,
                        team=teams[0],
                        status=EnrolmentStatus.COMPLETED,
                        completed_at=completed,
                    )
                else:
                    factories.TrainingRecordFactory.create(
                        requirement=requirement,
                        person=person,
                        completed_on=_moment(rng, today, 900).date(),
                    )
            if rng.random() < 0.12:
                factories.ExemptionFactory.create(
                    requirement=requirement,
                    person=person,
                    ends_on=_moment(rng, today, 100, 200).date(),
                )
        if rng.random() < 0.3:
            # Also employed by Y, whose records of X's modules never count for X.
            factories.MembershipFactory.create(user=person, team=y_team)
            factories.EnrolmentFactory.create(
                learner=person,
                module=modules[0],
                organisation=org_y,
                team=y_team,
                status=EnrolmentStatus.COMPLETED,
                completed_at=timezone.now(),
            )
            factories.TrainingRecordFactory.create(requirement=y_requirement, person=person)
    left = factories.UserFactory.create(full_name="Left the organisation", is_active=False)
    factories.MembershipFactory.create(user=left, team=teams[0])
    invited = factories.UserFactory.create(full_name="Invited, not yet joined")
    factories.MembershipFactory.create(user=invited, team=teams[0], status=MembershipStatus.PENDING)
    return RandomWorld(org_x, org_y, teams, admin, managers, modules, y_team)


# The recount: plain Python over the raw rows.


def _last_valid_day(start: datetime.date, months: int) -> datetime.date:
    month = start.month - 1 + months
    year, month = start.year + month // 12, month % 12 + 1
    day = min(start.day, calendar.monthrange(year, month)[1])
    return datetime.date(year, month, day) - datetime.timedelta(days=1)


@dataclass(frozen=True)
class Row:
    person_id: int
    full_name: str
    requirement: str
    state: str
    completed_on: datetime.date | None
    due_on: datetime.date | None
    valid_until: datetime.date | None


def _state(
    on: datetime.date,
    completed_on: datetime.date | None,
    requirement: TrainingRequirement,
    starts_on: datetime.date,
    grace_days: int,
) -> tuple[str, datetime.date | None, datetime.date | None]:
    grace_ends = starts_on + datetime.timedelta(days=grace_days)
    if completed_on is None:
        return ("overdue" if on > grace_ends else "not_started"), grace_ends, None
    if requirement.renewal_months == 0:
        return "compliant", None, None
    valid_until = _last_valid_day(completed_on, requirement.renewal_months)
    due_on = max(valid_until, grace_ends)
    if on > valid_until:
        return "expired", due_on, valid_until
    if on >= valid_until - datetime.timedelta(days=requirement.window_days):
        return "due_soon", due_on, valid_until
    return "compliant", due_on, valid_until


def _local_day(moment: datetime.datetime) -> datetime.date:
    return moment.astimezone(LONDON).date()


def recount_rows(organisation: Organisation, on: datetime.date) -> list[Row]:
    """Every active person's state in every training requirement of the organisation that
    applies to them through an accepted membership."""
    settings = ComplianceSettings.objects.filter(organisation=organisation).first()
    grace_days = settings.grace_days if settings else 30
    memberships = [
        m
        for m in Membership.including_pending.filter(organisation=organisation).select_related(
            "user"
        )
        if m.status == MembershipStatus.ACTIVE and m.user.is_active
    ]
    rows = []
    for requirement in TrainingRequirement.objects.filter(organisation=organisation):
        starts: dict[int, datetime.date] = {}
        names: dict[int, str] = {}
        for m in memberships:
            team_fits = requirement.team_id is None or requirement.team_id == m.team_id
            role_fits = requirement.role in ("", m.role)
            if team_fits and role_fits:
                joined = _local_day(m.accepted_at or m.created_at)
                begins = max(joined, _local_day(requirement.created_at))
                starts[m.user_id] = min(starts.get(m.user_id, begins), begins)
                names[m.user_id] = m.user.full_name
        for person_id, starts_on in starts.items():
            done = [
                _local_day(e.completed_at)
                for e in Enrolment.objects.filter(
                    learner_id=person_id,
                    organisation=organisation,
                    status=EnrolmentStatus.COMPLETED,
                )
                if requirement.module_id is not None
                and e.module_id == requirement.module_id
                and e.completed_at is not None
            ] + [
                r.completed_on
                for r in TrainingRecord.objects.filter(
                    person_id=person_id, requirement=requirement, organisation=organisation
                )
            ]
            completed_on = max(done) if done else None
            state, due_on, valid_until = _state(
                on, completed_on, requirement, starts_on, grace_days
            )
            exempt = [
                e.ends_on
                for e in Exemption.objects.filter(requirement=requirement, person_id=person_id)
                if e.ends_on >= on
            ]
            if exempt:
                state = "exempt"
            rows.append(
                Row(
                    person_id,
                    names[person_id],
                    f"training-{requirement.pk}",
                    state,
                    completed_on,
                    due_on,
                    valid_until,
                )
            )
    return rows


def learners(
    organisation: Organisation, team_ids: Iterable[int] | None = None
) -> dict[int, set[int]]:
    """Active learners of the organisation (of those teams, if given) -> their teams."""
    found: dict[int, set[int]] = {}
    for m in Membership.including_pending.filter(organisation=organisation, role=Role.LEARNER):
        if m.status != MembershipStatus.ACTIVE or not m.user.is_active:
            continue
        if m.team_id is not None and (team_ids is None or m.team_id in set(team_ids)):
            found.setdefault(m.user_id, set()).add(m.team_id)
    return found


@dataclass
class Counted:
    people: int = 0
    requirements: int = 0
    states: dict[str, int] = field(default_factory=lambda: dict.fromkeys(STATES, 0))
    due: dict[int, int] = field(default_factory=lambda: {30: 0, 60: 0, 90: 0})
    overdue: set[int] = field(default_factory=set)

    def as_data(self) -> dict[str, object]:
        counted = self.requirements - self.states["exempt"]
        met = self.states["compliant"] + self.states["due_soon"]
        share = None
        if counted:
            exact = decimal.Decimal(met * 100) / decimal.Decimal(counted)
            share = float(exact.quantize(decimal.Decimal("0.1"), rounding=decimal.ROUND_HALF_UP))
        return {
            "people": self.people,
            "requirements": self.requirements,
            "counted": counted,
            "met": met,
            "share_met": share,
            "missed": self.states["overdue"] + self.states["expired"],
            "people_overdue": len(self.overdue),
            "states": self.states,
            "due_within_30_days": self.due[30],
            "due_within_60_days": self.due[60],
            "due_within_90_days": self.due[90],
        }


def count(people: Iterable[int], rows: list[Row], on: datetime.date) -> dict[str, object]:
    """The figures of a group of people, by the ADR's words."""
    chosen = set(people)
    counted = Counted(people=len(chosen))
    for row in rows:
        if row.person_id not in chosen:
            continue
        counted.requirements += 1
        counted.states[row.state] += 1
        if row.state in MISSED:
            counted.overdue.add(row.person_id)
        elif row.state != "exempt" and row.due_on is not None:
            for days in (30, 60, 90):
                counted.due[days] += 0 <= (row.due_on - on).days <= days
    return counted.as_data()
