"""Completion figures: enrolled, started, completed, overdue and the completion rate.

Counted in one SQL query (COUNT ... FILTER, grouped by the columns asked for), plus one
small query per kind of name shown. What counts (ADR 0008):

- an enrolment that was withdrawn counts nowhere;
- the period (`from`, `to`, inclusive, local dates) and `month` are by the day the
  enrolment was made, so each row follows a cohort: of those enrolled then, how many
  started, completed, or are overdue now;
- started: in progress or completed; overdue: not completed and its due date has passed
  (as of `on`, today); completion rate: completed / enrolled, a percentage to 0.1;
- sector is the sector of the organisation the enrolment is counted under; team the
  learner's team when they enrolled.
"""

import datetime
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, DateField, Q
from django.db.models.functions import TruncMonth
from django.utils import timezone

from core.errors import HearthError
from reporting import selectors
from reporting.dimensions import load_labels_for, sources_of
from reporting.groups import exact_table, hidden_marker, table_meta
from reporting.labels import Labels
from reporting.protected_tables import (
    Side,
    check_not_by_team,
    protected_table,
)
from reporting.selectors import StatsScope
from reporting.suppression import ALL, flat
from reporting.tables import Table, percent
from training.models import ACTIVE_STATUSES, Enrolment, EnrolmentStatus

DIMENSIONS = ("module", "team", "sector", "month", "organisation")
PARTNERSHIP_DIMENSIONS = ("module", "organisation", "sector")
FIGURES = ("enrolled", "started", "completed", "overdue")
PERIOD_BASIS = "enrolment_created"


@dataclass(frozen=True)
class CompletionQuery:
    """What a completions request asks for (validated by the API)."""

    group_by: tuple[str, ...] = ()
    date_from: datetime.date | None = None
    date_to: datetime.date | None = None
    module_id: int | None = None
    team_id: int | None = None
    sector: str | None = None
    organisation_id: int | None = None

    def as_filters(self) -> dict[str, Any]:
        return {
            "from": self.date_from.isoformat() if self.date_from else None,
            "to": self.date_to.isoformat() if self.date_to else None,
            "module": self.module_id,
            "team": self.team_id,
            "sector": self.sector,
            "organisation": self.organisation_id,
        }


def _derive(counts: dict[str, int | None], hidden: list[str]) -> dict[str, Any]:
    if "completed" in hidden or "enrolled" in hidden:
        return {"completion_rate": hidden_marker()}
    return {"completion_rate": percent(counts["completed"], counts["enrolled"])}


def start_of(day: datetime.date) -> datetime.datetime:
    """Midnight at the start of a local day, as an aware datetime."""
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def enrolments_counted(scope: StatsScope, query: CompletionQuery) -> Any:
    """The enrolments a request counts: in scope, not withdrawn, filtered."""
    enrolments = Enrolment.objects.filter(scope.enrolment_condition()).exclude(
        status=EnrolmentStatus.WITHDRAWN
    )
    if query.date_from is not None:
        enrolments = enrolments.filter(created_at__gte=start_of(query.date_from))
    if query.date_to is not None:
        next_day = query.date_to + datetime.timedelta(days=1)
        enrolments = enrolments.filter(created_at__lt=start_of(next_day))
    if query.team_id is not None:
        enrolments = enrolments.filter(team_id=query.team_id)
    if query.sector is not None:
        enrolments = enrolments.filter(organisation__sector=query.sector)
    if query.module_id is not None:
        enrolments = enrolments.filter(module_id=query.module_id)
    return enrolments


def completion_counts(
    scope: StatsScope, query: CompletionQuery, sources: list[str], on: datetime.date
) -> dict[tuple, Sequence[int]]:
    """One query: the four counts for each combination of the source columns."""
    enrolments = enrolments_counted(scope, query)
    if "month" in sources:
        # The local month as a date (no time zone work per row on the way back).
        enrolments = enrolments.annotate(month=TruncMonth("created_at", output_field=DateField()))
    figures = {
        "enrolled": Count("*"),
        "started": Count(
            "pk", filter=Q(status__in=[EnrolmentStatus.IN_PROGRESS, EnrolmentStatus.COMPLETED])
        ),
        "completed": Count("pk", filter=Q(status=EnrolmentStatus.COMPLETED)),
        "overdue": Count("pk", filter=Q(status__in=ACTIVE_STATUSES, due_date__lt=on)),
    }
    if not sources:
        totals = enrolments.order_by().aggregate(**figures)
        return {(): [totals[name] for name in FIGURES]} if totals["enrolled"] else {}
    counted = (
        enrolments.order_by().values(*sources).annotate(**figures).values_list(*sources, *FIGURES)
    )
    width = len(sources)
    if "month" not in sources:
        return {row[:width]: row[width:] for row in counted}
    month_index = sources.index("month")
    names: dict[datetime.date, str] = {}
    leaves: dict[tuple, Sequence[int]] = {}
    for row in counted:
        key = list(row[:width])
        month = key[month_index]
        key[month_index] = names.get(month) or names.setdefault(month, f"{month:%Y-%m}")
        leaves[tuple(key)] = row[width:]
    return leaves


def _check_filters(scope: StatsScope, query: CompletionQuery) -> None:
    if query.date_from and query.date_to and query.date_from > query.date_to:
        raise HearthError(
            "The period ends before it starts.", fields={"to": ["Choose a day on or after from."]}
        )
    if query.team_id is not None:
        selectors.team_check_in_scope(scope, query.team_id)
    if query.module_id is not None:
        selectors.module_check_in_scope(scope, query.module_id)


def completions_table(
    *, scope: StatsScope, query: CompletionQuery, on: datetime.date | None = None
) -> Table:
    """The completion figures a scope may see, grouped and filtered as asked."""
    on = on or timezone.localdate()
    _check_filters(scope, query)
    meta = table_meta(scope, on, {"period_basis": PERIOD_BASIS}, query.as_filters())
    if scope.is_partnership:
        return _partnership_table(scope, query, on, meta)
    sources = sources_of(query.group_by)
    leaves = completion_counts(scope, query, sources, on)
    labels = Labels()
    load_labels_for(labels, query.group_by, sources, leaves)
    return exact_table(
        group_by=query.group_by,
        sources=sources,
        leaves=leaves,
        figures=FIGURES,
        labels=labels,
        derive=_derive,
        meta=meta,
    )


def _partnership_table(
    scope: StatsScope, query: CompletionQuery, on: datetime.date, meta: dict[str, Any]
) -> Table:
    """Counted by module and organisation, suppressed as one cube (module -> all modules;
    organisation -> sector -> all members), then the rows asked for: every table of a
    partnership for a period is a view of the same protected cube (ADR 0008)."""
    group_by = query.group_by
    check_not_by_team(query.team_id, group_by)
    if "month" in group_by:
        raise HearthError(
            "A partnership's figures are by period, not by month: use from and to.",
            fields={"group_by": ["Not by month for a partnership."]},
        )
    second = [name for name in group_by if name in ("organisation", "sector")]
    if len(second) > 1 or (query.organisation_id is not None and query.sector is not None):
        raise HearthError(
            "Group or filter a partnership by organisation or by sector, not both.",
            fields={"group_by": ["Choose organisation or sector."]},
        )
    if query.organisation_id is not None:
        selectors.organisation_check_in_scope(scope, query.organisation_id)
        if second == ["sector"]:
            raise HearthError(
                "Filter by organisation, or group by sector, not both.",
                fields={"organisation": ["Not with grouping by sector."]},
            )
    whole = CompletionQuery(date_from=query.date_from, date_to=query.date_to)
    leaves = completion_counts(scope, whole, ["module_id", "organisation_id"], on)
    labels = Labels()
    if "module" in group_by:
        labels.load_modules(module_id for module_id, _ in leaves)
    return protected_table(
        scope=scope,
        query=query,
        leaves={(key[0], key[1]): counts for key, counts in leaves.items()},
        first=flat({module_id for module_id, _ in leaves}),
        first_side=Side(
            "module" if "module" in group_by else None,
            query.module_id if query.module_id is not None else ALL,
        ),
        figures=FIGURES,
        labels=labels,
        derive=_derive,
        meta=meta,
    )
