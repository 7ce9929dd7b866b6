"""One statistics table, three faces: the JSON, the CSV and the dashboards read these rows.

A table is a list of rows and a totals row. Each row has its group's columns (ids and
names), its figures, and which figures are suppressed. Rows are plain dicts: DRF
serializers over many rows cost many times the query (ADR 0008).
"""

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

SUPPRESSED_TEXT = "suppressed"


def percent(part: int | None, whole: int | None) -> float | None:
    """part / whole as a percentage to one decimal place, halves rounded up; None when
    undefined. Whole-number arithmetic, so 2 of 3 is 66.7 and 1 of 16 is 6.3 exactly."""
    if part is None or not whole:
        return None
    tenths = (part * 2000 + whole) // (2 * whole)
    return tenths / 10


Row = dict[str, Any]
"""One group as plain data: its columns (ids, names), its figures (None where suppressed or
undefined), `suppressed` and `suppressed_figures`. Built once, shown as JSON, CSV and HTML.
A row with nothing suppressed holds only numbers, strings and an empty tuple, so Python's
cycle collector never has to track it: thousands of rows cost no garbage collection."""

NOTHING_SUPPRESSED: tuple[str, ...] = ()


def make_row(columns: dict[str, Any], figures: dict[str, Any], suppressed: Sequence[str]) -> Row:
    return {
        **columns,
        **figures,
        "suppressed": bool(suppressed),
        "suppressed_figures": list(suppressed) if suppressed else NOTHING_SUPPRESSED,
    }


@dataclass
class Table:
    """Rows of figures grouped by some dimensions, with the totals over all of them."""

    group_by: list[str]
    columns: list[str]
    figures: list[str]
    rows: list[Row]
    totals: Row
    meta: dict[str, Any]

    def as_data(self) -> dict[str, Any]:
        """The JSON body."""
        return {**self.meta, "group_by": self.group_by, "rows": self.rows, "totals": self.totals}

    def csv_rows(self) -> Iterator[list[Any]]:
        """The CSV: a header, one line per row, then the totals line (`row` says which).
        A suppressed figure reads "suppressed"; an undefined one is empty."""
        yield ["row", *self.columns, *self.figures, "suppressed_figures"]
        for kind, row in [*(("group", row) for row in self.rows), ("total", self.totals)]:
            hidden = row["suppressed_figures"]
            yield [
                kind,
                *(_cell(row.get(name)) for name in self.columns),
                *(SUPPRESSED_TEXT if name in hidden else _cell(row[name]) for name in self.figures),
                " ".join(hidden),
            ]


def _cell(value: Any) -> Any:
    return "" if value is None else value
