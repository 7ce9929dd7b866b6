"""The kinds of requirement (issue 15): a module (met by completing it or by training
recorded as done elsewhere), training recorded elsewhere only (no module), and a competency
at a level (competencies' own team requirements, held by the organisation's assessments).
Each counts only what was made under its own organisation (ADR 0012)."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError
from pytest_django import DjangoAssertNumQueries

from accounts.models import Role
from competencies.models import Outcome
from compliance.renewals import renewals_enrol
from compliance.selectors import competency_standings, compliance_standings
from compliance.states import State
from tests.compliance.conftest import DAY_ONE, Frozen
from tests.conftest import World
from tests.factories import (
    AssessmentFactory,
    CompetencyFactory,
    MembershipFactory,
    RequirementFactory,
    TrainingRecordFactory,
    TrainingRequirementFactory,
)
from training.models import Enrolment


def days(count: int) -> datetime.date:
    return DAY_ONE + datetime.timedelta(days=count)


def test_training_recorded_elsewhere_meets_a_module_requirement_from_its_completion_day(
    frozen: Frozen,
) -> None:
    world = frozen.world
    requirement = TrainingRequirementFactory.create(
        organisation=world.org_x, team=world.x_team_b, module=frozen.module
    )
    TrainingRecordFactory.create(
        requirement=requirement, person=world.x_learner_b, completed_on=days(-320)
    )

    [row] = compliance_standings(organisation_id=world.org_x.pk)

    # Valid through 320 days ago plus a year less a day; renewal opened 60 days before.
    assert (row.person_id, row.kind, row.standing.state, row.standing.valid_until) == (
        world.x_learner_b.pk,
        "module",
        State.DUE_SOON,
        datetime.date(2026, 4, 15),
    )


def test_a_requirement_with_no_module_is_met_by_records_only_and_enrols_nobody(
    frozen: Frozen,
) -> None:
    world = frozen.world
    fire = TrainingRequirementFactory.create(
        organisation=world.org_x, team=world.x_team_b, module=None, title="Fire safety"
    )
    frozen.go_to(days(31))
    assert [
        (row.title, row.kind, row.standing.state)
        for row in compliance_standings(organisation_id=world.org_x.pk)
    ] == [("Fire safety", "external", State.OVERDUE)]

    assert renewals_enrol() == 0
    assert not Enrolment.objects.exists()

    TrainingRecordFactory.create(requirement=fire, person=world.x_learner_b, completed_on=days(31))
    [row] = compliance_standings(organisation_id=world.org_x.pk)
    assert (row.standing.state, row.standing.valid_until) == (State.COMPLIANT, days(31 + 364))


def test_another_organisations_record_does_not_count(frozen: Frozen) -> None:
    world = frozen.world
    shared = world.y_learner
    MembershipFactory.create(user=shared, team=world.x_team_a)
    in_x = TrainingRequirementFactory.create(
        organisation=world.org_x, team=world.x_team_a, role=Role.LEARNER, module=None, title="IG"
    )
    in_y = TrainingRequirementFactory.create(
        organisation=world.org_y, role=Role.LEARNER, module=None, title="IG"
    )
    TrainingRecordFactory.create(requirement=in_y, person=shared)

    states_x = {
        row.person_id: row.standing.state
        for row in compliance_standings(organisation_id=world.org_x.pk)
    }
    [in_y_row] = compliance_standings(organisation_id=world.org_y.pk)

    assert states_x == {world.x_learner_a.pk: State.NOT_STARTED, shared.pk: State.NOT_STARTED}
    assert (in_y_row.person_id, in_y_row.standing.state) == (shared.pk, State.COMPLIANT)
    assert in_x.records.count() == 0


def test_a_requirement_with_no_module_must_be_named(db: None) -> None:
    requirement = TrainingRequirementFactory.build(
        organisation=TrainingRequirementFactory.create().organisation, module=None, title=""
    )
    with pytest.raises(ValidationError) as refused:
        requirement.full_clean()
    assert refused.value.message_dict["title"] == ["Name a requirement that has no module."]
    with pytest.raises(IntegrityError):
        requirement.save()


def test_a_competency_requirement_is_held_at_the_level_asked_by_this_organisations_assessments(
    frozen: Frozen,
) -> None:
    world = frozen.world
    competency = CompetencyFactory.create(level=2, validity_months=12, code="ACT-2")
    RequirementFactory.create(
        team=world.x_team_a, role=Role.LEARNER, competency=competency, level=2
    )
    lower, other_org, fresh = (
        World.person(world.org_x, world.x_team_a, Role.LEARNER) for _ in range(3)
    )
    AssessmentFactory.create(
        learner=world.x_learner_a,
        competency=competency,
        organisation=world.org_x,
        level=2,
        valid_until=days(30),
    )
    AssessmentFactory.create(
        learner=lower, competency=competency, organisation=world.org_x, level=1
    )
    AssessmentFactory.create(
        learner=other_org, competency=competency, organisation=world.org_y, level=2
    )
    AssessmentFactory.create(
        learner=fresh,
        competency=competency,
        organisation=world.org_x,
        level=2,
        outcome=Outcome.NOT_YET_COMPETENT,
    )

    rows = {row.person_id: row for row in competency_standings(organisation_id=world.org_x.pk)}

    assert {person: row.standing.state for person, row in rows.items()} == {
        world.x_learner_a.pk: State.DUE_SOON,
        lower.pk: State.NOT_STARTED,
        other_org.pk: State.NOT_STARTED,
        fresh.pk: State.NOT_STARTED,
    }
    assert rows[world.x_learner_a.pk].standing.valid_until == days(30)
    assert rows[world.x_learner_a.pk].title == f"ACT-2 {competency.title} (level 2)"
    frozen.go_to(days(31))
    assert {
        row.person_id: row.standing.state
        for row in competency_standings(organisation_id=world.org_x.pk)
    } == {
        world.x_learner_a.pk: State.EXPIRED,
        lower.pk: State.OVERDUE,
        other_org.pk: State.OVERDUE,
        fresh.pk: State.OVERDUE,
    }


@pytest.mark.parametrize("people", [10, 100])
def test_all_standings_take_a_fixed_number_of_queries(
    frozen: Frozen, people: int, django_assert_num_queries: DjangoAssertNumQueries
) -> None:
    world = frozen.world
    competency = CompetencyFactory.create()
    RequirementFactory.create(team=world.x_team_a, competency=competency)
    external = TrainingRequirementFactory.create(
        organisation=world.org_x, module=None, title="Fire safety"
    )
    TrainingRequirementFactory.create(organisation=world.org_x, module=frozen.module)
    learners = [World.person(world.org_x, world.x_team_a, Role.LEARNER) for _ in range(people)]
    for learner in learners[::2]:
        TrainingRecordFactory.create(requirement=external, person=learner)
        AssessmentFactory.create(learner=learner, competency=competency, organisation=world.org_x)

    # Grace days; the training requirements, memberships, completions, records and
    # exemptions; the competency requirements, memberships and current states.
    with django_assert_num_queries(9):
        rows = compliance_standings(organisation_id=world.org_x.pk)

    assert len(rows) == 2 * (people + 5) + (people + 3)
