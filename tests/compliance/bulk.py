"""An organisation of any size, built with bulk_create for the fixed-query-count tests:
a team with its manager, an org admin, a module requirement of everyone, a recorded-only
requirement of learners, a competency the team requires, and for the people completions,
training records, exemptions and assessments in every state."""

import datetime
from dataclasses import dataclass

from django.utils import timezone

from accounts.models import Membership, Organisation, Role, Team, User
from competencies.models import Assessment, Method, Outcome
from compliance.models import Exemption, TrainingRecord
from tests import factories
from training.models import Enrolment, EnrolmentSource, EnrolmentStatus


@dataclass
class Sized:
    organisation: Organisation
    team: Team
    admin: User
    manager: User
    people: list[User]


def build(people: int, *, tag: str = "bulk") -> Sized:
    organisation = factories.OrganisationFactory.create()
    team = factories.TeamFactory.create(organisation=organisation)
    other_team = factories.TeamFactory.create(organisation=organisation)
    admin = factories.UserFactory.create()
    factories.MembershipFactory.create(
        user=admin, organisation=organisation, team=None, role=Role.ORG_ADMIN
    )
    manager = factories.UserFactory.create()
    factories.MembershipFactory.create(user=manager, team=team, role=Role.MANAGER)
    module = factories.ModuleFactory.create()
    everyone = factories.TrainingRequirementFactory.create(organisation=organisation, module=module)
    recorded = factories.TrainingRequirementFactory.create(
        organisation=organisation, module=None, title="Fire safety", role=Role.LEARNER
    )
    competency = factories.CompetencyFactory.create()
    factories.RequirementFactory.create(team=team, competency=competency)
    made = User.objects.bulk_create(
        User(email=f"{tag}-{organisation.pk}-{n}@example.org", full_name=f"Person {n:04d}")
        for n in range(people)
    )
    Membership.objects.bulk_create(
        Membership(
            user=person,
            organisation=organisation,
            team=team if n % 5 else other_team,
            role=Role.LEARNER,
        )
        for n, person in enumerate(made)
    )
    now, today = timezone.now(), timezone.localdate()
    Enrolment.objects.bulk_create(
        Enrolment(
            learner=person,
            module=module,
            version=module.current_version,
            organisation=organisation,
            team=team,
            source=EnrolmentSource.ASSIGNED,
            status=EnrolmentStatus.COMPLETED,
            completed_at=now - datetime.timedelta(days=(n * 7) % 500),
        )
        for n, person in enumerate(made)
        if n % 3
    )
    TrainingRecord.objects.bulk_create(
        TrainingRecord(
            organisation=organisation,
            person=person,
            requirement=recorded,
            kind="face_to_face",
            title="Fire safety session",
            completed_on=today - datetime.timedelta(days=(n * 11) % 500),
        )
        for n, person in enumerate(made)
        if n % 2
    )
    Exemption.objects.bulk_create(
        Exemption(
            requirement=everyone,
            person=person,
            reason="On leave.",
            ends_on=today + datetime.timedelta(days=30),
        )
        for n, person in enumerate(made)
        if n % 10 == 3
    )
    Assessment.objects.bulk_create(
        Assessment(
            learner=person,
            competency=competency,
            organisation=organisation,
            assessor=manager,
            method=Method.OBSERVATION,
            outcome=Outcome.COMPETENT,
            level=competency.level,
            assessed_at=now,
        )
        for n, person in enumerate(made)
        if n % 4 == 1
    )
    return Sized(organisation, team, admin, manager, made)
