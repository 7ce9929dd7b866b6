"""Ids the API accepts: whole numbers from 1 to the largest a primary key can hold.

Every id in a path, a filter or a body is checked against this range before any query
runs, so `abc`, `-1`, `0` or a 30-digit number is a 400 on every database (SQLite
cannot even bind a number past 2**63 - 1), never a 500.
"""

MIN_ID = 1
# The largest BigAutoField value (a signed 64-bit integer), on PostgreSQL and SQLite alike.
MAX_ID = 2**63 - 1


def parse_id(value: object) -> int | None:
    """The id that `value` spells (an int, or a string of ASCII digits), or None if it
    spells none in range."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        number = value
    elif isinstance(value, str) and value.isascii() and value.isdigit() and len(value) <= 19:
        number = int(value)
    else:
        return None
    return number if MIN_ID <= number <= MAX_ID else None


class IdConverter:
    """`<id:name>` in API URLs: matches any one path segment, so a malformed id reaches
    the view's checks (core.permissions.ValidPathIds: a 400) instead of falling through to
    "no such URL"; a well-formed id arrives as an int."""

    regex = "[^/]+"

    def to_python(self, value: str) -> int | str:
        number = parse_id(value)
        return value if number is None else number

    def to_url(self, value: int | str) -> str:
        return str(value)
