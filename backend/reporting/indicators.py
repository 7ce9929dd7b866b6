"""The indicator report: the memorandum's seven indicators of success for an organisation
or a partnership in a quarter, with the change from the previous quarter and from the
same quarter a year before, counted by reporting.indicator_counts (three SQL queries).

A partnership's counts of people under the small-number threshold are suppressed, and
so is any change computed from one.
"""

import datetime
import hashlib
import json
import re
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.utils import timezone

from competencies.models import Indicator
from core.errors import HearthError, NotFound
from reporting.completions import start_of
from reporting.indicator_counts import (
    Period,
    attainment_counts,
    engagement_counts,
    shared_learning_counts,
)
from reporting.selectors import StatsScope

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
    *VALUE_COLUMNS,
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
                        for column in VALUE_COLUMNS
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


def _periods(quarter: Quarter) -> list[Period]:
    """The quarter, the one before, and the same quarter a year before."""
    return [quarter.bounds(), quarter.shifted(-1).bounds(), quarter.shifted(-4).bounds()]


def indicator_report(*, scope: StatsScope, quarter: Quarter) -> IndicatorReportData:
    """Every indicator's figures for the quarter, the quarter before and a year before."""
    periods = _periods(quarter)
    attained = attainment_counts(scope, periods)
    shared = shared_learning_counts(scope, periods)
    engaged = engagement_counts(scope, periods)
    threshold = int(settings.HEARTH_SMALL_NUMBER_THRESHOLD) if scope.is_partnership else None
    labels = dict(Indicator.choices)
    figures: list[Figure] = []
    for code in Indicator.values:
        specs = [
            (name, label, personal, attained, f"{code}__{name}")
            for name, label, personal in ATTAINMENT_FIGURES
        ]
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
