"""A yearly requirement through two renewal cycles, day by day (issue 15, "Requirements
that recur", must show): the person is enrolled again exactly once per window, the states
change on the right days, and reminders follow the renewal enrolment."""

import datetime
import zoneinfo

import pytest
import time_machine
from django.utils import timezone

from accounts.models import Role
from compliance.renewals import renewals_enrol
from compliance.selectors import requirement_standings
from compliance.states import State
from notifications.models import Kind, ReminderLog
from notifications.planning import plan_daily
from tests.conftest import World
from tests.factories import TrainingRequirementFactory
from tests.support.training import publish_module
from training.models import ACTIVE_STATUSES, Enrolment, EnrolmentSource, EnrolmentStatus

LONDON = zoneinfo.ZoneInfo("Europe/London")
D = datetime.date

# The person completes what they are enrolled in on these days (morning, before the jobs).
COMPLETIONS = (D(2026, 1, 20), D(2027, 1, 25), D(2028, 1, 20))
# What the rule says, written out by hand: (first day, state) until the next row.
# Completed 20 Jan 2026: valid through 19 Jan 2027, renewal opens 60 days before (20 Nov).
# Completed 25 Jan 2027 (five days expired): valid through 24 Jan 2028, opens 25 Nov 2027.
# Completed 20 Jan 2028: valid through 19 Jan 2029, opens 20 Nov 2028.
EXPECTED_STATES = (
    (D(2026, 1, 5), State.NOT_STARTED),
    (D(2026, 1, 20), State.COMPLIANT),
    (D(2026, 11, 20), State.DUE_SOON),
    (D(2027, 1, 20), State.EXPIRED),
    (D(2027, 1, 25), State.COMPLIANT),
    (D(2027, 11, 25), State.DUE_SOON),
    (D(2028, 1, 20), State.COMPLIANT),
)
LAST_DAY = D(2028, 2, 29)


def days_visited() -> list[datetime.date]:
    """Every day within two weeks of a key date (a change of state, a completion), and one
    day a week across the quiet months between."""
    keys = [first for first, _ in EXPECTED_STATES] + list(COMPLETIONS)
    near = {key + datetime.timedelta(days=offset) for key in keys for offset in range(-14, 15)}
    day, days = EXPECTED_STATES[0][0], []
    while day <= LAST_DAY:
        if day in near or (day - EXPECTED_STATES[0][0]).days % 7 == 0:
            days.append(day)
        day += datetime.timedelta(days=1)
    return days


def expected_state(day: datetime.date) -> State:
    return [state for first, state in EXPECTED_STATES if first <= day][-1]


def at_seven(day: datetime.date) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(7, 0), tzinfo=LONDON)


@pytest.mark.django_db
def test_a_yearly_requirement_through_two_renewal_cycles() -> None:
    with time_machine.travel(at_seven(D(2026, 1, 5)), tick=False) as traveller:
        world = World()
        learner = world.x_learner_a
        module = publish_module()
        TrainingRequirementFactory.create(
            organisation=world.org_x, module=module, role=Role.LEARNER
        )
        states: dict[datetime.date, State] = {}
        for day in days_visited():
            traveller.move_to(at_seven(day))
            if day in COMPLETIONS:
                Enrolment.objects.filter(
                    learner=learner, status=EnrolmentStatus.NOT_STARTED
                ).update(status=EnrolmentStatus.COMPLETED, completed_at=timezone.now())
            # The daily run, and a second run the same day (a retry, a second beat).
            renewals_enrol()
            renewals_enrol()
            # Reminders are planned from active enrolments with a due date (this world has
            # no competencies): on other days planning has nothing to find.
            if Enrolment.objects.filter(learner=learner, status__in=ACTIVE_STATUSES).exists():
                plan_daily()
            [row] = requirement_standings(organisation_id=world.org_x.pk, person_ids=[learner.pk])
            states[day] = row.standing.state

    wrong = {day: state for day, state in states.items() if state != expected_state(day)}
    assert wrong == {}
    enrolments = Enrolment.objects.filter(learner=learner).order_by("created_at")
    assert [
        (e.created_at.astimezone(LONDON).date(), e.due_date, e.source, e.status, e.team_id)
        for e in enrolments
    ] == [
        # First completion: due at the end of the 30-day grace period.
        (D(2026, 1, 5), D(2026, 2, 4), EnrolmentSource.RENEWAL, "completed", world.x_team_a.pk),
        # Each renewal opens 60 days before the last valid day and is due on it.
        (D(2026, 11, 20), D(2027, 1, 19), EnrolmentSource.RENEWAL, "completed", world.x_team_a.pk),
        (D(2027, 11, 25), D(2028, 1, 24), EnrolmentSource.RENEWAL, "completed", world.x_team_a.pk),
    ]
    first, cycle_one, cycle_two = enrolments
    reminders = ReminderLog.objects.filter(person=learner).order_by("planned_at")
    assert [
        (r.planned_at.astimezone(LONDON).date(), r.kind, r.window, r.object_id) for r in reminders
    ] == [
        (D(2027, 1, 12), Kind.DUE_SOON, "7d", cycle_one.pk),
        (D(2027, 1, 18), Kind.DUE_SOON, "1d", cycle_one.pk),
        # Expired and not renewed: overdue the day after the last valid day.
        (D(2027, 1, 20), Kind.OVERDUE, "overdue", cycle_one.pk),
        # Renewed in time, after the seven-day reminder and before the one-day one.
        (D(2028, 1, 17), Kind.DUE_SOON, "7d", cycle_two.pk),
    ]
    assert first.pk not in {r.object_id for r in reminders}
