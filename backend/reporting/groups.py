"""Grouping: the dimensions figures are grouped by, their labels, and how counted rows
become a table, for an organisation (exact) or a partnership (suppressed).

The SQL counts "leaves" (e.g. per module and organisation); this module rolls leaves up
to the groups asked for (a few hundred rows at most, never people) and names them.
"""

from collections.abc import Callable, Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings

from accounts.models import Organisation, Sector, Team
from competencies.models import Competency, Domain, Level
from core.errors import HearthError
from reporting.selectors import OrganisationInfo
from reporting.suppression import ALL, Cube, Hierarchy
from reporting.tables import Row, Table, make_row
from training.models import Module

SECTOR_LABELS = dict(Sector.choices)
SECTOR_ORDER = {code: index for index, code in enumerate(Sector.values)}
DOMAIN_LABELS = dict(Domain.choices)
DOMAIN_ORDER = {code: index for index, code in enumerate(Domain.values)}
LEVEL_LABELS = dict(Level.choices)


def sector_node(code: str) -> tuple[str, str]:
    return ("sector", code)


def domain_node(code: str) -> tuple[str, str]:
    return ("domain", code)


def level_node(level: int) -> tuple[str, int]:
    return ("level", level)


@dataclass(frozen=True)
class CompetencyInfo:
    id: int
    code: str
    title: str
    domain: str
    level: int
    indicators: str


@dataclass
class Labels:
    """Names for the ids in a table, loaded once per request (one query per kind)."""

    modules: dict[int, str] = field(default_factory=dict)
    teams: dict[int, str] = field(default_factory=dict)
    organisations: dict[int, OrganisationInfo] = field(default_factory=dict)
    competencies: dict[int, CompetencyInfo] = field(default_factory=dict)

    def load_modules(self, ids: Iterable[int]) -> None:
        self.modules = dict(
            Module.objects.filter(pk__in=set(ids)).values_list("pk", "current_version__title")
        )

    def load_teams(self, ids: Iterable[int | None]) -> None:
        wanted = {pk for pk in ids if pk is not None}
        self.teams = dict(Team.objects.filter(pk__in=wanted).values_list("pk", "name"))

    def load_organisations(self, ids: Iterable[int | None]) -> None:
        wanted = {pk for pk in ids if pk is not None}
        self.organisations = {
            row[0]: OrganisationInfo(*row)
            for row in Organisation.objects.filter(pk__in=wanted).values_list(
                "pk", "name", "sector"
            )
        }

    def use_organisations(self, organisations: Iterable[OrganisationInfo]) -> None:
        self.organisations = {info.id: info for info in organisations}

    def load_competencies(self) -> None:
        self.competencies = {
            row[0]: CompetencyInfo(*row)
            for row in Competency.objects.order_by("code", "pk").values_list(
                "pk", "code", "title", "domain", "level", "indicators"
            )
        }

    def sector_of(self, organisation_id: int | None) -> str | None:
        info = self.organisations.get(organisation_id) if organisation_id is not None else None
        return info.sector if info else None


@dataclass(frozen=True)
class Dimension:
    """One way to group: which counted column it comes from, how a leaf's value maps to the
    group, the group's columns in a row, and the order of rows."""

    name: str
    source: str
    columns: tuple[str, ...]
    key: Callable[[Any, Labels], Hashable]
    cells: Callable[[Any, Labels], tuple[Any, ...]]
    order: Callable[[Any, Labels], Any]


def _same(value: Any, labels: Labels) -> Any:
    return value


def _name_order(name: str | None, value: Any) -> tuple[int, str, Any]:
    return (1, "", 0) if value is None else (0, (name or "").lower(), value)


def _module_cells(pk: int, labels: Labels) -> tuple[Any, ...]:
    return (pk, labels.modules.get(pk))


def _team_cells(pk: int | None, labels: Labels) -> tuple[Any, ...]:
    return (pk, labels.teams.get(pk) if pk is not None else None)


def _organisation_cells(pk: int | None, labels: Labels) -> tuple[Any, ...]:
    info = labels.organisations.get(pk) if pk is not None else None
    return (pk, info.name if info else None)


def _sector_key(organisation_id: int | None, labels: Labels) -> str | None:
    return labels.sector_of(organisation_id)


def _sector_cells(code: str | None, labels: Labels) -> tuple[Any, ...]:
    return (code, str(SECTOR_LABELS.get(code, code)) if code else None)


def _month_cells(month: str, labels: Labels) -> tuple[Any, ...]:
    return (month,)


def _competency_cells(pk: int, labels: Labels) -> tuple[Any, ...]:
    info = labels.competencies[pk]
    return (pk, info.code, info.title, info.domain, info.level)


def _domain_key(competency_id: int, labels: Labels) -> str:
    return labels.competencies[competency_id].domain


def _domain_cells(code: str, labels: Labels) -> tuple[Any, ...]:
    return (code, str(DOMAIN_LABELS.get(code, code)))


def _level_key(competency_id: int, labels: Labels) -> int:
    return labels.competencies[competency_id].level


def _level_cells(level: int, labels: Labels) -> tuple[Any, ...]:
    return (level, str(LEVEL_LABELS.get(level, level)))


DIMENSIONS: dict[str, Dimension] = {
    "module": Dimension(
        "module",
        "module_id",
        ("module_id", "module"),
        _same,
        _module_cells,
        lambda pk, labels: _name_order(labels.modules.get(pk), pk),
    ),
    "team": Dimension(
        "team",
        "team_id",
        ("team_id", "team"),
        _same,
        _team_cells,
        lambda pk, labels: _name_order(labels.teams.get(pk) if pk else None, pk),
    ),
    "organisation": Dimension(
        "organisation",
        "organisation_id",
        ("organisation_id", "organisation"),
        _same,
        _organisation_cells,
        lambda pk, labels: _name_order(_organisation_cells(pk, labels)[1], pk),
    ),
    "sector": Dimension(
        "sector",
        "organisation_id",
        ("sector", "sector_label"),
        _sector_key,
        _sector_cells,
        lambda code, labels: (code is None, SECTOR_ORDER.get(code, 99), code or ""),
    ),
    "month": Dimension("month", "month", ("month",), _same, _month_cells, lambda m, _: m),
    "competency": Dimension(
        "competency",
        "competency_id",
        ("competency_id", "competency_code", "competency", "domain", "level"),
        _same,
        _competency_cells,
        lambda pk, labels: (labels.competencies[pk].code, pk),
    ),
    "domain": Dimension(
        "domain",
        "competency_id",
        ("domain", "domain_label"),
        _domain_key,
        _domain_cells,
        lambda code, labels: (DOMAIN_ORDER.get(code, 99), code),
    ),
    "level": Dimension(
        "level", "competency_id", ("level", "level_label"), _level_key, _level_cells, _same
    ),
}


def parse_group_by(raw: str | None, allowed: Sequence[str]) -> tuple[str, ...]:
    """`module,month` -> ("module", "month"); an unknown name is a 400, a repeated one
    counts once."""
    names = list(dict.fromkeys(name.strip() for name in (raw or "").split(",") if name.strip()))
    unknown = [name for name in names if name not in allowed]
    if unknown:
        raise HearthError(
            "Group by one or more of: " + ", ".join(allowed) + ".",
            fields={"group_by": [f"Not a grouping here: {', '.join(unknown)}."]},
        )
    return tuple(names)


def sources_of(group_by: Sequence[str]) -> list[str]:
    """The counted columns the groups need, each once, in order."""
    sources: list[str] = []
    for name in group_by:
        source = DIMENSIONS[name].source
        if source not in sources:
            sources.append(source)
    return sources


def load_labels_for(
    labels: Labels, group_by: Sequence[str], sources: Sequence[str], leaves: Iterable[tuple]
) -> None:
    """Load the names a table's groups need (one query per kind of name)."""
    keys = list(leaves)
    position = {source: index for index, source in enumerate(sources)}
    if "module" in group_by:
        labels.load_modules(key[position["module_id"]] for key in keys)
    if "team" in group_by:
        labels.load_teams(key[position["team_id"]] for key in keys)
    if ("organisation" in group_by or "sector" in group_by) and not labels.organisations:
        labels.load_organisations(key[position["organisation_id"]] for key in keys)


def exact_table(
    *,
    group_by: Sequence[str],
    sources: Sequence[str],
    leaves: Mapping[tuple, Sequence[int]],
    figures: Sequence[str],
    labels: Labels,
    derive: Callable[[dict[str, int | None], list[str]], dict[str, Any]],
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
        _row(dims, key, dict(zip(figures, counts, strict=True)), [], labels, derive)
        for key, counts in ordered
    ]
    total_row = _row([], (), dict(zip(figures, totals, strict=True)), [], labels, derive)
    return Table(
        group_by=list(group_by),
        columns=[column for dim in dims for column in dim.columns],
        figures=_figure_columns(figures, derive),
        rows=rows,
        totals=total_row,
        meta=meta,
    )


def _figure_columns(
    figures: Sequence[str], derive: Callable[[dict[str, int | None], list[str]], dict[str, Any]]
) -> list[str]:
    return [*figures, *derive(dict.fromkeys(figures, 0), [])]


def _row(
    dims: Sequence[Dimension],
    key: tuple,
    counts: dict[str, int | None],
    hidden: list[str],
    labels: Labels,
    derive: Callable[[dict[str, int | None], list[str]], dict[str, Any]],
) -> Row:
    """One row. Runs once per group (thousands at most), so it stays plain and quick."""
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


# --- partnerships: one protected cube per request kind ----------------------------------


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


def protected_table(
    *,
    leaves: Mapping[tuple[Hashable, Hashable], Sequence[int]],
    first: Hierarchy,
    second: Hierarchy,
    first_side: Side,
    second_side: Side,
    figures: Sequence[str],
    labels: Labels,
    derive: Callable[[dict[str, int | None], list[str]], dict[str, Any]],
    meta: dict[str, Any],
    group_by: Sequence[str],
) -> Table:
    """A partnership's table: the whole cube suppressed once, then the asked-for rows."""
    threshold = int(settings.HEARTH_SMALL_NUMBER_THRESHOLD)
    cube = Cube.build(leaves, first, second, len(figures))
    hidden = cube.suppress(threshold)
    first_nodes = _side_nodes(first_side, first, {a for a, _ in cube.values})
    second_nodes = _side_nodes(second_side, second, {b for _, b in cube.values})
    dims = [DIMENSIONS[name] for name in group_by]
    rows_by_order: list[tuple[Any, Row]] = []

    def row_for(node: tuple[Hashable, Hashable], with_dims: bool) -> Row:
        values = cube.values.get(node)
        counts: dict[str, int | None] = dict(
            zip(figures, values if values is not None else [0] * len(figures), strict=True)
        )
        hidden_here = [
            name
            for index, name in enumerate(figures)
            if (node in hidden[index] if values is not None else True)
        ]
        key = _node_key(node, first_side, second_side, group_by)
        return _row(dims if with_dims else [], key if with_dims else (), counts, hidden_here,
                    labels, derive)  # fmt: skip

    for a in first_nodes:
        for b in second_nodes:
            if (a, b) not in cube.values:
                continue
            key = _node_key((a, b), first_side, second_side, group_by)
            order = tuple(dim.order(v, labels) for dim, v in zip(dims, key, strict=True))
            rows_by_order.append((order, row_for((a, b), True)))
    rows_by_order.sort(key=lambda item: item[0])
    totals = row_for((first_side.selected, second_side.selected), False)
    return Table(
        group_by=list(group_by),
        columns=[column for dim in dims for column in dim.columns],
        figures=_figure_columns(figures, derive),
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
