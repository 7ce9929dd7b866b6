"""Reading a bulk onboarding file (CSV or XLSX, through tablib) into rows of text and dates,
with each row's errors in Hearth's words (ADR 0022). Pure: no database.
"""

import datetime
from dataclasses import dataclass, field

import tablib

COLUMNS = {
    "employee_number": "Employee number",
    "full_name": "Name",
    "email": "Work email",
    "team": "Team",
    "role": "Role",
    "manager": "Manager",
    "start_date": "Start date",
    "leaving_date": "Leaving date",
}
REQUIRED = ("employee_number", "full_name", "email", "team", "role")
ALIASES = {"name": "full_name", "work_email": "email", "employee_no": "employee_number"}
ROLES = {"learner": "learner", "manager": "manager"}
MAX_ROWS = 20_000


class FileError(Exception):
    """The file as a whole cannot be read (not a row's fault)."""


@dataclass
class RowError:
    row: int
    column: str
    message: str

    def __str__(self) -> str:
        return f"Row {self.row}, {COLUMNS.get(self.column, self.column)}: {self.message}"


@dataclass
class Row:
    number: int
    employee_number: str
    full_name: str
    email: str
    team: str
    role: str
    manager: str
    starts_on: datetime.date | None
    leaves_on: datetime.date | None
    errors: list[RowError] = field(default_factory=list)
    action: str = ""

    def error(self, column: str, message: str) -> None:
        self.errors.append(RowError(self.number, column, message))


def _header(name: object) -> str:
    key = str(name or "").strip().lower().replace(" ", "_").replace("-", "_")
    return ALIASES.get(key, key)


def _text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return " ".join(str(value).split())


def _date(row: Row, column: str, value: object) -> datetime.date | None:
    if value is None or value == "":
        return None
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    text = _text(value)
    for form in ("%Y-%m-%d", "%d/%m/%Y"):
        try:
            return datetime.datetime.strptime(text, form).date()  # noqa: DTZ007 (a date)
        except ValueError:
            continue
    row.error(column, f"“{text}” is not a date; write it as 2026-09-30 or 30/09/2026.")
    return None


def load(content: bytes, filename: str) -> tablib.Dataset:
    """The file's sheet: XLSX when it is one (by name or its zip signature), else CSV."""
    is_xlsx = filename.lower().endswith(".xlsx") or content[:2] == b"PK"
    try:
        if is_xlsx:
            return tablib.Dataset().load(content, format="xlsx")
        return tablib.Dataset().load(content.decode("utf-8-sig"), format="csv")
    except UnicodeDecodeError as error:
        raise FileError("The file is not UTF-8 text; save it as CSV (UTF-8) or XLSX.") from error
    except Exception as error:  # tablib and openpyxl raise many kinds for a bad file
        raise FileError("The file could not be read as CSV or XLSX.") from error


def parse(content: bytes, filename: str = "") -> list[Row]:
    """Rows of the file, numbered as a spreadsheet shows them (the header is row 1), each
    with the errors that need no database: missing values, bad dates and roles, repeats."""
    if not content.strip():
        raise FileError("The file is empty.")
    data = load(content, filename)
    headers = [_header(name) for name in (data.headers or [])]
    missing = [COLUMNS[name] for name in REQUIRED if name not in headers]
    if missing:
        raise FileError(f"The file has no column {', '.join(missing)} in its first row.")
    if data.height > MAX_ROWS:
        raise FileError(f"The file has {data.height} rows; import at most {MAX_ROWS} at once.")
    rows: list[Row] = []
    for index, values in enumerate(data, start=2):
        cell = dict(zip(headers, values, strict=False))
        if all(_text(value) == "" for value in values):
            continue
        row = Row(
            number=index,
            employee_number=_text(cell.get("employee_number")),
            full_name=_text(cell.get("full_name")),
            email=_text(cell.get("email")).lower(),
            team=_text(cell.get("team")),
            role=_text(cell.get("role")).lower(),
            manager=_text(cell.get("manager")).lower(),
            starts_on=None,
            leaves_on=None,
        )
        row.starts_on = _date(row, "start_date", cell.get("start_date"))
        row.leaves_on = _date(row, "leaving_date", cell.get("leaving_date"))
        for name in REQUIRED:
            if not getattr(row, name):
                row.error(name, "Enter a value.")
        if row.email and ("@" not in row.email or " " in row.email):
            row.error("email", f"“{row.email}” is not an email address.")
        if row.role and row.role not in ROLES:
            row.error("role", f"“{row.role}” is not a role here; use learner or manager.")
        if row.starts_on and row.leaves_on and row.leaves_on < row.starts_on:
            row.error("leaving_date", "The leaving date is before the start date.")
        rows.append(row)
    _repeats(rows, "employee_number")
    _repeats(rows, "email")
    return rows


def _repeats(rows: list[Row], column: str) -> None:
    first: dict[str, int] = {}
    for row in rows:
        value = getattr(row, column)
        if not value:
            continue
        if value.lower() in first:
            row.error(column, f"Row {first[value.lower()]} already has “{value}”.")
        else:
            first[value.lower()] = row.number
