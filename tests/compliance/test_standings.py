"""Who a requirement applies to and where they stand (compliance.selectors): grace for new
starters, exemptions, and each organisation counting only its own records (ADR 0012)."""

import datetime

import pytest
from django.utils import timezone
from pytest_django import DjangoAssertNumQueries

from accounts.models import Membership, MembershipStatus, Role, User
from compliance.selectors import requirement_standings
from compliance.states import State
from tests.compliance.conftest import DAY_ONE, Frozen
from tests.conftest import World
from tests.factories import (
    ComplianceSettingsFactory,
    EnrolmentFactory,
    ExemptionFactory,
    MembershipFactory,
    TrainingRequirementFactory,
    UserFactory,
)
from training.models import EnrolmentStatus


def days(count: int) -> datetime.date:
    return DAY_ONE + datetime.timedelta(days=count)


def states(frozen: Frozen, organisation_id: int | None = None) -> dict[tuple[int, int], State]:
    """(person, requirement) -> state today, in organisation X unless told."""
    rows = requirement_standings(organisation_id=organisation_id or frozen.world.org_x.pk)
    return {(row.person_id, row.requirement.pk): row.standing.state for row in rows}


def complete(learner: User, frozen: Frozen, organisation_id: int) -> None:
    EnrolmentFactory.create(
        learner=learner,
        module=frozen.module,
        organisation_id=organisation_id,
        status=EnrolmentStatus.COMPLETED,
        completed_at=timezone.now(),
    )


def test_a_requirement_applies_to_its_team_and_role_and_only_to_active_members(
    frozen: Frozen,
) -> None:
    world = frozen.world
    team_learners = TrainingRequirementFactory.create(
        organisation=world.org_x, team=world.x_team_a, role=Role.LEARNER, module=frozen.module
    )
    everyone = TrainingRequirementFactory.create(organisation=world.org_x, module=frozen.module)
    gone = World.person(world.org_x, world.x_team_a, Role.LEARNER)
    User.objects.filter(pk=gone.pk).update(is_active=False)
    invited = UserFactory.create()
    MembershipFactory.create(user=invited, team=world.x_team_a, status=MembershipStatus.PENDING)

    assert states(frozen) == {
        (world.x_learner_a.pk, team_learners.pk): State.NOT_STARTED,
        **{
            (person.pk, everyone.pk): State.NOT_STARTED
            for person in (
                world.x_admin,
                world.x_manager_a,
                world.x_assessor_a,
                world.x_learner_a,
                world.x_learner_b,
            )
        },
    }


def test_new_starters_get_the_organisations_grace_period(frozen: Frozen) -> None:
    world = frozen.world
    ComplianceSettingsFactory.create(organisation=world.org_x, grace_days=14)
    requirement = TrainingRequirementFactory.create(
        organisation=world.org_x, team=world.x_team_a, role=Role.LEARNER, module=frozen.module
    )
    frozen.go_to(days(10))
    starter = World.person(world.org_x, world.x_team_a, Role.LEARNER)

    frozen.go_to(days(14))
    assert states(frozen) == {
        (world.x_learner_a.pk, requirement.pk): State.NOT_STARTED,
        (starter.pk, requirement.pk): State.NOT_STARTED,
    }
    frozen.go_to(days(15))
    assert states(frozen) == {
        (world.x_learner_a.pk, requirement.pk): State.OVERDUE,
        (starter.pk, requirement.pk): State.NOT_STARTED,
    }
    frozen.go_to(days(25))
    [old_hand, new] = requirement_standings(organisation_id=world.org_x.pk)
    assert (old_hand.standing.state, old_hand.standing.due_on) == (State.OVERDUE, days(14))
    assert (new.standing.state, new.standing.due_on) == (State.OVERDUE, days(24))


def test_a_new_requirement_gives_everyone_the_grace_period_from_the_day_it_was_made(
    frozen: Frozen,
) -> None:
    world = frozen.world
    frozen.go_to(days(100))
    TrainingRequirementFactory.create(
        organisation=world.org_x, team=world.x_team_b, module=frozen.module
    )
    frozen.go_to(days(130))
    [row] = requirement_standings(organisation_id=world.org_x.pk)
    assert (row.person_id, row.standing.state, row.standing.due_on) == (
        world.x_learner_b.pk,
        State.NOT_STARTED,
        days(130),
    )


def test_an_exemption_holds_through_its_end_date(frozen: Frozen) -> None:
    world = frozen.world
    requirement = TrainingRequirementFactory.create(
        organisation=world.org_x, team=world.x_team_b, module=frozen.module
    )
    ExemptionFactory.create(
        requirement=requirement, person=world.x_learner_b, ends_on=days(60), reason="Maternity."
    )

    frozen.go_to(days(60))
    [row] = requirement_standings(organisation_id=world.org_x.pk)
    assert (row.standing.state, row.standing.exempt_until) == (State.EXEMPT, days(60))
    frozen.go_to(days(61))
    assert states(frozen) == {(world.x_learner_b.pk, requirement.pk): State.OVERDUE}


def test_only_completions_under_the_requirements_organisation_count(frozen: Frozen) -> None:
    world = frozen.world
    shared = world.y_learner
    MembershipFactory.create(user=shared, team=world.x_team_a)
    in_x = TrainingRequirementFactory.create(
        organisation=world.org_x, team=world.x_team_a, role=Role.LEARNER, module=frozen.module
    )
    in_y = TrainingRequirementFactory.create(
        organisation=world.org_y, role=Role.LEARNER, module=frozen.module
    )
    complete(shared, frozen, world.org_y.pk)

    assert states(frozen, world.org_y.pk) == {(shared.pk, in_y.pk): State.COMPLIANT}
    assert states(frozen) == {
        (world.x_learner_a.pk, in_x.pk): State.NOT_STARTED,
        (shared.pk, in_x.pk): State.NOT_STARTED,
    }


@pytest.mark.parametrize("people", [10, 100])
def test_standings_take_six_queries_however_many_people(
    frozen: Frozen, people: int, django_assert_num_queries: DjangoAssertNumQueries
) -> None:
    world = frozen.world
    yearly = TrainingRequirementFactory.create(organisation=world.org_x, module=frozen.module)
    TrainingRequirementFactory.create(
        organisation=world.org_x, team=world.x_team_a, role=Role.LEARNER, module=frozen.module
    )
    learners = [World.person(world.org_x, world.x_team_a, Role.LEARNER) for _ in range(people)]
    for learner in learners[::3]:
        complete(learner, frozen, world.org_x.pk)
    for learner in learners[1::5]:
        ExemptionFactory.create(requirement=yearly, person=learner, ends_on=days(30))

    with django_assert_num_queries(6):
        rows = requirement_standings(organisation_id=world.org_x.pk)

    assert len(rows) == 2 * people + 6
    assert Membership.objects.filter(organisation=world.org_x).count() == people + 5
