"""A partnership's tables: the counted leaves crossed along two hierarchies (e.g. module
-> all modules; organisation -> sector -> all members) into one cube, suppressed once
(reporting.suppression), then the rows a request asks for: every table of a partnership
for a period is a view of the same protected cube (ADR 0008).
"""

from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from django.conf import settings

from core.errors import HearthError
from reporting.dimensions import DIMENSIONS, Dimension
from reporting.groups import Derive, figure_columns, group_row
from reporting.labels import CompetencyInfo, Labels
from reporting.selectors import OrganisationInfo, StatsScope
from reporting.suppression import ALL, Cube, Hierarchy
from reporting.tables import Row, Table


def sector_node(code: str) -> tuple[str, str]:
    return ("sector", code)


def domain_node(code: str) -> tuple[str, str]:
    return ("domain", code)


def level_node(level: int) -> tuple[str, int]:
    return ("level", level)


def check_not_by_team(team_id: int | None, group_by: Sequence[str]) -> None:
    """A partnership's figures are never by team, as a filter or a grouping."""
    if team_id is not None or "team" in group_by:
        raise HearthError(
            "Partnership figures are never by team.", fields={"team": ["Not for a partnership."]}
        )


def organisation_hierarchy(members: Iterable[OrganisationInfo]) -> Hierarchy:
    """Organisation -> its sector -> all member organisations."""
    parents: dict[Hashable, tuple[Hashable, ...]] = {}
    for member in members:
        parents[member.id] = (sector_node(member.sector),)
        parents[sector_node(member.sector)] = (ALL,)
    return Hierarchy(parents)


def competency_hierarchy(competencies: Iterable[CompetencyInfo]) -> Hierarchy:
    """Competency -> its domain and its level -> all competencies."""
    parents: dict[Hashable, tuple[Hashable, ...]] = {}
    for info in competencies:
        parents[info.id] = (domain_node(info.domain), level_node(info.level))
        parents[domain_node(info.domain)] = (ALL,)
        parents[level_node(info.level)] = (ALL,)
    return Hierarchy(parents)


@dataclass(frozen=True)
class Side:
    """One side of a partnership cube as a response asks for it: which dimension its rows
    are grouped by (or none) and which node a filter selects (or the root)."""

    dimension: str | None
    selected: Hashable = ALL


def organisation_side(
    dimension: str | None, organisation_id: int | None, sector: str | None
) -> Side:
    """The organisation side of a cube: grouped by organisation or sector (or neither),
    selecting one member organisation, one sector, or all members."""
    if organisation_id is not None:
        return Side(dimension, organisation_id)
    if sector is not None:
        return Side(dimension, sector_node(sector))
    return Side(dimension)


class PartnershipQuery(Protocol):
    """What a partnership table reads of a request besides its first side: the groupings,
    and the member organisation or sector it is filtered by."""

    @property
    def group_by(self) -> tuple[str, ...]: ...

    @property
    def organisation_id(self) -> int | None: ...

    @property
    def sector(self) -> str | None: ...


def protected_table(
    *,
    scope: StatsScope,
    query: PartnershipQuery,
    leaves: Mapping[tuple[Hashable, Hashable], Sequence[int]],
    first: Hierarchy,
    first_side: Side,
    figures: Sequence[str],
    labels: Labels,
    derive: Derive,
    meta: dict[str, Any],
) -> Table:
    """A partnership's table: the whole cube suppressed once, then the asked-for rows;
    `meta` says the threshold. The leaves are keyed (first side, member organisation);
    the second side is always the partnership's members (organisation -> sector -> all),
    grouped by organisation or sector and filtered as the query asks."""
    group_by = query.group_by
    labels.use_organisations(scope.organisations)
    second = organisation_hierarchy(scope.organisations)
    second_side = organisation_side(
        next((name for name in group_by if name in ("organisation", "sector")), None),
        query.organisation_id,
        query.sector,
    )
    threshold = int(settings.HEARTH_SMALL_NUMBER_THRESHOLD)
    meta["suppression"] = {"threshold": threshold}
    cube = Cube.build(leaves, first, second, len(figures))
    hidden = cube.suppress(threshold)
    first_nodes = _side_nodes(first_side, first, {a for a, _ in cube.values})
    second_nodes = _side_nodes(second_side, second, {b for _, b in cube.values})
    dims = [DIMENSIONS[name] for name in group_by]
    rows_by_order: list[tuple[Any, Row]] = []

    def row_for(node: tuple[Hashable, Hashable], row_dims: list[Dimension], key: tuple) -> Row:
        values = cube.values.get(node)
        counts: dict[str, int | None] = dict(
            zip(figures, values if values is not None else [0] * len(figures), strict=True)
        )
        hidden_here = [
            name
            for index, name in enumerate(figures)
            if (node in hidden[index] if values is not None else True)
        ]
        return group_row(row_dims, key, counts, hidden_here, labels, derive)

    for a in first_nodes:
        for b in second_nodes:
            if (a, b) not in cube.values:
                continue
            key = _node_key((a, b), first_side, second_side, group_by)
            order = tuple(dim.order(v, labels) for dim, v in zip(dims, key, strict=True))
            rows_by_order.append((order, row_for((a, b), dims, key)))
    rows_by_order.sort(key=lambda item: item[0])
    totals = row_for((first_side.selected, second_side.selected), [], ())
    return Table(
        group_by=list(group_by),
        columns=[column for dim in dims for column in dim.columns],
        figures=figure_columns(figures, derive),
        rows=[row for _, row in rows_by_order],
        totals=totals,
        meta=meta,
    )


def _side_nodes(side: Side, hierarchy: Hierarchy, present: set[Hashable]) -> list[Hashable]:
    """The nodes a side's rows are: the selected node alone, or those of the grouped
    dimension's level that lie under the selected node."""
    if side.dimension is None:
        return [side.selected]
    children = hierarchy.children()
    wanted: list[Hashable] = []
    todo: list[Hashable] = [side.selected]
    seen: set[Hashable] = set()
    while todo:
        node = todo.pop()
        if node in seen:
            continue
        seen.add(node)
        if _level_of(node) == leaf_level_name(side.dimension) and node in present:
            wanted.append(node)
        todo.extend(children.get(node, []))
    return wanted


def _level_of(node: Hashable) -> str:
    """Which dimension a cube node belongs to."""
    if node == ALL:
        return "all"
    if isinstance(node, tuple):
        return str(node[0])
    if isinstance(node, str):
        return "month"
    return "leaf"


def _node_key(
    node: tuple[Hashable, Hashable], first_side: Side, second_side: Side, group_by: Sequence[str]
) -> tuple[Any, ...]:
    """A cube node as the values of the grouped dimensions (ids, codes, months), in the
    order the request named them."""
    values: dict[str, Any] = {}
    for value, side in ((node[0], first_side), (node[1], second_side)):
        if side.dimension is not None:
            values[side.dimension] = value[1] if isinstance(value, tuple) else value
    return tuple(values[name] for name in group_by)


def leaf_level_name(dimension: str) -> str:
    """The cube level a grouped dimension's nodes sit at."""
    return "leaf" if dimension in ("module", "organisation", "competency") else dimension
