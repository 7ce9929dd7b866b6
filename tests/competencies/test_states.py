"""Expiry: states move exactly at their boundaries as time passes (issue 4, must show 4)."""

import datetime
import zoneinfo

import pytest
import time_machine

from accounts.selectors import actor_for_user
from competencies.selectors import current_states
from competencies.services import add_months, assessment_record, valid_until_for
from competencies.states import State
from tests.conftest import World
from tests.support.competencies import make_framework

LONDON = zoneinfo.ZoneInfo("Europe/London")


def _state(world: World, competency_id: int) -> State:
    cell = current_states(learner_ids=[world.x_learner_a.pk], competency_ids=[competency_id]).get(
        (world.x_learner_a.pk, competency_id)
    )
    return cell.state if cell else State.NOT_ASSESSED


def test_states_move_from_competent_to_expiring_soon_to_expired_at_the_boundaries(
    world: World,
) -> None:
    competency = make_framework(1, validity_months=24)[0]
    assessed = datetime.datetime(2026, 3, 15, 10, 0, tzinfo=LONDON)
    with time_machine.travel(assessed, tick=False):
        assert _state(world, competency.pk) == State.NOT_ASSESSED
        assessment_record(
            actor=actor_for_user(world.x_assessor_a),
            learner_id=world.x_learner_a.pk,
            competency=competency,
            method="observation",
            outcome="competent",
            evidence_note="Observed.",
        )
    last_valid = datetime.date(2028, 3, 14)
    expiring_from = last_valid - datetime.timedelta(days=60)

    def on(day: datetime.date, hour: int = 12) -> State:
        moment = datetime.datetime.combine(day, datetime.time(hour), tzinfo=LONDON)
        with time_machine.travel(moment, tick=False):
            return _state(world, competency.pk)

    assert on(datetime.date(2026, 3, 15)) == State.COMPETENT
    assert on(expiring_from - datetime.timedelta(days=1), 23) == State.COMPETENT
    assert on(expiring_from, 0) == State.EXPIRING_SOON
    assert on(last_valid, 23) == State.EXPIRING_SOON
    assert on(last_valid + datetime.timedelta(days=1), 0) == State.EXPIRED


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        (datetime.date(2026, 1, 31), 1, datetime.date(2026, 2, 28)),
        (datetime.date(2024, 2, 29), 12, datetime.date(2025, 2, 28)),
        (datetime.date(2026, 11, 23), 24, datetime.date(2028, 11, 23)),
        (datetime.date(2026, 12, 1), 13, datetime.date(2028, 1, 1)),
    ],
)
def test_add_months_clamps_to_the_end_of_short_months(
    day: datetime.date, months: int, expected: datetime.date
) -> None:
    assert add_months(day, months) == expected


def test_competencies_that_never_expire_stay_competent(world: World) -> None:
    competency = make_framework(1, validity_months=0)[0]

    assert valid_until_for(competency, datetime.date(2026, 1, 1)) is None
    with time_machine.travel(datetime.datetime(2026, 1, 1, tzinfo=LONDON), tick=False):
        assessment_record(
            actor=actor_for_user(world.x_assessor_a),
            learner_id=world.x_learner_a.pk,
            competency=competency,
            method="evidence",
            outcome="competent",
            evidence_note="Portfolio reviewed.",
        )
    with time_machine.travel(datetime.datetime(2036, 1, 1, tzinfo=LONDON), tick=False):
        assert _state(world, competency.pk) == State.COMPETENT
