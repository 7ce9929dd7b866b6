"""A learner's current state per competency under one organisation, read in one query:
through the ORM (a window function ranks the assessments) or, on PostgreSQL, one
hand-written statement; the rule itself is competencies.states.state_expression."""

import datetime
import functools
from collections.abc import Iterable
from typing import Any

from django.db import connection
from django.db.models import Exists, F, OuterRef, Window
from django.db.models.functions import RowNumber
from django.db.models.sql import Query
from django.utils import timezone

from competencies.models import Assessment
from competencies.states import STATES, Cell, expiring_window, state_expression

# (learner id, competency id, state, level, valid until, assessment id)
type CurrentRow = tuple[int, int, str, int, datetime.date | None, int]


def current_states(
    *,
    learner_ids: Iterable[int],
    organisation_id: int | None,
    competency_ids: Iterable[int] | None = None,
    on: datetime.date | None = None,
) -> dict[tuple[int, int], Cell]:
    """The current state per (learner, competency) that has an assessment (absent means
    not assessed) under one organisation, in one query: the latest of that organisation's
    assessments by assessed_at then id among those no later one supersedes, classified by
    competencies.states.state_expression. State is per organisation (ADR 0012): another
    organisation's assessments never count. `organisation_id=None` reads the assessments
    made under no organisation."""
    on = on or timezone.localdate()
    rows: Iterable[CurrentRow]
    if connection.vendor == "postgresql":
        rows = _current_rows_postgresql(list(learner_ids), organisation_id, competency_ids, on)
    else:
        rows = _current_rows_orm(list(learner_ids), organisation_id, competency_ids, on)
    return {
        (learner_id, competency_id): Cell(STATES[state], level, valid_until, assessment_id)
        for learner_id, competency_id, state, level, valid_until, assessment_id in rows
    }


def _current_rows_orm(
    learner_ids: list[int],
    organisation_id: int | None,
    competency_ids: Iterable[int] | None,
    on: datetime.date,
) -> Iterable[CurrentRow]:
    """current_states' rows through the ORM (SQLite: a window function ranks them)."""
    queryset = Assessment.objects.filter(learner_id__in=learner_ids)
    queryset = (
        queryset.filter(organisation__isnull=True)
        if organisation_id is None
        else queryset.filter(organisation_id=organisation_id)
    )
    if competency_ids is not None:
        queryset = queryset.filter(competency_id__in=list(competency_ids))
    ranked = (
        queryset.exclude(Exists(Assessment.objects.filter(supersedes_id=OuterRef("pk"))))
        .annotate(
            rank=Window(
                RowNumber(),
                partition_by=[F("learner_id"), F("competency_id")],
                order_by=[F("assessed_at").desc(), F("id").desc()],
            )
        )
        .filter(rank=1)
        .order_by()
    )
    return ranked.annotate(state=state_expression(on)).values_list(
        "learner_id", "competency_id", "state", "level", "valid_until", "id"
    )


# PostgreSQL: DISTINCT ON is its fastest "latest per group". The matrix runs this for every
# page, CSV and API call, and composing it with the ORM cost as long as running it, so it
# is written out; the state rule in it is state_expression, compiled once a day.
CURRENT_ROWS_SQL = """
SELECT DISTINCT ON ({table}.learner_id, {table}.competency_id)
       {table}.learner_id, {table}.competency_id, {state}, {table}.level,
       {table}.valid_until, {table}.id
  FROM {table}
 WHERE {table}.learner_id = ANY(%s) AND {table}.organisation_id {organisation} {competencies}
   AND NOT EXISTS (SELECT 1 FROM {table} later WHERE later.supersedes_id = {table}.id)
 ORDER BY {table}.learner_id, {table}.competency_id, {table}.assessed_at DESC,
          {table}.id DESC
"""


@functools.lru_cache(maxsize=4)
def _state_sql(on: datetime.date, window: datetime.timedelta) -> tuple[str, tuple[object, ...]]:
    """state_expression(on) as PostgreSQL SQL over the assessment table, and its params."""
    query = Query(Assessment)
    expression = state_expression(on).resolve_expression(query)
    sql, params = query.get_compiler(connection=connection).compile(expression)
    return sql, tuple(params)


def _current_rows_postgresql(
    learner_ids: list[int],
    organisation_id: int | None,
    competency_ids: Iterable[int] | None,
    on: datetime.date,
) -> list[CurrentRow]:
    """current_states' rows in one hand-written PostgreSQL statement (see CURRENT_ROWS_SQL)."""
    state, state_params = _state_sql(on, expiring_window())
    sql = CURRENT_ROWS_SQL.format(
        table=connection.ops.quote_name(Assessment._meta.db_table),
        state=state,
        organisation="IS NULL" if organisation_id is None else "= %s",
        competencies="" if competency_ids is None else "AND competency_id = ANY(%s)",
    )
    params: list[Any] = [*state_params, learner_ids]
    if organisation_id is not None:
        params.append(organisation_id)
    if competency_ids is not None:
        params.append(list(competency_ids))
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()
