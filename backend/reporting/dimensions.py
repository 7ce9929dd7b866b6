"""The dimensions figures are grouped by: for each, the counted column it comes from, how
a counted value maps to its group, the group's columns in a row, and the order of rows.
Also reading `group_by` and loading the names a grouping shows."""

from collections.abc import Callable, Hashable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from core.errors import HearthError
from reporting.labels import (
    DOMAIN_LABELS,
    DOMAIN_ORDER,
    LEVEL_LABELS,
    SECTOR_LABELS,
    SECTOR_ORDER,
    Labels,
)


def _same(value: Any, labels: Labels) -> Any:
    return value


@dataclass(frozen=True, kw_only=True)
class Dimension:
    """One way to group.

    `source`: the counted column its values come from; `key`: a counted value's group
    (the value itself unless the group is above it, e.g. an organisation's sector);
    `columns` and `cells`: the group's columns in a row and their values; `order`: the
    sort key of a group's rows."""

    name: str
    source: str
    columns: tuple[str, ...]
    cells: Callable[[Any, Labels], tuple[Any, ...]]
    order: Callable[[Any, Labels], Any]
    key: Callable[[Any, Labels], Hashable] = _same


def _name_order(name: str | None, value: Any) -> tuple[int, str, Any]:
    return (1, "", 0) if value is None else (0, (name or "").lower(), value)


def _module_cells(pk: int, labels: Labels) -> tuple[Any, ...]:
    return (pk, labels.modules.get(pk))


def _module_order(pk: int, labels: Labels) -> tuple[int, str, Any]:
    return _name_order(labels.modules.get(pk), pk)


def _team_cells(pk: int | None, labels: Labels) -> tuple[Any, ...]:
    return (pk, labels.teams.get(pk) if pk is not None else None)


def _team_order(pk: int | None, labels: Labels) -> tuple[int, str, Any]:
    return _name_order(labels.teams.get(pk) if pk else None, pk)


def _organisation_cells(pk: int | None, labels: Labels) -> tuple[Any, ...]:
    info = labels.organisations.get(pk) if pk is not None else None
    return (pk, info.name if info else None)


def _organisation_order(pk: int | None, labels: Labels) -> tuple[int, str, Any]:
    return _name_order(_organisation_cells(pk, labels)[1], pk)


def _sector_key(organisation_id: int | None, labels: Labels) -> str | None:
    return labels.sector_of(organisation_id)


def _sector_cells(code: str | None, labels: Labels) -> tuple[Any, ...]:
    return (code, str(SECTOR_LABELS.get(code, code)) if code else None)


def _sector_order(code: str | None, labels: Labels) -> tuple[bool, int, str]:
    return (code is None, SECTOR_ORDER.get(code or "", 99), code or "")


def _month_cells(month: str, labels: Labels) -> tuple[Any, ...]:
    return (month,)


def _competency_cells(pk: int, labels: Labels) -> tuple[Any, ...]:
    info = labels.competencies[pk]
    return (pk, info.code, info.title, info.domain, info.level)


def _competency_order(pk: int, labels: Labels) -> tuple[str, int]:
    return (labels.competencies[pk].code, pk)


def _domain_key(competency_id: int, labels: Labels) -> str:
    return labels.competencies[competency_id].domain


def _domain_cells(code: str, labels: Labels) -> tuple[Any, ...]:
    return (code, str(DOMAIN_LABELS.get(code, code)))


def _domain_order(code: str, labels: Labels) -> tuple[int, str]:
    return (DOMAIN_ORDER.get(code, 99), code)


def _level_key(competency_id: int, labels: Labels) -> int:
    return labels.competencies[competency_id].level


def _level_cells(level: int, labels: Labels) -> tuple[Any, ...]:
    return (level, str(LEVEL_LABELS.get(level, level)))


DIMENSIONS: dict[str, Dimension] = {
    dimension.name: dimension
    for dimension in (
        Dimension(
            name="module",
            source="module_id",
            columns=("module_id", "module"),
            cells=_module_cells,
            order=_module_order,
        ),
        Dimension(
            name="team",
            source="team_id",
            columns=("team_id", "team"),
            cells=_team_cells,
            order=_team_order,
        ),
        Dimension(
            name="organisation",
            source="organisation_id",
            columns=("organisation_id", "organisation"),
            cells=_organisation_cells,
            order=_organisation_order,
        ),
        Dimension(
            name="sector",
            source="organisation_id",
            key=_sector_key,
            columns=("sector", "sector_label"),
            cells=_sector_cells,
            order=_sector_order,
        ),
        Dimension(
            name="month", source="month", columns=("month",), cells=_month_cells, order=_same
        ),
        Dimension(
            name="competency",
            source="competency_id",
            columns=("competency_id", "competency_code", "competency", "domain", "level"),
            cells=_competency_cells,
            order=_competency_order,
        ),
        Dimension(
            name="domain",
            source="competency_id",
            key=_domain_key,
            columns=("domain", "domain_label"),
            cells=_domain_cells,
            order=_domain_order,
        ),
        Dimension(
            name="level",
            source="competency_id",
            key=_level_key,
            columns=("level", "level_label"),
            cells=_level_cells,
            order=_same,
        ),
    )
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
