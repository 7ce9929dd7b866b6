"""How counted rows become a table: the SQL counts "leaves" (e.g. per module and
organisation), and an organisation's table rolls them up to the groups asked for (a few
hundred rows at most, never people), names them and adds the derived figures. A
partnership's table (reporting.protected_tables) builds its rows here too.
"""

import datetime
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

from reporting.dimensions import DIMENSIONS, Dimension
from reporting.labels import Labels
from reporting.selectors import StatsScope
from reporting.tables import Row, Table, make_row

Derive = Callable[[dict[str, int | None], list[str]], dict[str, Any]]
"""Figures worked out from the counted ones (e.g. the completion rate), given the counts
and which of them are suppressed."""


def table_meta(
    scope: StatsScope, on: datetime.date, basis: dict[str, Any], filters: dict[str, Any]
) -> dict[str, Any]:
    """What a table's body says before its rows: whose figures, as of which day, on what
    basis, filtered how, and (for a partnership, set when it is suppressed) the threshold."""
    return {
        "scope": scope.describe(),
        "on": on.isoformat(),
        **basis,
        "filters": filters,
        "suppression": None,
    }


def exact_table(
    *,
    group_by: Sequence[str],
    sources: Sequence[str],
    leaves: Mapping[tuple, Sequence[int]],
    figures: Sequence[str],
    labels: Labels,
    derive: Derive,
    meta: dict[str, Any],
    zero_keys: Iterable[tuple] = (),
    keep: Callable[[tuple], bool] | None = None,
) -> Table:
    """An organisation's table: leaves rolled up to the groups, nothing suppressed."""
    width = len(figures)
    position = {source: index for index, source in enumerate(sources)}
    dims = [DIMENSIONS[name] for name in group_by]
    grouped: dict[tuple, Sequence[int]] = dict.fromkeys(zero_keys, (0,) * width)
    totals = [0] * width
    for leaf, counts in leaves.items():
        if keep is not None and not keep(leaf):
            continue
        key = tuple(dim.key(leaf[position[dim.source]], labels) for dim in dims)
        into = grouped.get(key)
        if into is None:
            grouped[key] = counts
        else:
            grouped[key] = [a + b for a, b in zip(into, counts, strict=True)]
        for index in range(width):
            totals[index] += counts[index]
    orders: list[dict[Any, Any]] = [{} for _ in dims]

    def order(item: tuple[tuple, Sequence[int]]) -> tuple:
        # Each distinct value's sort key is worked out once (a month appears in many rows).
        result = []
        for index, value in enumerate(item[0]):
            known = orders[index]
            if value not in known:
                known[value] = dims[index].order(value, labels)
            result.append(known[value])
        return tuple(result)

    ordered = sorted(grouped.items(), key=order)
    rows = [
        group_row(dims, key, dict(zip(figures, counts, strict=True)), [], labels, derive)
        for key, counts in ordered
    ]
    total_row = group_row([], (), dict(zip(figures, totals, strict=True)), [], labels, derive)
    return Table(
        group_by=list(group_by),
        columns=[column for dim in dims for column in dim.columns],
        figures=figure_columns(figures, derive),
        rows=rows,
        totals=total_row,
        meta=meta,
    )


def figure_columns(figures: Sequence[str], derive: Derive) -> list[str]:
    """The counted figures' names, then the derived ones'."""
    return [*figures, *derive(dict.fromkeys(figures, 0), [])]


def group_row(
    dims: Sequence[Dimension],
    key: tuple,
    counts: dict[str, int | None],
    hidden: list[str],
    labels: Labels,
    derive: Derive,
) -> Row:
    """One group's row (or, with no dimensions, the totals), with the `hidden` figures
    suppressed and any derived from them. Runs once per group (thousands at most), so it
    stays plain and quick."""
    columns: dict[str, Any] = {}
    for dim, value in zip(dims, key, strict=True):
        for name, cell in zip(dim.columns, dim.cells(value, labels), strict=True):
            columns[name] = cell
    if not hidden:
        return make_row(columns, {**counts, **derive(counts, hidden)}, ())
    shown = {name: (None if name in hidden else value) for name, value in counts.items()}
    derived = derive(shown, hidden)
    suppressed = [*hidden, *(name for name, value in derived.items() if value is _HIDDEN)]
    figures = {**shown, **{name: None if v is _HIDDEN else v for name, v in derived.items()}}
    return make_row(columns, figures, suppressed)


_HIDDEN: Any = object()
"""What a derive function returns for a figure it cannot show (an input is suppressed)."""


def hidden_marker() -> Any:
    return _HIDDEN
