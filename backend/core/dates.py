"""Calendar arithmetic shared by the apps (validity and renewal periods)."""

import calendar
import datetime


def add_months(day: datetime.date, months: int) -> datetime.date:
    """The same day `months` later, clamped to the month's end (31 Jan + 1 = 28/29 Feb)."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return datetime.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def last_valid_day(start: datetime.date, months: int) -> datetime.date:
    """The last day a thing done on `start` stays valid for `months`: the same day
    `months` later, less a day (ADR 0007)."""
    return add_months(start, months) - datetime.timedelta(days=1)
