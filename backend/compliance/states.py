"""A person's standing in one training requirement on a day: the rule, in one place, as
pure functions (compliance.selectors feeds them from the database).

Completed: valid through `valid_until`, the completion's date plus the renewal period
less a day (its last valid day, as competencies count it: ADR 0007); compliant until the
renewal window opens `window_days` before that, then due soon through `valid_until`, then
expired. A period of 0 never expires. Never completed: not started until the grace period
ends (`starts_on`, when the requirement first applied to the person, plus the
organisation's grace days), then overdue. An exemption holds through its `ends_on` and
comes first.

Renewal (or the first completion) is due on the last valid day (or when the grace period
ends), never before the grace period ends: someone whose completion had long expired when
a requirement was made gets the same grace as someone who never did it.
"""

import datetime
from dataclasses import dataclass

from django.db import models

from core.dates import last_valid_day


class State(models.TextChoices):
    COMPLIANT = "compliant", "Compliant"
    DUE_SOON = "due_soon", "Due soon"
    EXPIRED = "expired", "Expired"
    NOT_STARTED = "not_started", "Not started"
    OVERDUE = "overdue", "Overdue"
    EXEMPT = "exempt", "Exempt"

    @property
    def tone(self) -> str:
        """How pages colour the state's tag (tag--good, --warn, --bad, --muted)."""
        return TONES[self.value]


TONES = {
    "compliant": "good",
    "due_soon": "warn",
    "expired": "bad",
    "not_started": "muted",
    "overdue": "bad",
    "exempt": "muted",
}


# The states in which the person should be (or have been) enrolled: renewal is open.
RENEWAL_OPEN = frozenset({State.DUE_SOON, State.EXPIRED, State.NOT_STARTED, State.OVERDUE})


@dataclass(frozen=True)
class Standing:
    """One person's state in one requirement, with the dates that decide it.

    `opens_on` is when enrolling (again) is due: the renewal window's first day, or
    `starts_on` for a first completion; `due_on` is the date the (re)enrolment is due:
    `valid_until`, or the end of the grace period. Both are empty for a completion
    that never expires.
    """

    state: State
    valid_until: datetime.date | None
    opens_on: datetime.date | None
    due_on: datetime.date | None
    exempt_until: datetime.date | None = None


def standing(
    *,
    on: datetime.date,
    completed_on: datetime.date | None,
    renewal_months: int,
    window_days: int,
    starts_on: datetime.date,
    grace_days: int,
    exempt_until: datetime.date | None = None,
) -> Standing:
    """The standing on the day `on` (see the module's docstring for the rule)."""
    valid_until: datetime.date | None = None
    opens_on: datetime.date | None = None
    grace_ends = starts_on + datetime.timedelta(days=grace_days)
    if completed_on is None:
        opens_on, due_on = starts_on, grace_ends
        state = State.OVERDUE if on > due_on else State.NOT_STARTED
    elif not renewal_months:
        state, due_on = State.COMPLIANT, None
    else:
        valid_until = last_valid_day(completed_on, renewal_months)
        opens_on = valid_until - datetime.timedelta(days=window_days)
        due_on = max(valid_until, grace_ends)
        if on > valid_until:
            state = State.EXPIRED
        elif on >= opens_on:
            state = State.DUE_SOON
        else:
            state = State.COMPLIANT
    if exempt_until is not None and exempt_until >= on:
        return Standing(State.EXEMPT, valid_until, opens_on, due_on, exempt_until)
    return Standing(state, valid_until, opens_on, due_on)


# A held competency's state -> the requirement's state (competencies.states: the matrix's
# own rule; expiring soon is due soon, its window the matrix's).
HELD = {
    "competent": State.COMPLIANT,
    "expiring_soon": State.DUE_SOON,
    "expired": State.EXPIRED,
}


def competency_standing(
    *,
    on: datetime.date,
    held_state: str | None,
    valid_until: datetime.date | None,
    window_days: int,
    starts_on: datetime.date,
    grace_days: int,
) -> Standing:
    """The standing in a competency requirement: what the person's current assessment
    gives (`held_state`, None when they do not hold it at the level asked), else not
    started through the grace period, then overdue."""
    grace_ends = starts_on + datetime.timedelta(days=grace_days)
    if held_state not in HELD:
        return Standing(
            State.OVERDUE if on > grace_ends else State.NOT_STARTED, None, starts_on, grace_ends
        )
    if valid_until is None:
        return Standing(State.COMPLIANT, None, None, None)
    opens_on = valid_until - datetime.timedelta(days=window_days)
    return Standing(HELD[held_state], valid_until, opens_on, max(valid_until, grace_ends))


# Counted as met: still valid on the day (an exemption is neither met nor missed).
MET = frozenset({State.COMPLIANT, State.DUE_SOON})
# Counted as missed: never done in time, or lapsed.
MISSED = frozenset({State.OVERDUE, State.EXPIRED})
