"""Competency figures: people competent, expiring soon, expired and not yet competent in
each competency, and against requirements (required, required and met).

Counted in one SQL query grouped by competency and organisation, plus one query for the
competencies' names.
What counts (ADR 0008):

- the people are those who hold a membership in scope now (any role), counted once per
  organisation; a person's state is their current assessment's (the latest by assessed
  time that no correction supersedes), classified as of `on` by competencies.states'
  own SQL expression, so the figures and the team matrix can never disagree;
- competent, expiring soon, expired and not yet competent are exclusive; people never
  assessed in a competency count in none of them;
- required: people whose team roles require the competency (at any level); required
  and met: those of them whose current state holds it (competent or expiring soon) at
  the highest level their roles require;
- grouped by domain or level, a person counts once per competency (these are competency
  records, as in the team matrix).
"""

import datetime
from dataclasses import dataclass
from typing import Any

from django.db import connection
from django.db.models import Exists, F, OuterRef, QuerySet, Window
from django.db.models.functions import RowNumber
from django.utils import timezone

from accounts.models import Membership
from competencies.models import Assessment, Requirement
from competencies.states import State, expiring_window, state_expression
from core.errors import HearthError, NotFound
from reporting import selectors
from reporting.groups import exact_table, table_meta
from reporting.labels import CompetencyInfo, Labels
from reporting.protected_tables import (
    Side,
    check_not_by_team,
    competency_hierarchy,
    domain_node,
    level_node,
    protected_table,
)
from reporting.selectors import StatsScope
from reporting.suppression import ALL
from reporting.tables import Table

DIMENSIONS = ("competency", "domain", "level", "organisation", "sector")
FIGURES = (
    "competent",
    "expiring_soon",
    "expired",
    "not_yet_competent",
    "required",
    "required_and_met",
)
COMPETENCY_SIDE = ("competency", "domain", "level")


@dataclass(frozen=True)
class CompetencyQuery:
    """What a competencies request asks for (validated by the API)."""

    group_by: tuple[str, ...] = ("competency",)
    competency_id: int | None = None
    domain: str | None = None
    level: int | None = None
    team_id: int | None = None
    sector: str | None = None
    organisation_id: int | None = None

    def as_filters(self) -> dict[str, Any]:
        return {
            "competency": self.competency_id,
            "domain": self.domain,
            "level": self.level,
            "team": self.team_id,
            "sector": self.sector,
            "organisation": self.organisation_id,
        }


def current_assessments(people: QuerySet[Membership], on: datetime.date) -> QuerySet[Any]:
    """The current assessment of each person in `people` per competency and organisation,
    with its state on a day: the latest (by assessed time, then record order) of those no
    correction supersedes among that organisation's assessments (state is per
    organisation, ADR 0012), chosen as competencies.current_states chooses it
    (DISTINCT ON on PostgreSQL, a window elsewhere) and classified by competencies.states'
    own SQL rule."""
    candidates = (
        Assessment.objects.filter(
            learner_id__in=people.values("user_id"),
            organisation_id__in=people.values("organisation_id"),
        )
        .exclude(Exists(Assessment.objects.filter(supersedes_id=OuterRef("pk"))))
        .order_by()
    )
    if connection.vendor == "postgresql":
        latest = candidates.order_by(
            "learner_id", "competency_id", "organisation_id", "-assessed_at", "-id"
        ).distinct("learner_id", "competency_id", "organisation_id")
    else:
        latest = candidates.annotate(
            rank=Window(
                RowNumber(),
                partition_by=[F("learner_id"), F("competency_id"), F("organisation_id")],
                order_by=[F("assessed_at").desc(), F("id").desc()],
            )
        ).filter(rank=1)
    return latest.annotate(state=state_expression(on)).values(
        "learner_id", "competency_id", "organisation_id", "state", "level"
    )


def _people(scope: StatsScope, team_id: int | None) -> QuerySet[Membership]:
    """The memberships whose holders are counted (any role), in scope and in the team."""
    memberships = Membership.objects.filter(scope.condition("organisation_id", "team_id"))
    if team_id is not None:
        memberships = memberships.filter(team_id=team_id)
    return memberships


# The ORM builds the two sets the rules define (memberships in scope; current assessments
# with their state) and this one statement counts over them. Counting rows of de-duplicated
# sets, rather than COUNT(DISTINCT ...) over a join, is what keeps it as fast as a
# hand-written query (ADR 0008). Standard SQL: PostgreSQL and the embedded SQLite alike.
FIGURES_SQL = """
WITH members AS ({members}),
people AS (SELECT DISTINCT user_id, organisation_id FROM members),
current AS ({current}),
asked AS (
    SELECT m.user_id, m.organisation_id, r.competency_id, MAX(r.level) AS level
      FROM members m
      JOIN {requirement} r ON r.team_id = m.team_id AND (r.role = '' OR r.role = m.role)
     GROUP BY m.user_id, m.organisation_id, r.competency_id
),
states AS (
    SELECT c.competency_id, p.organisation_id,
           COUNT(*) FILTER (WHERE c.state = %s) AS competent,
           COUNT(*) FILTER (WHERE c.state = %s) AS expiring_soon,
           COUNT(*) FILTER (WHERE c.state = %s) AS expired,
           COUNT(*) FILTER (WHERE c.state = %s) AS not_yet_competent
      FROM current c
      JOIN people p ON p.user_id = c.learner_id AND p.organisation_id = c.organisation_id
     GROUP BY c.competency_id, p.organisation_id
),
against AS (
    SELECT a.competency_id, a.organisation_id, COUNT(*) AS required,
           COUNT(*) FILTER (WHERE c.state IN (%s, %s) AND c.level >= a.level) AS met
      FROM asked a
      LEFT JOIN current c ON c.learner_id = a.user_id AND c.competency_id = a.competency_id
                         AND c.organisation_id = a.organisation_id
     GROUP BY a.competency_id, a.organisation_id
),
groups AS (
    SELECT competency_id, organisation_id FROM states
    UNION
    SELECT competency_id, organisation_id FROM against
)
SELECT g.competency_id, g.organisation_id,
       COALESCE(s.competent, 0), COALESCE(s.expiring_soon, 0), COALESCE(s.expired, 0),
       COALESCE(s.not_yet_competent, 0), COALESCE(a.required, 0), COALESCE(a.met, 0)
  FROM groups g
  LEFT JOIN states s
    ON s.competency_id = g.competency_id AND s.organisation_id = g.organisation_id
  LEFT JOIN against a
    ON a.competency_id = g.competency_id AND a.organisation_id = g.organisation_id
"""


def competency_counts(
    scope: StatsScope, team_id: int | None, on: datetime.date
) -> dict[tuple[int, int], list[int]]:
    """The six figures by (competency, organisation), in one query.

    People: those holding a membership in scope (and in the team), once per organisation.
    States: their current assessment's. Required: a requirement of a team they are in
    names their role there (or no role); met: their current state holds the competency
    (competent or expiring soon) at the highest level their requirements ask.
    """
    people = _people(scope, team_id)
    members_sql, members_params = (
        people.order_by().values("user_id", "organisation_id", "team_id", "role").query
    ).sql_with_params()
    current_sql, current_params = current_assessments(people, on).query.sql_with_params()
    sql = FIGURES_SQL.format(
        members=members_sql,
        current=current_sql,
        requirement=connection.ops.quote_name(Requirement._meta.db_table),
    )
    params = [
        *members_params,
        *current_params,
        State.COMPETENT.value,
        State.EXPIRING_SOON.value,
        State.EXPIRED.value,
        State.NOT_YET_COMPETENT.value,
        *(state.value for state in (State.COMPETENT, State.EXPIRING_SOON)),
    ]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return {(row[0], row[1]): list(row[2:]) for row in cursor.fetchall()}


def _no_derived(counts: dict[str, int | None], hidden: list[str]) -> dict[str, Any]:
    return {}


def _check(scope: StatsScope, query: CompetencyQuery) -> None:
    if query.team_id is not None:
        selectors.team_check_in_scope(scope, query.team_id)
    if query.organisation_id is not None and scope.is_partnership:
        selectors.organisation_check_in_scope(scope, query.organisation_id)


def competencies_table(
    *, scope: StatsScope, query: CompetencyQuery, on: datetime.date | None = None
) -> Table:
    """The competency figures a scope may see, grouped and filtered as asked."""
    on = on or timezone.localdate()
    _check(scope, query)
    meta = table_meta(scope, on, {"expiring_soon_days": expiring_window().days}, query.as_filters())
    labels = Labels()
    labels.load_competencies()
    if query.competency_id is not None and query.competency_id not in labels.competencies:
        raise NotFound("No such competency.")
    if scope.is_partnership:
        return _partnership_table(scope, query, on, meta, labels)
    leaves = competency_counts(scope, query.team_id, on)
    sources = ["competency_id", "organisation_id"]
    group_by = query.group_by
    if "organisation" in group_by or "sector" in group_by or query.sector:
        labels.load_organisations(organisation for _, organisation in leaves)

    def keep(leaf: tuple) -> bool:
        info = labels.competencies.get(leaf[0])
        return (
            info is not None
            and (query.competency_id is None or leaf[0] == query.competency_id)
            and (query.domain is None or info.domain == query.domain)
            and (query.level is None or info.level == query.level)
            and (query.sector is None or labels.sector_of(leaf[1]) == query.sector)
            and (query.organisation_id is None or leaf[1] == query.organisation_id)
        )

    zero_keys: list[tuple] = []
    if group_by and set(group_by) <= set(COMPETENCY_SIDE):
        # Grouped by competency alone, every competency gets a row, held by anyone or not.
        zero_keys = [
            tuple(_competency_key(info, name) for name in group_by)
            for info in labels.competencies.values()
            if _matches_competency(info, query)
        ]
    return exact_table(
        group_by=group_by,
        sources=sources,
        leaves=leaves,
        figures=FIGURES,
        labels=labels,
        derive=_no_derived,
        meta=meta,
        zero_keys=zero_keys,
        keep=keep,
    )


def _matches_competency(info: CompetencyInfo, query: CompetencyQuery) -> bool:
    return (
        (query.competency_id is None or info.id == query.competency_id)
        and (query.domain is None or info.domain == query.domain)
        and (query.level is None or info.level == query.level)
    )


def _competency_key(info: CompetencyInfo, dimension: str) -> Any:
    return {"competency": info.id, "domain": info.domain, "level": info.level}[dimension]


def _partnership_table(
    scope: StatsScope,
    query: CompetencyQuery,
    on: datetime.date,
    meta: dict[str, Any],
    labels: Labels,
) -> Table:
    """Counted by competency and organisation, suppressed as one cube (competency ->
    domain and level -> all; organisation -> sector -> all), then the rows asked for."""
    group_by = query.group_by
    check_not_by_team(query.team_id, group_by)
    first = [name for name in group_by if name in COMPETENCY_SIDE]
    second = [name for name in group_by if name in ("organisation", "sector")]
    filters = [
        node
        for node in (
            query.competency_id,
            domain_node(query.domain) if query.domain else None,
            level_node(query.level) if query.level else None,
        )
        if node is not None
    ]
    if len(first) > 1 or len(second) > 1 or len(filters) > 1:
        raise HearthError(
            "For a partnership, group by at most one of competency, domain and level and one "
            "of organisation and sector, and filter by at most one of competency, domain and "
            "level.",
            fields={"group_by": ["Too many groupings or filters for a partnership."]},
        )
    if filters and first and first[0] != "competency":
        raise HearthError(
            "Filtered by a competency, domain or level, group by competency (or nothing).",
            fields={"group_by": ["Group by competency with this filter."]},
        )
    if query.organisation_id is not None and (query.sector or second == ["sector"]):
        raise HearthError(
            "Filter by organisation, or by or group by sector, not both.",
            fields={"organisation": ["Not with a sector."]},
        )
    leaves: dict[tuple[Any, Any], list[int]] = dict(competency_counts(scope, None, on))
    return protected_table(
        scope=scope,
        query=query,
        leaves={key: counts for key, counts in leaves.items() if key[0] in labels.competencies},
        first=competency_hierarchy(labels.competencies.values()),
        first_side=Side(first[0] if first else None, filters[0] if filters else ALL),
        figures=FIGURES,
        labels=labels,
        derive=_no_derived,
        meta=meta,
    )
