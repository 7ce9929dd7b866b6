"""factory-boy factories for the records tests build on."""

from collections.abc import Iterable

import factory
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice
from factory.django import DjangoModelFactory

from accounts.models import (
    IdentityProvider,
    IdentityProviderDomain,
    Membership,
    Organisation,
    Partnership,
    Role,
    Sector,
    Team,
    User,
)
from competencies.models import (
    Assessment,
    Competency,
    Domain,
    Framework,
    Method,
    ModuleCompetency,
    Outcome,
    Requirement,
)
from compliance.models import (
    ComplianceSettings,
    DefinitionSet,
    Exemption,
    RecordKind,
    RequirementDefinition,
    TrainingRecord,
    TrainingRequirement,
)
from core.jobs import job_key
from core.models import Job
from notifications.models import EmailOptOut, MandatoryKind
from training.models import Enrolment, EnrolmentSource, Module, ModuleVersion


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


class TOTPDeviceFactory(DjangoModelFactory[TOTPDevice]):
    """A person's confirmed authenticator app (docs/adr/0023)."""

    class Meta:
        model = TOTPDevice

    user = factory.SubFactory(UserFactory)
    name = "Authenticator app"
    confirmed = True


class MembershipFactory(DjangoModelFactory[Membership]):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    team = factory.SubFactory(TeamFactory)
    organisation = factory.SelfAttribute("team.organisation")
    role = Role.LEARNER


class IdentityProviderFactory(DjangoModelFactory[IdentityProvider]):
    """An organisation's provider; give `domains=["example.org"]` to list its domains."""

    class Meta:
        model = IdentityProvider
        skip_postgeneration_save = True

    organisation = factory.SubFactory(OrganisationFactory)
    issuer = "https://id.example.org"
    client_id = factory.Sequence(lambda n: f"hearth-client-{n}")
    client_secret = "a-client-secret"

    @factory.post_generation
    def domains(
        obj: IdentityProvider, create: bool, extracted: list[str] | None, **kwargs: object
    ) -> None:
        for domain in extracted or []:
            IdentityProviderDomain.objects.create(provider=obj, domain=domain)


class PartnershipFactory(DjangoModelFactory[Partnership]):
    """A partnership; give `organisations=[...]` and `viewers=[...]` to fill it."""

    class Meta:
        model = Partnership
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"Partnership {n}")
    slug = factory.Sequence(lambda n: f"partnership-{n}")

    @factory.post_generation
    def organisations(
        obj: Partnership, create: bool, extracted: Iterable[Organisation] | None, **kwargs: object
    ) -> None:
        if create and extracted:
            obj.organisations.add(*extracted)

    @factory.post_generation
    def viewers(
        obj: Partnership, create: bool, extracted: Iterable[User] | None, **kwargs: object
    ) -> None:
        if create and extracted:
            obj.viewers.add(*extracted)


class FrameworkFactory(DjangoModelFactory[Framework]):
    class Meta:
        model = Framework

    slug = factory.Sequence(lambda n: f"framework-{n}")
    title = factory.Sequence(lambda n: f"Framework {n}")


class CompetencyFactory(DjangoModelFactory[Competency]):
    """A level 1 competency that stays valid for 24 months."""

    class Meta:
        model = Competency

    framework = factory.SubFactory(FrameworkFactory)
    code = factory.Sequence(lambda n: f"C-{n:02d}")
    title = factory.Sequence(lambda n: f"Competency {n}")
    description = "Can do the thing."
    domain = Domain.UNDERSTAND
    level = 1


class RequirementFactory(DjangoModelFactory[Requirement]):
    """A team requires a competency at its own level (of every role unless `role` says)."""

    class Meta:
        model = Requirement

    team = factory.SubFactory(TeamFactory)
    role = ""
    competency = factory.SubFactory(CompetencyFactory)
    level = factory.SelfAttribute("competency.level")


class AssessmentFactory(DjangoModelFactory[Assessment]):
    """An assessor's observation that the learner is competent at level 1, recorded now.
    Tests that care whose record it is pass learner, organisation, competency, assessor."""

    class Meta:
        model = Assessment

    learner = factory.SubFactory(UserFactory)
    competency = factory.SubFactory(CompetencyFactory)
    organisation = factory.SubFactory(OrganisationFactory)
    assessor = factory.SubFactory(UserFactory)
    method = Method.OBSERVATION
    outcome = Outcome.COMPETENT
    level = 1
    assessed_at = factory.LazyFunction(timezone.now)


class ModuleVersionFactory(DjangoModelFactory[ModuleVersion]):
    """A version of a module (give `module`), without lessons or a quiz. Modules with
    content are published through the real importer (tests/support/training.py)."""

    class Meta:
        model = ModuleVersion

    number = factory.LazyAttribute(lambda version: version.module.versions.count() + 1)
    title = factory.Sequence(lambda n: f"Module {n}")
    summary = "-"
    content_hash = "x"


class ModuleFactory(DjangoModelFactory[Module]):
    """A shared module (no organisation) with a first version, its current one; give
    `current_version__title=...` to name that version."""

    class Meta:
        model = Module
        skip_postgeneration_save = True

    slug = factory.Sequence(lambda n: f"module-{n}")
    organisation = None

    @factory.post_generation
    def current_version(obj: Module, create: bool, extracted: object, **kwargs: object) -> None:
        if create:
            obj.current_version = ModuleVersionFactory.create(module=obj, **kwargs)
            obj.save(update_fields=["current_version"])


class ModuleCompetencyFactory(DjangoModelFactory[ModuleCompetency]):
    """Completing the module awards the competency."""

    class Meta:
        model = ModuleCompetency

    module = factory.SubFactory(ModuleFactory)
    competency = factory.SubFactory(CompetencyFactory)


class EnrolmentFactory(DjangoModelFactory[Enrolment]):
    """A learner assigned the module's current version in a team of the organisation,
    not started and with no due date."""

    class Meta:
        model = Enrolment

    learner = factory.SubFactory(UserFactory)
    module = factory.SubFactory(ModuleFactory)
    version = factory.SelfAttribute("module.current_version")
    organisation = factory.SubFactory(OrganisationFactory)
    team = factory.SubFactory(TeamFactory, organisation=factory.SelfAttribute("..organisation"))
    source = EnrolmentSource.ASSIGNED


class EmailOptOutFactory(DjangoModelFactory[EmailOptOut]):
    class Meta:
        model = EmailOptOut

    person = factory.SubFactory(UserFactory)


class MandatoryKindFactory(DjangoModelFactory[MandatoryKind]):
    class Meta:
        model = MandatoryKind

    organisation = factory.SubFactory(OrganisationFactory)


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


class TrainingRequirementFactory(DjangoModelFactory[TrainingRequirement]):
    """A module the whole organisation must complete every year, renewal opening 60 days
    before expiry."""

    class Meta:
        model = TrainingRequirement

    organisation = factory.SubFactory(OrganisationFactory)
    module = factory.SubFactory(ModuleFactory)
    renewal_months = 12
    window_days = 60


class ExemptionFactory(DjangoModelFactory[Exemption]):
    class Meta:
        model = Exemption

    requirement = factory.SubFactory(TrainingRequirementFactory)
    person = factory.SubFactory(UserFactory)
    reason = "On long-term leave."


class ComplianceSettingsFactory(DjangoModelFactory[ComplianceSettings]):
    class Meta:
        model = ComplianceSettings

    organisation = factory.SubFactory(OrganisationFactory)


class RequirementDefinitionFactory(DjangoModelFactory[RequirementDefinition]):
    class Meta:
        model = RequirementDefinition

    code = factory.Sequence(lambda n: f"cstf-subject-{n}")
    set = DefinitionSet.CSTF
    title = factory.Sequence(lambda n: f"Subject {n}")
    renewal_months = 36


class TrainingRecordFactory(DjangoModelFactory[TrainingRecord]):
    """A face-to-face session done on the organisation's behalf, counted for its
    requirement."""

    class Meta:
        model = TrainingRecord

    requirement = factory.SubFactory(TrainingRequirementFactory)
    organisation = factory.LazyAttribute(lambda record: record.requirement.organisation)
    person = factory.SubFactory(UserFactory)
    kind = RecordKind.FACE_TO_FACE
    title = "Fire safety awareness session"
    provider = "County Fire and Rescue Service"
    completed_on = factory.LazyFunction(timezone.localdate)
