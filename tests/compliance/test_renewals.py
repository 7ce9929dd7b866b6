"""The renewal job (compliance.renewals): once per window, per organisation, never over an
enrolment someone already has, and the one-active rule deciding when two runs meet."""

import datetime
import threading
from io import StringIO

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import connection
from django.utils import timezone

from accounts.models import Role
from compliance.renewals import renewals_enrol
from compliance.tasks import enrol_renewals
from tests.compliance.conftest import DAY_ONE, Frozen
from tests.conftest import World
from tests.factories import (
    EnrolmentFactory,
    ExemptionFactory,
    MembershipFactory,
    ModuleFactory,
    OrganisationFactory,
    TeamFactory,
    TrainingRequirementFactory,
)
from tests.support.training import publish_module
from training.models import Enrolment, EnrolmentSource, EnrolmentStatus
from training.services_renewals import Renewal, enrolments_renew


def days(count: int) -> datetime.date:
    return DAY_ONE + datetime.timedelta(days=count)


def renewals_of(frozen: Frozen) -> list[tuple[int, int | None, int | None, datetime.date | None]]:
    return list(
        Enrolment.objects.filter(source=EnrolmentSource.RENEWAL)
        .order_by("organisation_id", "learner_id")
        .values_list("learner_id", "organisation_id", "team_id", "due_date")
    )


def test_a_person_in_two_organisations_is_enrolled_by_each_separately(frozen: Frozen) -> None:
    world = frozen.world
    shared = world.y_learner
    MembershipFactory.create(user=shared, team=world.x_team_b)
    for organisation in (world.org_x, world.org_y):
        TrainingRequirementFactory.create(
            organisation=organisation, role=Role.LEARNER, module=frozen.module
        )

    assert renewals_enrol() == 4
    assert renewals_enrol() == 0
    due = days(30)
    assert renewals_of(frozen) == [
        (world.x_learner_a.pk, world.org_x.pk, world.x_team_a.pk, due),
        (world.x_learner_b.pk, world.org_x.pk, world.x_team_b.pk, due),
        (shared.pk, world.org_x.pk, world.x_team_b.pk, due),
        (shared.pk, world.org_y.pk, world.y_team_a.pk, due),
    ]


def test_another_organisations_completion_does_not_stop_this_ones_enrolment(
    frozen: Frozen,
) -> None:
    world = frozen.world
    shared = world.y_learner
    MembershipFactory.create(user=shared, team=world.x_team_b)
    TrainingRequirementFactory.create(
        organisation=world.org_x, team=world.x_team_b, module=frozen.module
    )
    EnrolmentFactory.create(
        learner=shared,
        module=frozen.module,
        organisation=world.org_y,
        team=world.y_team_a,
        status=EnrolmentStatus.COMPLETED,
        completed_at=timezone.now(),
    )

    renewals_enrol()

    assert renewals_of(frozen) == [
        (world.x_learner_b.pk, world.org_x.pk, world.x_team_b.pk, days(30)),
        (shared.pk, world.org_x.pk, world.x_team_b.pk, days(30)),
    ]


def test_nobody_is_enrolled_over_an_active_enrolment_or_again_after_a_withdrawal(
    frozen: Frozen,
) -> None:
    world = frozen.world
    TrainingRequirementFactory.create(
        organisation=world.org_x, role=Role.LEARNER, module=frozen.module
    )
    assigned = EnrolmentFactory.create(
        learner=world.x_learner_a, module=frozen.module, organisation=world.org_x
    )
    assert renewals_enrol() == 1
    renewal = Enrolment.objects.get(learner=world.x_learner_b)
    Enrolment.objects.filter(pk=renewal.pk).update(status=EnrolmentStatus.WITHDRAWN)

    frozen.go_to(days(40))

    assert renewals_enrol() == 0
    assert set(Enrolment.objects.values_list("pk", flat=True)) == {assigned.pk, renewal.pk}


def test_a_new_requirement_gives_a_long_expired_completion_the_grace_period(
    frozen: Frozen,
) -> None:
    world = frozen.world
    frozen.go_to(days(-800))
    EnrolmentFactory.create(
        learner=world.x_learner_b,
        module=frozen.module,
        organisation=world.org_x,
        team=world.x_team_b,
        status=EnrolmentStatus.COMPLETED,
        completed_at=timezone.now(),
    )
    frozen.go_to(DAY_ONE)
    TrainingRequirementFactory.create(
        organisation=world.org_x, team=world.x_team_b, module=frozen.module
    )

    assert renewals_enrol() == 1
    assert renewals_of(frozen) == [
        (world.x_learner_b.pk, world.org_x.pk, world.x_team_b.pk, days(30))
    ]


def test_exempt_people_are_enrolled_only_once_the_exemption_ends(frozen: Frozen) -> None:
    world = frozen.world
    requirement = TrainingRequirementFactory.create(
        organisation=world.org_x, team=world.x_team_b, module=frozen.module
    )
    ExemptionFactory.create(requirement=requirement, person=world.x_learner_b, ends_on=days(9))

    frozen.go_to(days(9))
    assert renewals_enrol() == 0
    frozen.go_to(days(10))
    assert renewals_enrol() == 1
    assert renewals_of(frozen) == [
        (world.x_learner_b.pk, world.org_x.pk, world.x_team_b.pk, days(30))
    ]


def test_modules_not_yet_published_wait(frozen: Frozen) -> None:
    world = frozen.world
    draft = ModuleFactory.create()
    draft.current_version = None
    draft.save(update_fields=["current_version"])
    TrainingRequirementFactory.create(organisation=world.org_x, module=draft)

    assert renewals_enrol() == 0


def test_two_runs_that_meet_enrol_each_person_once(frozen: Frozen) -> None:
    """Both runs decided to enrol the same person: the one-active rule keeps one."""
    world = frozen.world
    renewal = Renewal(
        learner_id=world.x_learner_a.pk,
        module=frozen.module,
        organisation_id=world.org_x.pk,
        team_id=world.x_team_a.pk,
        due_date=days(30),
    )

    first = enrolments_renew(renewals=[renewal])
    frozen.traveller.shift(datetime.timedelta(seconds=1))
    second = enrolments_renew(renewals=[renewal])

    assert len(first) == 1 and second == []
    assert Enrolment.objects.count() == 1


def test_the_task_and_the_command_run_the_job(frozen: Frozen) -> None:
    world = frozen.world
    TrainingRequirementFactory.create(
        organisation=world.org_x, team=world.x_team_a, role=Role.LEARNER, module=frozen.module
    )
    out = StringIO()

    assert enrol_renewals() == {"enrolled": 1}
    call_command("enrol_renewals", stdout=out)

    assert out.getvalue() == "enrolled 0 person(s) again\n"


def test_a_requirement_keeps_to_its_organisation_and_opens_within_its_period(db: None) -> None:
    mine, theirs = OrganisationFactory.create(), OrganisationFactory.create()
    own_module = publish_module(slug="theirs", organisation=theirs)
    cases = {
        "team": TrainingRequirementFactory.build(
            organisation=mine, module=publish_module(), team=TeamFactory.create(organisation=theirs)
        ),
        "module": TrainingRequirementFactory.build(organisation=mine, module=own_module),
        "window_days": TrainingRequirementFactory.build(
            organisation=mine, module=own_module, renewal_months=1, window_days=28
        ),
    }
    for field, requirement in cases.items():
        with pytest.raises(ValidationError) as refused:
            requirement.full_clean()
        assert set(refused.value.message_dict) == {field}


@pytest.mark.django_db(transaction=True)
def test_two_runs_at_the_same_moment_enrol_each_person_once(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Both runs find nobody enrolled, then insert at once: the one-active constraint keeps
    one enrolment per person (the second run's insert waits for the first, then skips)."""
    world = World()
    TrainingRequirementFactory.create(
        organisation=world.org_x, role=Role.LEARNER, module=publish_module()
    )
    both_decided = threading.Barrier(2, timeout=30)

    def renew_together(*, renewals: list[Renewal]) -> list[Enrolment]:
        both_decided.wait()
        return enrolments_renew(renewals=renewals)

    monkeypatch.setattr("compliance.renewals.enrolments_renew", renew_together)
    made: list[int] = []

    def run() -> None:
        try:
            made.append(renewals_enrol())
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(made) == [0, 2]
    assert sorted(Enrolment.objects.values_list("learner_id", flat=True)) == sorted(
        [world.x_learner_a.pk, world.x_learner_b.pk]
    )
