"""CSV for API endpoints that offer it (`?format=csv` or `Accept: text/csv`)."""

import csv
import io
from collections.abc import Iterable, Mapping
from typing import Any

from rest_framework.renderers import BaseRenderer

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


class CSVRenderer(BaseRenderer):
    """Renders an iterable of rows (lists of cells) as RFC 4180 CSV with a UTF-8 BOM, so
    spreadsheet programs open it with the right characters. Errors render as one row."""

    media_type = "text/csv"
    format = "csv"
    charset = "utf-8"

    def render(
        self,
        data: Any,
        accepted_media_type: str | None = None,
        renderer_context: Mapping[str, Any] | None = None,
    ) -> bytes:
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\r\n")
        if isinstance(data, Mapping):
            error = data.get("error", data)
            writer.writerow(["error", str(error.get("message", error))])
        else:
            rows: Iterable[Iterable[Any]] = data
            writer.writerows([self.cell(value) for value in row] for row in rows)
        return ("\ufeff" + buffer.getvalue()).encode("utf-8")

    def cell(self, value: Any) -> str:
        """One cell as text, spreadsheet formulas neutralised (CSV injection): a cell that
        starts like a formula gets a leading quote."""
        text = "" if value is None else str(value)
        return "'" + text if text.startswith(FORMULA_STARTS) else text
