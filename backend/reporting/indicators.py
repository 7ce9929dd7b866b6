"""The indicator report: the memorandum's seven indicators of success for an organisation
or a partnership in a quarter, with the change from the previous quarter and from the
same quarter a year before.

Three SQL queries whatever the size (ADR 0008), each counting all three quarters at once
with COUNT ... FILTER:

1. competencies attained: competent assessments made in the quarter (and not since
   corrected) of competencies mapped to each indicator, and the people attaining them;
   counted under the organisation recorded on the assessment;
2. shared learning: modules completed in the quarter by people from two or more sectors
   (for a partnership, among its members; for an organisation, its people's completions
   of modules that people of another sector on Hearth also completed that quarter);
3. sector engagement: organisations and sectors active (anyone enrolled, started,
   progressed in or completed a module in the quarter), and the people active.

A partnership's counts of people under the small-number threshold are suppressed, and
so is any change computed from one.
"""

import datetime
import hashlib
import json
import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, cast

from django.conf import settings
from django.db.models import Count, Exists, OuterRef, Q
from django.utils import timezone

from competencies.models import Assessment, Indicator, Outcome
from core.errors import HearthError, NotFound
from reporting.completions import start_of
from reporting.selectors import StatsScope
from training.models import Enrolment, EnrolmentStatus

QUARTER_PATTERN = re.compile(r"^([1-9]\d{3})-Q([1-4])$")

ATTAINMENT_FIGURES = (
    ("competencies_attained", "Competencies attained", True),
    ("people_attaining", "People attaining them", True),
)
EXTRA_FIGURES = {
    Indicator.SHARED_LEARNING.value: (
        ("shared_modules", "Modules completed by people from two or more sectors", False),
        ("shared_module_completions", "Completions of those modules", True),
    ),
    Indicator.SECTOR_ENGAGEMENT.value: (
        ("organisations_active", "Organisations active in learning", False),
        ("sectors_active", "Sectors active in learning", False),
        ("people_active", "People active in learning", True),
    ),
}
VALUE_COLUMNS = ("value", "previous_quarter", "change", "year_before", "year_on_year_change")
CSV_HEADER = [
    "indicator",
    "indicator_label",
    "figure",
    "figure_label",
    "value",
    "previous_quarter",
    "change",
    "year_before",
    "year_on_year_change",
    "suppressed_figures",
]


@dataclass(frozen=True, order=True)
class Quarter:
    year: int
    number: int

    @classmethod
    def parse(cls, text: str) -> "Quarter":
        match = QUARTER_PATTERN.match(text.strip())
        if match is None:
            raise HearthError(
                "Name a quarter as YYYY-QN, e.g. 2026-Q3.",
                fields={"quarter": ["Write the quarter as YYYY-QN, e.g. 2026-Q3."]},
            )
        return cls(int(match.group(1)), int(match.group(2)))

    @classmethod
    def containing(cls, day: datetime.date) -> "Quarter":
        return cls(day.year, (day.month - 1) // 3 + 1)

    @classmethod
    def last_complete(cls, day: datetime.date | None = None) -> "Quarter":
        return cls.containing(day or timezone.localdate()).shifted(-1)

    def shifted(self, quarters: int) -> "Quarter":
        index = self.year * 4 + self.number - 1 + quarters
        return Quarter(index // 4, index % 4 + 1)

    @property
    def first_day(self) -> datetime.date:
        return datetime.date(self.year, 3 * self.number - 2, 1)

    @property
    def last_day(self) -> datetime.date:
        return self.shifted(1).first_day - datetime.timedelta(days=1)

    def bounds(self) -> tuple[datetime.datetime, datetime.datetime]:
        """[start, end) as aware local datetimes."""
        return start_of(self.first_day), start_of(self.shifted(1).first_day)

    def __str__(self) -> str:
        return f"{self.year}-Q{self.number}"


def check_quarter(quarter: Quarter, today: datetime.date | None = None) -> None:
    if quarter > Quarter.containing(today or timezone.localdate()):
        # No report exists for a quarter that has not started: a 404 naming the field.
        raise NotFound(
            "That quarter has not started yet.",
            fields={"quarter": ["Choose this quarter or an earlier one."]},
        )


@dataclass
class Figure:
    """One figure of an indicator in three quarters; None where suppressed."""

    indicator: str
    indicator_label: str
    name: str
    label: str
    value: int | None
    previous_quarter: int | None
    year_before: int | None
    suppressed_figures: list[str]

    @property
    def change(self) -> int | None:
        if self.value is None or self.previous_quarter is None:
            return None
        return self.value - self.previous_quarter

    @property
    def year_on_year_change(self) -> int | None:
        if self.value is None or self.year_before is None:
            return None
        return self.value - self.year_before

    def as_data(self) -> dict[str, Any]:
        return {
            "figure": self.name,
            "label": self.label,
            "value": self.value,
            "previous_quarter": self.previous_quarter,
            "change": self.change,
            "year_before": self.year_before,
            "year_on_year_change": self.year_on_year_change,
            "suppressed": bool(self.suppressed_figures),
            "suppressed_figures": self.suppressed_figures,
        }


@dataclass
class IndicatorReportData:
    """The report: who, which quarter, and each indicator's figures."""

    scope: StatsScope
    quarter: Quarter
    figures: list[Figure]
    members: dict[str, int]
    threshold: int | None

    def as_data(self) -> dict[str, Any]:
        indicators: dict[str, dict[str, Any]] = {}
        for figure in self.figures:
            entry = indicators.setdefault(
                figure.indicator,
                {"code": figure.indicator, "label": figure.indicator_label, "figures": []},
            )
            entry["figures"].append(figure.as_data())
        return {
            "scope": _describe(self.scope),
            "quarter": str(self.quarter),
            "period": {
                "from": self.quarter.first_day.isoformat(),
                "to": self.quarter.last_day.isoformat(),
            },
            "previous_quarter": str(self.quarter.shifted(-1)),
            "year_before": str(self.quarter.shifted(-4)),
            "members": self.members,
            "suppression": {"threshold": self.threshold} if self.threshold is not None else None,
            "indicators": list(indicators.values()),
        }

    def csv_rows(self) -> list[list[Any]]:
        rows: list[list[Any]] = [CSV_HEADER]
        for figure in self.figures:
            data = figure.as_data()
            rows.append(
                [
                    figure.indicator,
                    figure.indicator_label,
                    figure.name,
                    figure.label,
                    *(
                        "suppressed"
                        if column in figure.suppressed_figures
                        else _blank(data[column])
                        for column in (
                            "value",
                            "previous_quarter",
                            "change",
                            "year_before",
                            "year_on_year_change",
                        )
                    ),
                    " ".join(figure.suppressed_figures),
                ]
            )
        return rows

    def content_hash(self) -> str:
        """What the figures say, hashed: a PDF built from the same hash says the same."""
        text = json.dumps(self.as_data(), sort_keys=True, default=str)
        return hashlib.sha256(text.encode()).hexdigest()


def _blank(value: Any) -> Any:
    return "" if value is None else value


def _describe(scope: StatsScope) -> dict[str, Any]:
    if scope.is_partnership:
        return {
            "kind": "partnership",
            "id": scope.partnership_id,
            "name": scope.partnership_name,
        }
    organisation = scope.organisations[0] if scope.organisations else None
    return {
        "kind": "organisation",
        "id": organisation.id if organisation else None,
        "name": organisation.name if organisation else "",
    }


def _periods(quarter: Quarter) -> list[tuple[datetime.datetime, datetime.datetime]]:
    """The quarter, the one before, and the same quarter a year before."""
    return [quarter.bounds(), quarter.shifted(-1).bounds(), quarter.shifted(-4).bounds()]


def _within(field: str, bounds: tuple[datetime.datetime, datetime.datetime]) -> Q:
    return Q(**{f"{field}__gte": bounds[0], f"{field}__lt": bounds[1]})


def _any_period(field: str, periods: list[tuple[datetime.datetime, datetime.datetime]]) -> Q:
    condition = Q()
    for bounds in periods:
        condition |= _within(field, bounds)
    return condition


def _attainments(scope: StatsScope, periods: list[Any]) -> dict[str, int]:
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
        mapped = Q(competency__indicators__contains=f",{code},")
        for index, bounds in enumerate(periods):
            condition = mapped & _within("assessed_at", bounds)
            counts[f"{code}__competencies_attained__{index}"] = Count("pk", filter=condition)
            counts[f"{code}__people_attaining__{index}"] = Count(
                "learner_id", distinct=True, filter=condition
            )
    return attained.aggregate(**counts)


def _shared_learning(scope: StatsScope, periods: list[Any]) -> dict[str, int]:
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


def _engagement(scope: StatsScope, periods: list[Any]) -> dict[str, int]:
    """Query 3: organisations, sectors and people active in learning, per quarter."""
    fields = ("created_at", "started_at", "completed_at", "last_activity_at")

    def active(bounds: tuple[datetime.datetime, datetime.datetime]) -> Q:
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


def indicator_report(*, scope: StatsScope, quarter: Quarter) -> IndicatorReportData:
    """Every indicator's figures for the quarter, the quarter before and a year before."""
    periods = _periods(quarter)
    attained = _attainments(scope, periods)
    shared = _shared_learning(scope, periods)
    engaged = _engagement(scope, periods)
    threshold = int(settings.HEARTH_SMALL_NUMBER_THRESHOLD) if scope.is_partnership else None
    labels = dict(Indicator.choices)
    figures: list[Figure] = []
    for code in Indicator.values:
        specs = [(name, label, personal, attained, f"{code}__{name}") for name, label, personal in
                 ATTAINMENT_FIGURES]  # fmt: skip
        for name, label, personal in EXTRA_FIGURES.get(code, ()):
            source = shared if code == Indicator.SHARED_LEARNING else engaged
            specs.append((name, label, personal, source, name))
        for name, label, personal, source, prefix in specs:
            values = [int(source[f"{prefix}__{index}"] or 0) for index in range(3)]
            hidden = [threshold is not None and personal and value < threshold for value in values]
            figures.append(
                Figure(
                    indicator=code,
                    indicator_label=str(labels[code]),
                    name=name,
                    label=label,
                    value=None if hidden[0] else values[0],
                    previous_quarter=None if hidden[1] else values[1],
                    year_before=None if hidden[2] else values[2],
                    suppressed_figures=_suppressed_names(hidden),
                )
            )
    members = {
        "organisations": len(scope.organisations),
        "sectors": len({member.sector for member in scope.organisations}),
    }
    return IndicatorReportData(
        scope=scope, quarter=quarter, figures=figures, members=members, threshold=threshold
    )


def _suppressed_names(hidden: list[bool]) -> list[str]:
    """Which of a figure's columns are suppressed: a hidden count hides the changes
    computed from it too."""
    value, previous, year_before = hidden
    names = []
    if value:
        names.append("value")
    if previous:
        names.append("previous_quarter")
    if value or previous:
        names.append("change")
    if year_before:
        names.append("year_before")
    if value or year_before:
        names.append("year_on_year_change")
    return names
