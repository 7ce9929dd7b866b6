"""Whose figures a request may see: the one place reporting resolves scope.

Organisation statistics follow accounts' Actor: an org admin (or an organisation's API
key) sees their organisations, a manager the teams they manage. A partnership's viewers
see its member organisations in aggregate only, with small numbers suppressed. Anyone
else, and anything outside scope, is not found (404), never forbidden (ADR 0004).
"""

from dataclasses import dataclass, field

from django.db.models import Q, QuerySet

from accounts.models import Organisation, Partnership, Team
from accounts.selectors import Actor, partnerships_viewed_by
from core.errors import NotFound
from reporting.models import IndicatorReport
from training.models import Module


@dataclass(frozen=True)
class OrganisationInfo:
    id: int
    name: str
    sector: str


@dataclass(frozen=True)
class StatsScope:
    """The records a statistics request counts.

    `organisation_ids`: whole organisations; `team_ids`: teams on top (a manager's).
    A partnership scope counts its member organisations and is always suppressed.
    """

    organisation_ids: frozenset[int] = frozenset()
    team_ids: frozenset[int] = frozenset()
    partnership_id: int | None = None
    partnership_name: str = ""
    organisations: tuple[OrganisationInfo, ...] = field(default=(), compare=False)

    @property
    def is_partnership(self) -> bool:
        return self.partnership_id is not None

    @property
    def key(self) -> str:
        """A stable name for this scope (part of the response validator's key)."""
        if self.partnership_id is not None:
            return f"partnership:{self.partnership_id}"
        organisations = ",".join(map(str, sorted(self.organisation_ids)))
        teams = ",".join(map(str, sorted(self.team_ids)))
        return f"organisations:{organisations};teams:{teams}"

    def enrolment_condition(self) -> Q:
        """Enrolments counted: those of the organisations, and of the teams."""
        return self.condition("organisation_id", "team_id")

    def condition(self, organisation_field: str, team_field: str) -> Q:
        """The scope as a filter on any table with an organisation and a team column."""
        condition = Q(**{f"{organisation_field}__in": self.organisation_ids})
        if self.team_ids:
            condition |= Q(**{f"{team_field}__in": self.team_ids})
        return condition

    def describe(self) -> dict[str, object]:
        """The scope as plain data for a response."""
        if self.partnership_id is not None:
            return {
                "kind": "partnership",
                "partnership": {"id": self.partnership_id, "name": self.partnership_name},
            }
        return {
            "kind": "teams" if not self.organisation_ids else "organisation",
            "organisations": sorted(self.organisation_ids),
            "teams": sorted(self.team_ids),
        }


def stats_scope_for(actor: Actor, *, organisation_id: int | None = None) -> StatsScope:
    """An org admin's organisations (or an API key's) and a manager's teams; narrowed to one
    organisation when asked. Learners and assessors have no statistics: not found."""
    organisations = actor.admin_organisation_ids
    teams = actor.managed_team_ids
    if not organisations and not teams:
        raise NotFound("No statistics in your scope.")
    if organisation_id is not None:
        if organisation_id in organisations:
            return StatsScope(organisation_ids=frozenset({organisation_id}))
        teams = frozenset(
            Team.objects.filter(pk__in=teams, organisation_id=organisation_id).values_list(
                "pk", flat=True
            )
        )
        if not teams:
            raise NotFound("No such organisation.")
        return StatsScope(team_ids=teams)
    # A team of an administered organisation adds nothing: the organisation covers it.
    return StatsScope(organisation_ids=organisations, team_ids=teams)


def partnership_scope_for(actor: Actor, *, partnership_id: int) -> StatsScope:
    """A partnership the actor views, with its member organisations (two queries)."""
    name = (
        partnerships_viewed_by(actor)
        .filter(pk=partnership_id)
        .values_list("name", flat=True)
        .first()
    )
    if name is None:
        raise NotFound("No such partnership.")
    return _with_members(partnership_id, name)


def partnership_scope(partnership_id: int) -> StatsScope:
    """A partnership's member organisations, for the worker building a report that one of
    its viewers asked for."""
    name = Partnership.objects.filter(pk=partnership_id).values_list("name", flat=True).first()
    if name is None:
        raise NotFound("No such partnership.")
    return _with_members(partnership_id, name)


def _with_members(partnership_id: int, name: str) -> StatsScope:
    members = tuple(
        OrganisationInfo(*row)
        for row in Organisation.objects.filter(partnerships__pk=partnership_id)
        .order_by("name", "pk")
        .values_list("pk", "name", "sector")
    )
    return StatsScope(
        organisation_ids=frozenset(member.id for member in members),
        partnership_id=partnership_id,
        partnership_name=name,
        organisations=members,
    )


def organisation_scope_for_report(actor: Actor, *, organisation_id: int) -> StatsScope:
    """An organisation's whole figures: its org admins and its API keys only (a manager's
    view is their teams, not the organisation)."""
    if organisation_id not in actor.admin_organisation_ids:
        raise NotFound("No such organisation.")
    return organisation_scope(organisation_id)


def organisation_scope(organisation_id: int) -> StatsScope:
    """One organisation's whole figures, with its name and sector (one query)."""
    row = (
        Organisation.objects.filter(pk=organisation_id).values_list("pk", "name", "sector").first()
    )
    if row is None:
        raise NotFound("No such organisation.")
    return StatsScope(
        organisation_ids=frozenset({organisation_id}), organisations=(OrganisationInfo(*row),)
    )


def team_check_in_scope(scope: StatsScope, team_id: int) -> None:
    """A team filter must name a team in scope; anything else is not found."""
    condition = Q(organisation_id__in=scope.organisation_ids) | Q(pk__in=scope.team_ids)
    if scope.is_partnership or not Team.objects.filter(condition, pk=team_id).exists():
        raise NotFound("No such team.")


def module_check_in_scope(scope: StatsScope, module_id: int) -> None:
    """A module filter must name a shared module or one of the scope's organisations' own."""
    owners = Q(organisation_id__in=scope.organisation_ids)
    if scope.team_ids:
        owners |= Q(organisation__teams__in=scope.team_ids)
    if not Module.objects.filter(Q(organisation__isnull=True) | owners, pk=module_id).exists():
        raise NotFound("No such module.")


def organisation_check_in_scope(scope: StatsScope, organisation_id: int) -> None:
    """A partnership's organisation filter must name a member."""
    if organisation_id not in scope.organisation_ids:
        raise NotFound("No such organisation.")


def indicator_reports_visible_to(actor: Actor) -> QuerySet[IndicatorReport]:
    """Report PDFs of the actor's organisations (as org admin or key) and partnerships."""
    condition = Q(organisation_id__in=actor.admin_organisation_ids)
    if actor.user_id is not None and not actor.is_api_key:
        condition |= Q(partnership__viewers__pk=actor.user_id)
    return IndicatorReport.objects.filter(condition)


def indicator_report_get(*, actor: Actor, report_id: int) -> IndicatorReport:
    report = indicator_reports_visible_to(actor).filter(pk=report_id).first()
    if report is None:
        raise NotFound("No such report.")
    return report
