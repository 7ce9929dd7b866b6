"""Expiry: states move exactly at their boundaries as time passes (issue 4, must show 4)."""

import datetime
import itertools
import random
import zoneinfo

import pytest
import time_machine
from pytest_django.fixtures import Settings

from accounts.selectors import actor_for_user
from competencies.current_states import (
    _current_rows_orm,
    _current_rows_postgresql,
    current_states,
)
from competencies.models import Assessment
from competencies.services import assessment_record, valid_until_for
from competencies.states import State
from core.dates import add_months
from tests.conftest import World
from tests.factories import AssessmentFactory
from tests.support.competencies import make_framework

LONDON = zoneinfo.ZoneInfo("Europe/London")


def _state(world: World, competency_id: int) -> State:
    cell = current_states(
        learner_ids=[world.x_learner_a.pk],
        organisation_id=world.org_x.pk,
        competency_ids=[competency_id],
    ).get((world.x_learner_a.pk, competency_id))
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


@pytest.mark.full_only("compares PostgreSQL's own statement with the portable query")
def test_the_postgresql_statement_and_the_orm_query_choose_and_classify_alike(
    world: World, settings: Settings
) -> None:
    """current_states runs a hand-written statement on PostgreSQL and the ORM elsewhere
    (the embedded SQLite run): on random histories, with corrections, ties in time and
    every state, both give the same cells on every day around the boundaries."""
    chance = random.Random(4)
    competencies = make_framework(6, validity_months=12)
    learners = [world.x_learner_a, world.x_learner_b, world.x_manager_a]
    base = datetime.datetime(2026, 1, 10, 9, 0, tzinfo=LONDON)
    history: list[Assessment] = []
    for _ in range(120):
        earlier = [a for a in history if not Assessment.objects.filter(supersedes=a).exists()]
        corrected = chance.choice(earlier) if earlier and chance.random() < 0.3 else None
        history.append(
            AssessmentFactory.create(
                learner=corrected.learner if corrected else chance.choice(learners),
                competency=corrected.competency if corrected else chance.choice(competencies),
                assessor=world.x_assessor_a,
                # Two organisations' histories of the same people: each has its own state.
                organisation=corrected.organisation
                if corrected
                else chance.choice([world.org_x, world.org_y]),
                outcome=chance.choice(["competent", "competent", "not_yet_competent"]),
                level=chance.randint(1, 3),
                # Few distinct times, so ties are decided by record order.
                assessed_at=base + datetime.timedelta(days=chance.randint(0, 5)),
                valid_until=chance.choice(
                    [None, datetime.date(2026, 6, 30), datetime.date(2026, 8, 29)]
                ),
                supersedes=corrected,
            )
        )
    learner_ids = [learner.pk for learner in learners]
    own_rows = {
        organisation.pk: {a.pk for a in history if a.organisation_id == organisation.pk}
        for organisation in (world.org_x, world.org_y)
    }
    some = [competency.pk for competency in competencies[:4]]
    seen: set[str] = set()
    for window in (60, 30):
        settings.HEARTH_EXPIRING_SOON_DAYS = window
        for day in (
            datetime.date(2026, 4, 30),
            datetime.date(2026, 5, 1),
            datetime.date(2026, 6, 30),
            datetime.date(2026, 7, 1),
            datetime.date(2026, 7, 30),
            datetime.date(2026, 8, 30),
        ):
            for competency_ids, organisation in itertools.product(
                (None, some), (world.org_x.pk, world.org_y.pk)
            ):
                orm = sorted(_current_rows_orm(learner_ids, organisation, competency_ids, day))
                hand_written = sorted(
                    _current_rows_postgresql(learner_ids, organisation, competency_ids, day)
                )
                assert hand_written == orm
                assert {row[5] for row in orm} <= own_rows[organisation]
                seen.update(state for _, _, state, *_ in orm)
    assert seen == {"competent", "expiring_soon", "expired", "not_yet_competent"}
