"""factory-boy factories for the records tests build on."""

import factory
from django.utils import timezone
from factory.django import DjangoModelFactory

from accounts.models import Membership, Organisation, Role, Sector, Team, User
from competencies.models import Assessment, Method, Outcome
from core.jobs import job_key
from core.models import Job


class UserFactory(DjangoModelFactory[User]):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@example.org")
    full_name = factory.Faker("name", locale="en_GB")
    password = factory.PostGenerationMethodCall("set_password", "correct-horse-battery-staple")

    @factory.post_generation
    def _save_password(obj: User, create: bool, extracted: object, **kwargs: object) -> None:
        if create:
            obj.save(update_fields=["password"])


class OrganisationFactory(DjangoModelFactory[Organisation]):
    class Meta:
        model = Organisation

    name = factory.Sequence(lambda n: f"Organisation {n}")
    slug = factory.Sequence(lambda n: f"organisation-{n}")
    sector = Sector.HOUSING


class TeamFactory(DjangoModelFactory[Team]):
    class Meta:
        model = Team

    organisation = factory.SubFactory(OrganisationFactory)
    name = factory.Sequence(lambda n: f"Team {n}")


class MembershipFactory(DjangoModelFactory[Membership]):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    team = factory.SubFactory(TeamFactory)
    organisation = factory.SelfAttribute("team.organisation")
    role = Role.LEARNER


class AssessmentFactory(DjangoModelFactory[Assessment]):
    """An assessor's observation that the learner is competent at level 1, recorded now
    under the organisation given (tests pass learner, organisation, competency, assessor)."""

    class Meta:
        model = Assessment

    method = Method.OBSERVATION
    outcome = Outcome.COMPETENT
    level = 1
    assessed_at = factory.LazyFunction(timezone.now)


class JobFactory(DjangoModelFactory[Job]):
    """A background job as core.jobs records it: an invitation to send, never sent, unless
    the test says otherwise. Give `attempts` for one that failed (it gets an error and a
    failure time), `gave_up_at` for one that stopped, `done_at` for one done."""

    class Meta:
        model = Job

    task = "accounts.tasks.send_invitation"
    args = factory.Sequence(lambda n: [n + 1])
    key = factory.LazyAttribute(lambda job: job_key(job.task, job.args))
    description = factory.Sequence(lambda n: f"Invitation to Person {n} <person{n}@example.org>")
    attempts = 0
    last_error = factory.LazyAttribute(
        lambda job: "SMTPServerDisconnected: Connection unexpectedly closed" if job.attempts else ""
    )
    failed_at = factory.LazyAttribute(lambda job: timezone.now() if job.attempts else None)
