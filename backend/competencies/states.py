"""A learner's current state in a competency, derived from assessments only.

The rule, in one place: the current assessment is the latest (by assessed_at,
then record order) that no later assessment supersedes. No assessment: not
assessed. Not yet competent: not yet competent. Competent: competent until
`valid_until - EXPIRING_SOON_DAYS`, then expiring soon through `valid_until`
(its last valid day), then expired.
"""

import datetime
from collections.abc import Iterable
from dataclasses import dataclass

from django.conf import settings
from django.db import models


class State(models.TextChoices):
    COMPETENT = "competent", "Competent"
    EXPIRING_SOON = "expiring_soon", "Expiring soon"
    EXPIRED = "expired", "Expired"
    NOT_YET_COMPETENT = "not_yet_competent", "Not yet competent"
    NOT_ASSESSED = "not_assessed", "Not assessed"


HOLDS = frozenset({State.COMPETENT, State.EXPIRING_SOON})


def expiring_soon_days() -> int:
    return int(getattr(settings, "HEARTH_EXPIRING_SOON_DAYS", 60))


@dataclass(frozen=True)
class AssessmentRow:
    """The few fields state derivation needs, as plain values (fast to load in bulk)."""

    id: int
    learner_id: int
    competency_id: int
    outcome: str
    level: int
    assessed_at: datetime.datetime
    valid_until: datetime.date | None
    supersedes_id: int | None


@dataclass(frozen=True)
class Cell:
    state: State
    level: int | None
    valid_until: datetime.date | None
    assessment_id: int | None

    def meets(self, level: int) -> bool:
        """Holds the competency (not expired) at the level or above."""
        return self.state in HOLDS and (self.level or 0) >= level


NOT_ASSESSED = Cell(State.NOT_ASSESSED, None, None, None)


def state_of(row: AssessmentRow | None, today: datetime.date) -> Cell:
    """The state one current assessment gives on a day."""
    if row is None:
        return NOT_ASSESSED
    if row.outcome != "competent":
        return Cell(State.NOT_YET_COMPETENT, row.level, None, row.id)
    if row.valid_until is None:
        return Cell(State.COMPETENT, row.level, None, row.id)
    if today > row.valid_until:
        state = State.EXPIRED
    elif today >= row.valid_until - datetime.timedelta(days=expiring_soon_days()):
        state = State.EXPIRING_SOON
    else:
        state = State.COMPETENT
    return Cell(state, row.level, row.valid_until, row.id)


def current_assessments(rows: Iterable[AssessmentRow]) -> dict[tuple[int, int], AssessmentRow]:
    """The current assessment per (learner, competency): latest, not superseded."""
    rows = list(rows)
    superseded = {row.supersedes_id for row in rows if row.supersedes_id is not None}
    current: dict[tuple[int, int], AssessmentRow] = {}
    for row in rows:
        if row.id in superseded:
            continue
        key = (row.learner_id, row.competency_id)
        best = current.get(key)
        if best is None or (row.assessed_at, row.id) > (best.assessed_at, best.id):
            current[key] = row
    return current
