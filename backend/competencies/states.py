"""A learner's current state in a competency, derived from assessments only.

The rule, in one place: the current assessment is the latest (by assessed_at,
then record order) that no later assessment supersedes (chosen in SQL by
competencies.current_states). No assessment: not assessed. Not yet
competent: not yet competent. Competent: competent until
`valid_until - HEARTH_EXPIRING_SOON_DAYS`, then expiring soon through
`valid_until` (its last valid day), then expired. `state_expression` below
is that rule as SQL, so thousands of cells are classified in the database.
"""

import datetime
from typing import NamedTuple

from django.conf import settings
from django.db import models
from django.db.models import Case, CharField, Q, Value, When


class State(models.TextChoices):
    COMPETENT = "competent", "Competent"
    EXPIRING_SOON = "expiring_soon", "Expiring soon"
    EXPIRED = "expired", "Expired"
    NOT_YET_COMPETENT = "not_yet_competent", "Not yet competent"
    NOT_ASSESSED = "not_assessed", "Not assessed"


HOLDS = frozenset({State.COMPETENT, State.EXPIRING_SOON})
STATES = {state.value: state for state in State}


def expiring_window() -> datetime.timedelta:
    """How long before its last valid day a competency counts as expiring soon."""
    return datetime.timedelta(days=int(getattr(settings, "HEARTH_EXPIRING_SOON_DAYS", 60)))


def state_expression(on: datetime.date) -> Case:
    """The state an assessment gives on a day, as a SQL expression over its row."""
    return Case(
        When(~Q(outcome="competent"), then=Value(State.NOT_YET_COMPETENT.value)),
        When(valid_until__isnull=True, then=Value(State.COMPETENT.value)),
        When(valid_until__lt=on, then=Value(State.EXPIRED.value)),
        When(valid_until__lte=on + expiring_window(), then=Value(State.EXPIRING_SOON.value)),
        default=Value(State.COMPETENT.value),
        output_field=CharField(),
    )


class Cell(NamedTuple):
    """One learner's state in one competency."""

    state: State
    level: int | None
    valid_until: datetime.date | None
    assessment_id: int | None

    def meets(self, level: int) -> bool:
        """Holds the competency (not expired) at the level or above."""
        return self.state in HOLDS and (self.level or 0) >= level


NOT_ASSESSED = Cell(State.NOT_ASSESSED, None, None, None)
