"""CSV of figures: core's CSV (UTF-8 BOM, CRLF, formula-safe text), with numbers kept as
numbers, so a fall of two reads -2 in a spreadsheet and not the text '-2."""

import csv
import io
from collections.abc import Iterable, Mapping
from typing import Any

from core.renderers import CSVRenderer

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


class FiguresCSVRenderer(CSVRenderer):
    """Rows of figures as CSV. Text cells (names, labels) are neutralised against formula
    injection as in core; numbers (never text from a person) are written as they are."""

    def render(
        self,
        data: Any,
        accepted_media_type: str | None = None,
        renderer_context: Mapping[str, Any] | None = None,
    ) -> bytes:
        if isinstance(data, Mapping):
            return super().render(data, accepted_media_type, renderer_context)
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\r\n")
        rows: Iterable[Iterable[Any]] = data
        writer.writerows([_cell(value) for value in row] for row in rows)
        return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def _cell(value: Any) -> str:
    if isinstance(value, int | float) and not isinstance(value, bool):
        return str(value)
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text
