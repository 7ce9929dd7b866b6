"""Compliance at a glance (issue 15, ADR 0019): for an organisation, each of its teams and
each person, the share of required training met, what falls due within 30, 60 and 90
days, and who is overdue. A read module: it counts the standings that
`compliance.selectors.compliance_standings` derives, never a second rule.

Scope follows accounts' Actor and the person record's rule: an org admin (or the
organisation's API key) counts the learners of their organisation, a manager the learners
of the teams they manage; anyone else has no figures (404). Each person counts every
requirement of the organisation that applies to them, standing on that organisation's own
records only (ADR 0012, the selectors' rule).

How each figure counts:
- `requirements`: every (person, requirement) that applies; `counted`: those less the
  exempt ones (an exemption is neither met nor missed, so it leaves the denominator, as
  CQC returns count it);
- `met`: compliant or due soon (`states.MET`); `share_met`: met / counted as a
  percentage to one decimal place, halves rounded up (None when nothing is counted);
- `missed`: overdue or expired (`states.MISSED`); `people_overdue`: people with one;
- `due_within_N_days`: not missed, not exempt, and due (`Standing.due_on`) today or
  within N days; each window includes the shorter ones.
A team counts its learners (a person in two teams counts in both), each with all their
requirements; the organisation counts each person once.
"""

import datetime
from collections.abc import Collection, Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Q
from django.utils import timezone

from accounts.models import Membership, Organisation, Role, Team
from accounts.selectors import Actor
from compliance.selectors import AnyStanding, compliance_standings
from compliance.states import MET, MISSED, State
from core.errors import NotFound

DUE_WINDOWS = (30, 60, 90)

# A person's rows, those needing action first.
STATE_ORDER = [
    State.OVERDUE,
    State.EXPIRED,
    State.NOT_STARTED,
    State.DUE_SOON,
    State.COMPLIANT,
    State.EXEMPT,
]


def percent(part: int, whole: int) -> float | None:
    """part / whole as a percentage to one decimal place, halves rounded up (whole-number
    arithmetic, as the statistics count their rates); None when whole is 0."""
    if not whole:
        return None
    return ((part * 2000 + whole) // (2 * whole)) / 10


def is_due_within(row: AnyStanding, *, on: datetime.date, days: int) -> bool:
    """Not missed, not exempt, and due from today through `days` days from now."""
    state, due_on = row.standing.state, row.standing.due_on
    if state in MISSED or state == State.EXEMPT or due_on is None:
        return False
    return 0 <= (due_on - on).days <= days


@dataclass(frozen=True)
class Figures:
    """The counts of one group of people (see the module's docstring)."""

    people: int
    requirements: int
    states: dict[State, int]
    due_within: dict[int, int]
    people_overdue: int

    @property
    def counted(self) -> int:
        return self.requirements - self.states[State.EXEMPT]

    @property
    def met(self) -> int:
        return sum(self.states[state] for state in MET)

    @property
    def missed(self) -> int:
        return sum(self.states[state] for state in MISSED)

    @property
    def share_met(self) -> float | None:
        return percent(self.met, self.counted)

    @property
    def state_counts(self) -> list[tuple[State, int]]:
        """Each state and its count, in the order pages show them (action first)."""
        return [(state, self.states[state]) for state in STATE_ORDER]

    def as_data(self) -> dict[str, Any]:
        return {
            "people": self.people,
            "requirements": self.requirements,
            "counted": self.counted,
            "met": self.met,
            "share_met": self.share_met,
            "missed": self.missed,
            "people_overdue": self.people_overdue,
            "states": {state.value: self.states[state] for state in STATE_ORDER},
            **{f"due_within_{days}_days": self.due_within[days] for days in DUE_WINDOWS},
        }


def figures_of(people: int, rows: Iterable[AnyStanding], *, on: datetime.date) -> Figures:
    """Count a group's standings (`people` of them, whether or not anything applies)."""
    states = dict.fromkeys(State, 0)
    due_within = dict.fromkeys(DUE_WINDOWS, 0)
    overdue: set[int] = set()
    requirements = 0
    for row in rows:
        requirements += 1
        states[row.standing.state] += 1
        if row.standing.state in MISSED:
            overdue.add(row.person_id)
        for days in DUE_WINDOWS:
            due_within[days] += is_due_within(row, on=on, days=days)
    return Figures(people, requirements, states, due_within, len(overdue))


def _row_order(row: AnyStanding) -> tuple[int, datetime.date, str, str]:
    return (
        STATE_ORDER.index(row.standing.state),
        row.standing.due_on or datetime.date.max,
        row.title,
        row.key,
    )


@dataclass(frozen=True)
class PersonFigures:
    """One person: their standing in every requirement (missed first), and its counts."""

    person_id: int
    full_name: str
    team_ids: frozenset[int]
    rows: list[AnyStanding]
    figures: Figures

    @property
    def needs_action(self) -> int:
        """0: something missed; 1: something to do (not started, due soon); 2: nothing."""
        if self.figures.missed:
            return 0
        return 1 if any(row.standing.state in _TO_DO for row in self.rows) else 2


_TO_DO = frozenset({State.NOT_STARTED, State.DUE_SOON})


@dataclass(frozen=True)
class TeamFigures:
    """A team's learners in scope and their counts."""

    team_id: int
    name: str
    figures: Figures
    people: list[PersonFigures]


@dataclass(frozen=True)
class OrganisationFigures:
    """An organisation as the asker sees it: its counts, its teams', its people's."""

    organisation_id: int
    name: str
    on: datetime.date
    figures: Figures
    teams: list[TeamFigures]
    people: list[PersonFigures] = field(repr=False)

    @property
    def overdue(self) -> list[PersonFigures]:
        """The people with a missed requirement, by name."""
        return [person for person in self.people if person.figures.missed]

    def rows(self) -> list[tuple[PersonFigures, AnyStanding]]:
        """Every (person, requirement) standing, by person name then requirement title."""
        return [
            (person, row)
            for person in self.people
            for row in sorted(person.rows, key=lambda row: (row.title, row.key))
        ]


@dataclass(frozen=True)
class _Scope:
    """What the asker counts in one organisation: teams shown, and learners by team."""

    organisation: Organisation
    teams: list[tuple[int, str]]
    members: dict[int, tuple[str, set[int]]]
    whole_organisation: bool


def _scopes(actor: Actor, organisation_id: int | None, team_id: int | None) -> list[_Scope]:
    """The organisations the asker counts (narrowed as asked), their teams and learners:
    three queries. Not found for anyone without figures, or an organisation or team out
    of scope."""
    admin, managed = actor.admin_organisation_ids, actor.managed_team_ids
    if not admin and not managed:
        raise NotFound("No compliance figures in your scope.")
    team_rows = list(
        Team.objects.filter(Q(organisation_id__in=admin) | Q(pk__in=managed))
        .order_by("name", "pk")
        .values_list("pk", "name", "organisation_id")
    )
    in_teams = {row[2] for row in team_rows}
    if organisation_id is not None and organisation_id not in admin | in_teams:
        raise NotFound("No such organisation.")
    if team_id is not None:
        found = [row for row in team_rows if row[0] == team_id]
        if not found or (organisation_id not in (None, found[0][2])):
            raise NotFound("No such team.")
        team_rows = found
    organisation_ids = {row[2] for row in team_rows}
    if team_id is None:
        organisation_ids |= admin
    if organisation_id is not None:
        organisation_ids &= {organisation_id}
    organisations = list(Organisation.objects.filter(pk__in=organisation_ids).order_by("name"))
    learners = Membership.objects.filter(
        Q(organisation_id__in=admin) | Q(team_id__in=managed),
        organisation_id__in=organisation_ids,
        role=Role.LEARNER,
        user__is_active=True,
    )
    if team_id is not None:
        learners = learners.filter(team_id=team_id)
    # A learner always has a team (accounts.models.TEAM_ROLES).
    members_by_organisation: dict[int, dict[int, tuple[str, set[int]]]] = {}
    for org_id, member_team, user_id, full_name in learners.values_list(
        "organisation_id", "team_id", "user_id", "user__full_name"
    ).order_by("pk"):
        members = members_by_organisation.setdefault(org_id, {})
        members.setdefault(user_id, (full_name, set()))[1].add(member_team)
    return [
        _Scope(
            organisation=organisation,
            teams=[(pk, name) for pk, name, org_id in team_rows if org_id == organisation.pk],
            members=members_by_organisation.get(organisation.pk, {}),
            whole_organisation=organisation.pk in admin and team_id is None,
        )
        for organisation in organisations
    ]


def _people(scope: _Scope, rows: list[AnyStanding], on: datetime.date) -> list[PersonFigures]:
    by_person: dict[int, list[AnyStanding]] = {}
    for row in rows:
        if row.person_id in scope.members:
            by_person.setdefault(row.person_id, []).append(row)
    people = []
    for person_id, (full_name, team_ids) in scope.members.items():
        own = sorted(by_person.get(person_id, []), key=_row_order)
        people.append(
            PersonFigures(person_id, full_name, frozenset(team_ids), own, figures_of(1, own, on=on))
        )
    people.sort(key=lambda person: (person.full_name, person.person_id))
    return people


def _team(team_id: int, name: str, people: list[PersonFigures], on: datetime.date) -> TeamFigures:
    members = [person for person in people if team_id in person.team_ids]
    members.sort(key=lambda person: (person.needs_action, person.full_name, person.person_id))
    rows = [row for person in members for row in person.rows]
    return TeamFigures(team_id, name, figures_of(len(members), rows, on=on), members)


def compliance_figures(
    *,
    actor: Actor,
    organisation_id: int | None = None,
    team_id: int | None = None,
    on: datetime.date | None = None,
) -> list[OrganisationFigures]:
    """The asker's organisations (one, if asked; only the team's, if a team is asked),
    each with its figures, its teams' (those in scope, by name) and its people's: three
    queries, then the standings' fixed number per organisation, however many people."""
    day = on or timezone.localdate()
    found = []
    for scope in _scopes(actor, organisation_id, team_id):
        rows: list[AnyStanding] = []
        if scope.whole_organisation:
            rows = compliance_standings(organisation_id=scope.organisation.pk, on=day)
        elif scope.members:
            rows = compliance_standings(
                organisation_id=scope.organisation.pk, on=day, person_ids=list(scope.members)
            )
        people = _people(scope, rows, day)
        teams = [_team(pk, name, people, day) for pk, name in scope.teams]
        found.append(
            OrganisationFigures(
                organisation_id=scope.organisation.pk,
                name=scope.organisation.name,
                on=day,
                figures=figures_of(len(people), [r for p in people for r in p.rows], on=day),
                teams=teams,
                people=people,
            )
        )
    return found


def team_figures(*, actor: Actor, team_id: int, on: datetime.date | None = None) -> TeamFigures:
    """One team the asker manages or administers (else not found), its people and counts."""
    [organisation] = compliance_figures(actor=actor, team_id=team_id, on=on)
    return organisation.teams[0]


def organisation_totals(
    *, organisation_ids: Collection[int], on: datetime.date | None = None
) -> dict[int, Figures]:
    """Each organisation's figures over all its active learners, with no person in them:
    a partnership's aggregate (reporting checks who views it and suppresses small
    numbers). One query, then the standings' fixed number per organisation."""
    day = on or timezone.localdate()
    learners: dict[int, set[int]] = {organisation_id: set() for organisation_id in organisation_ids}
    for organisation_id, user_id in Membership.objects.filter(
        organisation_id__in=organisation_ids, role=Role.LEARNER, user__is_active=True
    ).values_list("organisation_id", "user_id"):
        learners[organisation_id].add(user_id)
    totals = {}
    for organisation_id, people in learners.items():
        rows = compliance_standings(organisation_id=organisation_id, on=day) if people else []
        counted = [row for row in rows if row.person_id in people]
        totals[organisation_id] = figures_of(len(people), counted, on=day)
    return totals
