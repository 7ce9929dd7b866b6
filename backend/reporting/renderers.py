"""CSV of figures: core's CSV (UTF-8 BOM, CRLF, formula-safe text), with numbers kept as
numbers, so a fall of two reads -2 in a spreadsheet and not the text '-2."""

from typing import Any

from core.renderers import CSVRenderer


class FiguresCSVRenderer(CSVRenderer):
    """Rows of figures as CSV. Text cells (names, labels) are neutralised against formula
    injection as in core; numbers (never text from a person) are written as they are."""

    def cell(self, value: Any) -> str:
        if isinstance(value, int | float) and not isinstance(value, bool):
            return str(value)
        return super().cell(value)
