"""One matrix, three faces: the page, its CSV and the API all read these rows."""

import datetime
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from competencies.models import Domain
from competencies.selectors import Matrix
from competencies.states import Cell, State

STATE_LABELS = dict(State.choices)
DOMAIN_LABELS = dict(Domain.choices)


def cell_text(cell: Cell, required: int | None) -> str:
    """A cell as words (never colour alone): state, level, until when, and if required."""
    parts = [str(STATE_LABELS[cell.state])]
    if cell.level is not None and cell.state != State.NOT_ASSESSED:
        parts.append(f"level {cell.level}")
    if cell.valid_until is not None and cell.state != State.NOT_YET_COMPETENT:
        verb = "expired" if cell.state == State.EXPIRED else "until"
        parts.append(f"{verb} {cell.valid_until.isoformat()}")
    if required is not None:
        parts.append(f"required at level {required}")
    return ", ".join(parts)


# Each state at a glance: a symbol (hidden from screen readers), a short word, and the
# rest of the state's name, read but not shown ("Expiring" is read "Expiring soon").
CELL_LABELS: dict[State, tuple[str, str, str]] = {
    State.COMPETENT: ("✓", "Competent", ""),
    State.EXPIRING_SOON: ("!", "Expiring", " soon"),
    State.EXPIRED: ("✗", "Expired", ""),
    State.NOT_YET_COMPETENT: ("…", "Not yet", " competent"),
    State.NOT_ASSESSED: ("\u2013", "Not assessed", ""),  # An en dash.
}


@dataclass(frozen=True)
class MatrixCell:
    """One cell as the page shows it: the state's symbol and word, the level held, until
    when, and the level required (the CSV and the API say the same in their own form)."""

    state: str
    symbol: str
    word: str
    word_rest: str
    level: int | None
    valid_until: datetime.date | None
    required_level: int | None

    @property
    def required(self) -> bool:
        return self.required_level is not None


def matrix_page_cell(cell: Cell, required_level: int | None) -> MatrixCell:
    """A cell as the page writes it: symbol and word, level, until when, and if required."""
    symbol, word, word_rest = CELL_LABELS[cell.state]
    return MatrixCell(
        state=cell.state.value,
        symbol=symbol,
        word=word,
        word_rest=word_rest,
        level=cell.level if cell.state != State.NOT_ASSESSED else None,
        valid_until=cell.valid_until if cell.state != State.NOT_YET_COMPETENT else None,
        required_level=required_level,
    )


def matrix_data(matrix: Matrix) -> dict[str, Any]:
    """The matrix as plain data for the API (no serializer over many rows)."""
    return {
        "team": {"id": matrix.team.pk, "name": matrix.team.name},
        "on": matrix.on.isoformat(),
        "competencies": [
            {"id": c.pk, "code": c.code, "title": c.title, "domain": c.domain, "level": c.level}
            for c in matrix.competencies
        ],
        # Each person's cells are arrays aligned with "competencies": states[i], levels[i],
        # valid_until[i] and required_levels[i] describe competencies[i].
        "people": [
            {
                "id": person.id,
                "full_name": person.full_name,
                "roles": person.roles,
                "states": [cell.state for cell, _ in person.cells],  # str enums: JSON values
                "levels": [cell.level for cell, _ in person.cells],
                "valid_until": [
                    cell.valid_until.isoformat() if cell.valid_until else None
                    for cell, _ in person.cells
                ],
                "required_levels": [required for _, required in person.cells],
                "missing": person.missing,
            }
            for person in matrix.people
        ],
        "gaps": [
            {
                "competency": competency.pk,
                "code": competency.code,
                "required_count": required,
                "not_met": not_met,
            }
            for competency, required, not_met in matrix.gaps_by_competency
        ],
        "domains": [
            {
                "domain": code,
                "domain_label": label,
                "held": held,
                "total": total,
                "percent": (100 * held) // total if total else 0,
            }
            for code, label, held, total in matrix.domains
        ],
    }


def matrix_csv_description(matrix: Matrix) -> str:
    """What a download of the matrix as CSV read, for the access log (issue 17)."""
    return f"Competency matrix of {matrix.team.name} as CSV ({len(matrix.people)} people)"


def matrix_csv_rows(matrix: Matrix) -> Iterator[list[str]]:
    """The matrix as CSV rows: a header of competency codes, then one row per person with
    the same cell text as the page and the API, then what they still need."""
    yield ["Person", "Roles", *(c.code for c in matrix.competencies), "Still needs"]
    for person in matrix.people:
        yield [
            person.full_name,
            " ".join(person.roles),
            *(cell_text(cell, required) for cell, required in person.cells),
            " ".join(person.missing),
        ]
