"""The standing rule on its own (compliance.states): each state begins on the right day."""

import datetime

import pytest

from compliance.states import Standing, State, standing

D = datetime.date
COMPLETED = D(2026, 3, 10)


def on(
    day: datetime.date,
    *,
    completed_on: datetime.date | None = COMPLETED,
    renewal_months: int = 12,
    exempt_until: datetime.date | None = None,
) -> Standing:
    """A yearly requirement, renewal opening 60 days ahead, which first applied to the
    person on 5 January 2026 in an organisation giving new starters 30 days."""
    return standing(
        on=day,
        completed_on=completed_on,
        renewal_months=renewal_months,
        window_days=60,
        starts_on=D(2026, 1, 5),
        grace_days=30,
        exempt_until=exempt_until,
    )


@pytest.mark.parametrize(
    ("day", "state"),
    [
        (D(2026, 3, 10), State.COMPLIANT),
        (D(2027, 1, 7), State.COMPLIANT),
        (D(2027, 1, 8), State.DUE_SOON),  # 60 days before the last valid day
        (D(2027, 3, 9), State.DUE_SOON),  # the last valid day
        (D(2027, 3, 10), State.EXPIRED),
    ],
)
def test_a_completion_is_compliant_then_due_soon_then_expired(
    day: datetime.date, state: State
) -> None:
    assert on(day) == Standing(state, D(2027, 3, 9), D(2027, 1, 8), D(2027, 3, 9))


def test_a_leap_day_completion_lasts_until_the_day_before_its_anniversary() -> None:
    assert on(D(2028, 3, 1), completed_on=D(2028, 2, 29)).valid_until == D(2029, 2, 27)


def test_renewal_is_never_due_before_the_grace_period_ends() -> None:
    long_expired = on(D(2026, 1, 5), completed_on=D(2020, 6, 1))
    assert long_expired == Standing(State.EXPIRED, D(2021, 5, 31), D(2021, 4, 1), D(2026, 2, 4))


def test_a_requirement_that_never_expires_stays_compliant() -> None:
    assert on(D(2046, 1, 1), renewal_months=0) == Standing(State.COMPLIANT, None, None, None)


@pytest.mark.parametrize(
    ("day", "state"),
    [
        (D(2026, 1, 5), State.NOT_STARTED),
        (D(2026, 2, 4), State.NOT_STARTED),
        (D(2026, 2, 5), State.OVERDUE),
    ],
)
def test_never_completed_is_not_started_through_the_grace_period_then_overdue(
    day: datetime.date, state: State
) -> None:
    assert on(day, completed_on=None) == Standing(state, None, D(2026, 1, 5), D(2026, 2, 4))


def test_an_exemption_holds_through_its_last_day_whatever_the_state_beneath() -> None:
    exempt = on(D(2027, 6, 30), exempt_until=D(2027, 6, 30))
    assert exempt == Standing(
        State.EXEMPT, D(2027, 3, 9), D(2027, 1, 8), D(2027, 3, 9), D(2027, 6, 30)
    )
    assert on(D(2027, 7, 1), exempt_until=D(2027, 6, 30)).state == State.EXPIRED
    assert on(D(2026, 3, 1), completed_on=None, exempt_until=D(2026, 3, 1)).state == State.EXEMPT
