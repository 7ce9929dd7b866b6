"""People, organisations, teams, memberships, partnerships and API keys."""

from typing import Any, ClassVar

from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.contrib.auth.models import PermissionsMixin
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.crypto import salted_hmac
from rest_framework_api_key.models import AbstractAPIKey

from core.names import normalise_name


class Sector(models.TextChoices):
    """The sectors an organisation can belong to (DOMAIN.md)."""

    HEALTH = "health", "Health"
    HOUSING = "housing", "Housing"
    SOCIAL_CARE = "social_care", "Social care"
    VOLUNTARY = "voluntary", "Voluntary and community"
    LOCAL_GOVERNMENT = "local_government", "Local government"


class Role(models.TextChoices):
    """What a membership lets a person do."""

    LEARNER = "learner", "Learner"
    MANAGER = "manager", "Manager"
    ASSESSOR = "assessor", "Assessor"
    ORG_ADMIN = "org_admin", "Organisation admin"


TEAM_ROLES = (Role.LEARNER, Role.MANAGER)


class MembershipStatus(models.TextChoices):
    """Whether the person has taken up a membership (ADR 0012, consent)."""

    ACTIVE = "active", "Active"
    PENDING = "pending", "Invitation sent"


class AcceptedMembershipManager(models.Manager["Membership"]):
    """Only memberships the person has taken up: a pending one grants nothing, so every
    scope rule that reads `Membership.objects` ignores it without having to say so."""

    def get_queryset(self) -> models.QuerySet["Membership"]:
        return super().get_queryset().filter(status=MembershipStatus.ACTIVE)


class UserManager(BaseUserManager["User"]):
    """Users sign in with their email address; there is no username."""

    use_in_migrations = True

    def create_user(self, email: str, password: str | None = None, **extra: Any) -> "User":
        if not email:
            raise ValueError("An email address is required.")
        for field in ("full_name", "job_title"):
            if isinstance(extra.get(field), str):
                extra[field] = normalise_name(extra[field])
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, email: str, password: str | None = None, **extra: Any) -> "User":
        extra.update(is_staff=True, is_superuser=True)
        return self.create_user(email, password, **extra)


class User(AbstractBaseUser, PermissionsMixin):
    """A person who signs in to Hearth. Platform staff (is_staff) author content in the admin."""

    email = models.EmailField("email address", unique=True)
    full_name = models.CharField(max_length=150)
    job_title = models.CharField(max_length=150, blank=True)
    is_active = models.BooleanField(default=True)
    is_staff = models.BooleanField(default=False)
    date_joined = models.DateTimeField(default=timezone.now)
    invitation_sent_at = models.DateTimeField(null=True, blank=True, editable=False)
    sessions_ended_at = models.DateTimeField(
        null=True,
        blank=True,
        editable=False,
        help_text="When the person last left an organisation: every session signed in "
        "before it ends on its next request.",
    )

    objects: ClassVar[UserManager] = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: ClassVar[list[str]] = ["full_name"]

    class Meta:
        ordering = ["full_name", "id"]

    def __str__(self) -> str:
        return f"{self.full_name} <{self.email}>"

    def get_full_name(self) -> str:
        return self.full_name

    def get_short_name(self) -> str:
        return self.full_name.split(" ")[0] if self.full_name else self.email

    def get_session_auth_hash(self) -> str:
        """Django's check of every signed-in request: the password's HMAC, as Django makes
        it, and once the person has left an organisation, that moment too, so leaving
        ends every session they had (as a password change does)."""
        password_hash = super().get_session_auth_hash()
        if self.sessions_ended_at is None:
            return password_hash
        return salted_hmac(
            "hearth.accounts.User.get_session_auth_hash",
            f"{password_hash}:{self.sessions_ended_at.isoformat()}",
            algorithm="sha256",
        ).hexdigest()


class QuizAnswersShown(models.TextChoices):
    """When a learner sees a quiz's right answers and explanations (docs/adr/0017)."""

    AFTER_PASS_OR_LAST_ATTEMPT = "after_pass_or_last_attempt", "Once passed or out of attempts"
    NEVER = "never", "Never"


class Organisation(models.Model):
    """An employer of frontline staff; it belongs to one sector."""

    name = models.CharField(max_length=200, unique=True)
    slug = models.SlugField(max_length=80, unique=True)
    sector = models.CharField(max_length=32, choices=Sector.choices)
    quiz_answers_shown = models.CharField(
        max_length=32,
        choices=QuizAnswersShown.choices,
        default=QuizAnswersShown.AFTER_PASS_OR_LAST_ATTEMPT,
        help_text="When its learners see quiz answers and explanations.",
    )
    second_factor_required = models.BooleanField(
        "second factor required for admins, managers and assessors",
        default=False,
        help_text="Its org admins, managers and assessors must enter a code from an "
        "authenticator app after their password (docs/adr/0023).",
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


def record_organisation(
    *, related_name: str = "+", help_text: str = ""
) -> "models.ForeignKey[Organisation | None, Organisation | None]":
    """The organisation a personal record was made under: its scope follows the record, not
    the person (ADR 0012). Protected: an organisation with records is never deleted."""
    return models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name=related_name,
        help_text=help_text,
    )


def acting_person(
    *, related_name: str = "+", help_text: str = ""
) -> "models.ForeignKey[User | None, User | None]":
    """Who did something to a record; emptied, not cascaded, if their account is deleted."""
    return models.ForeignKey(
        User,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name=related_name,
        help_text=help_text,
    )


class Team(models.Model):
    """A team within one organisation; managers manage named teams."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="teams")
    name = models.CharField(max_length=200)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["organisation__name", "name"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "name"], name="team_name_unique_in_org")
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.organisation})"


class Membership(models.Model):
    """A person's role in an organisation.

    Learners and managers belong to a team (a manager has one membership per
    team they manage). Assessors work in a team or, with no team, across the
    whole organisation. Org admins hold the organisation as a whole.
    """

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships")
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="memberships"
    )
    team = models.ForeignKey(
        Team, on_delete=models.CASCADE, related_name="memberships", null=True, blank=True
    )
    role = models.CharField(max_length=16, choices=Role.choices)
    created_at = models.DateTimeField(default=timezone.now)
    notice_sent_at = models.DateTimeField(
        null=True,
        blank=True,
        editable=False,
        help_text="When a person who already had an account was told this organisation "
        "added them (at most once).",
    )
    status = models.CharField(
        max_length=16, choices=MembershipStatus.choices, default=MembershipStatus.ACTIVE
    )
    accepts_with_password = models.BooleanField(
        default=False,
        editable=False,
        help_text="The invitation that made the account: taken up when the person sets "
        "their password.",
    )
    invited_full_name = models.CharField(
        max_length=150, blank=True, editable=False, help_text="The name the inviter entered."
    )
    invited_job_title = models.CharField(
        max_length=150, blank=True, editable=False, help_text="The job title the inviter entered."
    )
    accepted_at = models.DateTimeField(null=True, blank=True, editable=False)
    employee_number = models.CharField(
        max_length=40,
        blank=True,
        help_text="The organisation's own number for the person (bulk onboarding, ADR 0022): "
        "on the one membership an import manages, unique in the organisation when set.",
    )
    starts_on = models.DateField(null=True, blank=True, help_text="Start date, as imported.")
    leaves_on = models.DateField(
        null=True, blank=True, help_text="Leaving date, as imported; due, it ends the memberships."
    )

    # The first manager is the default one: pending memberships are out of every query
    # unless asked for by name (the inviting organisation's lists, the person's choice).
    objects: ClassVar[AcceptedMembershipManager] = AcceptedMembershipManager()
    including_pending: ClassVar[models.Manager["Membership"]] = models.Manager()

    class Meta:
        ordering = ["organisation__name", "team__name", "role", "user__full_name"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "team", "role"],
                condition=Q(team__isnull=False),
                name="membership_unique_in_team",
            ),
            models.UniqueConstraint(
                fields=["user", "organisation", "role"],
                condition=Q(team__isnull=True),
                name="membership_unique_in_org",
            ),
            models.UniqueConstraint(
                fields=["organisation", "employee_number"],
                condition=~Q(employee_number=""),
                name="membership_employee_number_unique_in_org",
            ),
            models.CheckConstraint(
                condition=~Q(role__in=TEAM_ROLES) | Q(team__isnull=False),
                name="membership_team_role_has_team",
            ),
            models.CheckConstraint(
                condition=~Q(role="org_admin") | Q(team__isnull=True),
                name="membership_org_admin_has_no_team",
            ),
        ]
        indexes = [models.Index(fields=["team", "role"]), models.Index(fields=["user", "role"])]

    def __str__(self) -> str:
        where = self.team.name if self.team else self.organisation.name
        return f"{self.user.full_name}: {self.get_role_display()} of {where}"

    @property
    def is_pending(self) -> bool:
        """Waiting for the person to accept (or, for a new account, to set a password)."""
        return self.status == MembershipStatus.PENDING


class Partnership(models.Model):
    """Organisations across sectors reporting together; viewers see aggregates only."""

    name = models.CharField(max_length=200, unique=True)
    slug = models.SlugField(max_length=80, unique=True)
    organisations = models.ManyToManyField(Organisation, related_name="partnerships")
    viewers = models.ManyToManyField(User, related_name="partnerships_viewed", blank=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class KeyScope(models.TextChoices):
    READ = "read", "Read only"
    READ_WRITE = "read_write", "Read and write"


class OrganisationAPIKey(AbstractAPIKey):
    """An organisation's key for its own reporting; stored hashed, shown once."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="api_keys"
    )
    scope = models.CharField(max_length=16, choices=KeyScope.choices, default=KeyScope.READ)
    created_by = acting_person()
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta(AbstractAPIKey.Meta):
        verbose_name = "organisation API key"
        verbose_name_plural = "organisation API keys"


class IdentityProvider(models.Model):
    """An organisation's own OpenID Connect provider for single sign-on (ADR 0024): its
    people whose email domain it lists sign in there instead of with a password."""

    organisation = models.OneToOneField(
        Organisation, on_delete=models.CASCADE, related_name="identity_provider"
    )
    issuer = models.URLField(
        max_length=300,
        help_text="The provider's issuer URL, exactly as its ID tokens say it (its discovery "
        "document is at <issuer>/.well-known/openid-configuration).",
    )
    client_id = models.CharField(max_length=300)
    client_secret = models.CharField(max_length=500, blank=True)
    creates_people = models.BooleanField(
        "first sign-in may create a person",
        default=False,
        help_text="Someone the provider vouches for, with no account here yet, joins as a "
        "learner in the default team.",
    )
    default_team = models.ForeignKey(
        Team, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    password_sign_in = models.BooleanField(
        "password sign-in allowed",
        default=True,
        help_text="Off: people whose only organisations sign in here must use single sign-on.",
    )
    provider_mfa_trusted = models.BooleanField(
        "trust the provider's second factor",
        default=True,
        help_text="A sign-in whose ID token says the provider asked for a second factor "
        "(amr) is not asked for another (ADR 0023).",
    )
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"{self.organisation}: {self.issuer}"


class IdentityProviderDomain(models.Model):
    """An email domain whose people sign in through one provider: one provider a domain."""

    provider = models.ForeignKey(IdentityProvider, on_delete=models.CASCADE, related_name="domains")
    domain = models.CharField(max_length=253, unique=True)

    class Meta:
        ordering = ["domain"]

    def __str__(self) -> str:
        return self.domain


# Declared in their own module, registered with the app here.
from accounts.models_access import AccessEvent, AccessKind  # noqa: E402, F401
