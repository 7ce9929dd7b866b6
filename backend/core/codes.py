"""A short list of codes kept in one text column, comma-wrapped (",health,housing,"), so
one `contains` lookup finds a code. The format is written and read here only."""

from collections.abc import Iterable

from django.db.models import Q


def codes_joined(codes: Iterable[str]) -> str:
    """The column's value for these codes."""
    return "," + ",".join(codes) + ","


def codes_of(value: str) -> list[str]:
    """The codes a column's value holds, in order."""
    return [code for code in value.split(",") if code]


def holds_code(field: str, code: str) -> Q:
    """Rows whose `field` (a lookup path) holds `code`."""
    return Q(**{f"{field}__contains": f",{code},"})
