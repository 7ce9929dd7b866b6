"""Planning reminders: who gets what, once, in set-based SQL (issue 6, must shows 2 and 3)."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts.models import Membership, Role, User
from competencies.models import Assessment, Competency
from notifications.models import Kind, ReminderLog
from notifications.planning import plan_daily, plan_weekly_digest
from tests.conftest import World
from tests.factories import AssessmentFactory, EmailOptOutFactory, MandatoryKindFactory
from tests.support.competencies import make_framework, require
from tests.support.notifications import due_enrolment
from tests.support.training import publish_module
from training.models import Enrolment, EnrolmentSource, EnrolmentStatus, Module, ModuleVersion


def _log() -> set[tuple[int, str, int, str]]:
    return set(ReminderLog.objects.values_list("person_id", "kind", "object_id", "window"))


def test_due_soon_overdue_and_escalation_windows(world: World) -> None:
    module = publish_module()
    in_7 = due_enrolment(world.x_learner_a, module, days=7)
    soon = publish_module(slug="soon")
    in_1 = due_enrolment(world.x_learner_a, soon, days=1)
    late_module = publish_module(slug="late")
    late = due_enrolment(world.x_learner_a, late_module, days=-10)
    b_module = publish_module(slug="b")
    b_late = due_enrolment(world.x_learner_b, b_module, days=-2)
    far = publish_module(slug="far")
    due_enrolment(world.x_learner_b, far, days=20)

    first = plan_daily()
    second = plan_daily()

    learner_a, learner_b, manager = world.x_learner_a.pk, world.x_learner_b.pk, world.x_manager_a.pk
    assert _log() == {
        (learner_a, Kind.DUE_SOON, in_7.pk, "7d"),
        (learner_a, Kind.DUE_SOON, in_1.pk, "1d"),
        (learner_a, Kind.OVERDUE, late.pk, "overdue"),
        (learner_b, Kind.OVERDUE, b_late.pk, "overdue"),
        (manager, Kind.ESCALATION, late.pk, "escalation"),
    }
    assert first.total == 5 and second.total == 0


def test_completed_withdrawn_left_or_inactive_people_are_never_reminded(world: World) -> None:
    done = due_enrolment(world.x_learner_a, publish_module(slug="done"), days=1, status="completed")
    gone = due_enrolment(world.x_learner_a, publish_module(slug="gone"), days=-9)
    Enrolment.objects.filter(pk=gone.pk).update(status=EnrolmentStatus.WITHDRAWN)
    leaver = World.person(world.org_x, world.x_team_a, Role.LEARNER)
    left = due_enrolment(leaver, publish_module(slug="left"), days=-9)
    Membership.objects.filter(user=leaver).delete()
    sleeper = World.person(world.org_x, world.x_team_a, Role.LEARNER)
    due_enrolment(sleeper, publish_module(slug="sleep"), days=1)
    User.objects.filter(pk=sleeper.pk).update(is_active=False)
    mover = World.person(world.org_x, world.x_team_a, Role.LEARNER)
    moved = due_enrolment(mover, publish_module(slug="moved"), days=-9)
    Membership.objects.filter(user=mover).update(team=world.x_team_b)

    plan_daily()

    assert _log() == set()
    assert {done.pk, gone.pk, left.pk, moved.pk}.isdisjoint(
        ReminderLog.objects.values_list("object_id", flat=True)
    )


def test_escalation_goes_only_to_the_learners_own_managers(world: World) -> None:
    second_manager = World.person(world.org_x, world.x_team_a, Role.MANAGER)
    World.person(world.org_x, world.x_team_b, Role.MANAGER)
    World.person(world.org_y, world.y_team_a, Role.MANAGER)
    late = due_enrolment(world.x_learner_a, publish_module(), days=-8)
    recent = due_enrolment(world.x_learner_a, publish_module(slug="recent"), days=-3)

    plan_daily()

    escalated = set(
        ReminderLog.objects.filter(kind=Kind.ESCALATION).values_list("person_id", "object_id")
    )
    assert escalated == {(world.x_manager_a.pk, late.pk), (second_manager.pk, late.pk)}
    assert recent.pk not in {obj for _, obj in escalated}


def test_competency_expiry_windows_only_for_what_the_current_role_requires(world: World) -> None:
    required, not_required = make_framework(2)
    require(world.x_team_a, [required], role=Role.LEARNER)
    today = timezone.localdate()

    def assessed(competency: Competency, valid_until: datetime.date) -> Assessment:
        return AssessmentFactory.create(
            learner=world.x_learner_a,
            competency=competency,
            assessor=world.x_assessor_a,
            organisation=world.org_x,
            assessed_at=timezone.now() - datetime.timedelta(days=400),
            valid_until=valid_until,
        )

    expiring = assessed(required, today + datetime.timedelta(days=30))
    assessed(not_required, today + datetime.timedelta(days=30))

    plan_daily()
    assert _log() == {(world.x_learner_a.pk, Kind.COMPETENCY_EXPIRING, expiring.pk, "30d")}

    renewed = AssessmentFactory.create(
        learner=world.x_learner_a,
        competency=required,
        assessor=world.x_assessor_a,
        organisation=world.org_x,
        valid_until=today + datetime.timedelta(days=5),
    )
    plan_daily()
    assert (world.x_learner_a.pk, Kind.COMPETENCY_EXPIRING, renewed.pk, "7d") in _log()


def test_opt_outs_are_respected_unless_the_organisation_makes_the_kind_mandatory(
    world: World,
) -> None:
    EmailOptOutFactory.create(person=world.x_learner_a, kind=Kind.DUE_SOON)
    EmailOptOutFactory.create(person=world.x_learner_a, kind=Kind.OVERDUE)
    MandatoryKindFactory.create(organisation=world.org_x, kind=Kind.OVERDUE)
    due_enrolment(world.x_learner_a, publish_module(), days=1)
    late = due_enrolment(world.x_learner_a, publish_module(slug="late"), days=-1)

    plan_daily()

    assert _log() == {(world.x_learner_a.pk, Kind.OVERDUE, late.pk, "overdue")}


def test_weekly_digest_once_per_manager_per_week(world: World) -> None:
    plan_weekly_digest()
    plan_weekly_digest()

    digests = list(ReminderLog.objects.filter(kind=Kind.DIGEST).values_list("person_id", flat=True))
    assert sorted(digests) == sorted([world.x_manager_a.pk, world.y_manager.pk])


def _many_due_enrolments(world: World, count: int) -> None:
    """`count` enrolments due tomorrow, over learners x modules, in bulk."""
    learners = max(1, count // 100)
    users = User.objects.bulk_create(
        User(email=f"bulk{count}-{i}@example.org", full_name=f"Bulk {i}") for i in range(learners)
    )
    Membership.objects.bulk_create(
        Membership(user=u, organisation=world.org_x, team=world.x_team_a, role=Role.LEARNER)
        for u in users
    )
    modules_needed = (count + learners - 1) // learners
    modules = Module.objects.bulk_create(
        Module(slug=f"bulk-{count}-{i}") for i in range(modules_needed)
    )
    versions = ModuleVersion.objects.bulk_create(
        ModuleVersion(module=m, number=1, title=m.slug, summary="s", content_hash="x")
        for m in modules
    )
    due = timezone.localdate() + datetime.timedelta(days=1)
    Enrolment.objects.bulk_create(
        Enrolment(
            learner=u,
            module=m,
            version=v,
            organisation=world.org_x,
            team=world.x_team_a,
            source=EnrolmentSource.ASSIGNED,
            due_date=due,
        )
        for index, (m, v) in enumerate(zip(modules, versions, strict=True))
        for u in users[
            : count - index * learners if count - index * learners < learners else learners
        ]
    )


@pytest.mark.parametrize("count", [10, 10_000])
def test_planning_runs_the_same_number_of_queries_for_10_and_10000_due_enrolments(
    world: World, count: int
) -> None:
    _many_due_enrolments(world, count)
    assert Enrolment.objects.filter(due_date__isnull=False).count() == count

    with CaptureQueriesContext(connection) as captured:
        result = plan_daily()

    assert result.planned["due_soon:1d"] == count
    assert len(captured) == PLANNING_QUERIES


# One INSERT ... SELECT per kind and window: due soon (2), overdue, escalation,
# expiring (3), expired.
PLANNING_QUERIES = 8
