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
