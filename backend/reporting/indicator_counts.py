"""The indicator report's counts: three SQL queries whatever the size (ADR 0008), each
counting all the periods asked for (the quarter, the one before, a year before) at once
with COUNT ... FILTER:

1. competencies attained: competent assessments made in the quarter (and not since
   corrected) of competencies mapped to each indicator, and the people attaining them;
   counted under the organisation recorded on the assessment;
2. shared learning: modules completed in the quarter by people from two or more sectors
   (for a partnership, among its members; for an organisation, its people's completions
   of modules that people of another sector on Hearth also completed that quarter);
3. sector engagement: organisations and sectors active (anyone enrolled, started,
   progressed in or completed a module in the quarter), and the people active.

Each returns its counts keyed `<name>__<period index>`.
"""

import datetime
from collections.abc import Iterable
from typing import Any, cast

from django.db.models import Count, Exists, OuterRef, Q

from competencies.models import Assessment, Indicator, Outcome
from core.codes import holds_code
from reporting.selectors import StatsScope
from training.models import Enrolment, EnrolmentStatus

Period = tuple[datetime.datetime, datetime.datetime]
"""[start, end) as aware local datetimes."""


def _within(field: str, bounds: Period) -> Q:
    return Q(**{f"{field}__gte": bounds[0], f"{field}__lt": bounds[1]})


def _any_period(field: str, periods: list[Period]) -> Q:
    condition = Q()
    for bounds in periods:
        condition |= _within(field, bounds)
    return condition


def attainment_counts(scope: StatsScope, periods: list[Period]) -> dict[str, int]:
    """Query 1: attainment records and people per indicator and quarter."""
    corrected = Assessment.objects.filter(supersedes_id=OuterRef("pk"))
    attained = (
        Assessment.objects.filter(
            _any_period("assessed_at", periods),
            outcome=Outcome.COMPETENT,
            organisation_id__in=scope.organisation_ids,
        )
        .exclude(Exists(corrected))
        .order_by()
    )
    counts: dict[str, Any] = {}
    for code in Indicator.values:
        mapped = holds_code("competency__indicators", code)
        for index, bounds in enumerate(periods):
            condition = mapped & _within("assessed_at", bounds)
            counts[f"{code}__competencies_attained__{index}"] = Count("pk", filter=condition)
            counts[f"{code}__people_attaining__{index}"] = Count(
                "learner_id", distinct=True, filter=condition
            )
    return attained.aggregate(**counts)


def shared_learning_counts(scope: StatsScope, periods: list[Period]) -> dict[str, int]:
    """Query 2: modules completed by people from two or more sectors, per quarter."""
    completed = Enrolment.objects.filter(
        _any_period("completed_at", periods), status=EnrolmentStatus.COMPLETED
    )
    ours = Q(organisation_id__in=scope.organisation_ids)
    if scope.is_partnership:
        completed = completed.filter(ours)
    counts: dict[str, Any] = {}
    for index, bounds in enumerate(periods):
        during = _within("completed_at", bounds)
        counts[f"sectors__{index}"] = Count("organisation__sector", distinct=True, filter=during)
        counts[f"ours__{index}"] = Count("pk", filter=during & ours)
        counts[f"our_sectors__{index}"] = Count(
            "organisation__sector", distinct=True, filter=during & ours
        )
    result: dict[str, int] = {}
    by_module = cast(
        "Iterable[dict[str, Any]]", completed.order_by().values("module_id").annotate(**counts)
    )
    for index in range(len(periods)):
        result[f"shared_modules__{index}"] = 0
        result[f"shared_module_completions__{index}"] = 0
    for row in by_module:
        for index in range(len(periods)):
            if row[f"ours__{index}"] and row[f"sectors__{index}"] >= 2:
                result[f"shared_modules__{index}"] += 1
                result[f"shared_module_completions__{index}"] += row[f"ours__{index}"]
    return result


def engagement_counts(scope: StatsScope, periods: list[Period]) -> dict[str, int]:
    """Query 3: organisations, sectors and people active in learning, per quarter."""
    fields = ("created_at", "started_at", "completed_at", "last_activity_at")

    def active(bounds: Period) -> Q:
        condition = Q()
        for field in fields:
            condition |= _within(field, bounds)
        return condition

    anywhen = Q()
    for bounds in periods:
        anywhen |= active(bounds)
    counts: dict[str, Any] = {}
    for index, bounds in enumerate(periods):
        counts[f"people__{index}"] = Count("learner_id", distinct=True, filter=active(bounds))
    rows = list(
        cast(
            "Iterable[dict[str, Any]]",
            Enrolment.objects.filter(anywhen, organisation_id__in=scope.organisation_ids)
            .order_by()
            .values("organisation_id")
            .annotate(**counts),
        )
    )
    sector_of = {member.id: member.sector for member in scope.organisations}
    result: dict[str, int] = {}
    for index in range(len(periods)):
        active_rows = [row for row in rows if row[f"people__{index}"]]
        result[f"organisations_active__{index}"] = len(active_rows)
        result[f"sectors_active__{index}"] = len(
            {sector_of.get(row["organisation_id"]) for row in active_rows}
        )
        result[f"people_active__{index}"] = sum(row[f"people__{index}"] for row in active_rows)
    return result
