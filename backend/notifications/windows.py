"""Reminder windows: when each kind of reminder is due, as day ranges (pure rules)."""

import datetime
from dataclasses import dataclass


@dataclass(frozen=True)
class Window:
    """A named window of days-left (inclusive) in which one reminder is sent."""

    name: str
    most: int
    least: int


# Due soon: 7 days before, then 1 day before. A missed day still sends the window once.
DUE_SOON = (Window("7d", 7, 2), Window("1d", 1, 0))
# Competency expiring: 60, 30 and 7 days before its last valid day.
EXPIRING = (Window("60d", 60, 31), Window("30d", 30, 8), Window("7d", 7, 0))
# Expired: told once, if it expired within this many days (no flood of old expiries).
EXPIRED_LOOKBACK_DAYS = 30


def iso_week(day: datetime.date) -> str:
    """The digest's window: one per ISO week."""
    year, week, _ = day.isocalendar()
    return f"{year}-W{week:02d}"
