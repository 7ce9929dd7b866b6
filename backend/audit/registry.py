"""What the audit trail's reader knows of each event table (issue 17; ADR 0027): the kind's
name in the API and on the page, how an event finds its organisation, which column names
the person the record is about, and which column labels the object.

Scope follows the record (ADR 0012): most tables snapshot the row's `organisation`; a
competency requirement reaches it through its team, an exemption through its training
requirement, an identity provider's domain through its provider; an organisation's own
events are its own; a person's own row (UserEvent) belongs to every organisation where
the person holds or held an accepted membership, never one that has only invited them
(an invitation must not reveal whether, or under which name, an account exists).
"""

from collections.abc import Callable, Collection
from dataclasses import dataclass

from django.db import models
from django.db.models import Q

from accounts.models import MembershipStatus
from audit import models as events

Scope = Callable[[Collection[int]], Q]


def _column(path: str) -> Scope:
    return lambda organisation_ids: Q(**{f"{path}__in": list(organisation_ids)})


def _own_row(organisation_ids: Collection[int]) -> Q:
    return Q(pgh_obj_id__in=list(organisation_ids))


def _members(organisation_ids: Collection[int]) -> Q:
    """People who hold, or held, an accepted membership of the organisations: read from
    the memberships' own events, so a leaver's history stays with the organisation they
    left (leaving deletes their memberships)."""
    accepted = events.MembershipEvent.objects.filter(
        organisation_id__in=list(organisation_ids), status=MembershipStatus.ACTIVE
    )
    return Q(pgh_obj_id__in=accepted.values("user_id"))


@dataclass(frozen=True)
class Kind:
    """One audited table as the reader shows it."""

    slug: str  # in the API (`kind`) and in an event's URL
    name: str  # for people: "Membership", "API key"
    model: type[models.Model]
    scope: Scope
    # The column (or path) naming the person the record is about, if any.
    subject: str | None = None
    # The snapshot column that names the object for a person reading the trail.
    label: str | None = None
    # The column that identifies the row to a reader. An API key's or provisioning
    # token's primary key holds its hash (djangorestframework-api-key): its prefix instead.
    object_column: str = "pgh_obj_id"

    @property
    def object_is_number(self) -> bool:
        return self.object_column == "pgh_obj_id"


KINDS: tuple[Kind, ...] = (
    Kind("organisation", "Organisation", events.OrganisationEvent, _own_row, label="name"),
    Kind("person", "Person", events.UserEvent, _members, subject="pgh_obj_id", label="email"),
    Kind(
        "membership",
        "Membership",
        events.MembershipEvent,
        _column("organisation_id"),
        subject="user_id",
        label="role",
    ),
    Kind("team", "Team", events.TeamEvent, _column("organisation_id"), label="name"),
    Kind(
        "api_key",
        "API key",
        events.OrganisationAPIKeyEvent,
        _column("organisation_id"),
        label="name",
        object_column="prefix",
    ),
    Kind(
        "identity_provider",
        "Identity provider",
        events.IdentityProviderEvent,
        _column("organisation_id"),
        label="issuer",
    ),
    Kind(
        "identity_provider_domain",
        "Identity provider domain",
        events.IdentityProviderDomainEvent,
        _column("provider__organisation_id"),
        label="domain",
    ),
    Kind(
        "provisioning_token",
        "Provisioning token",
        events.ProvisioningTokenEvent,
        _column("organisation_id"),
        label="name",
        object_column="prefix",
    ),
    Kind(
        "enrolment",
        "Enrolment",
        events.EnrolmentEvent,
        _column("organisation_id"),
        subject="learner_id",
        label="status",
    ),
    Kind(
        "enrolment_change",
        "Enrolment change",
        events.EnrolmentChangeEvent,
        _column("organisation_id"),
        subject="enrolment__learner_id",
        label="kind",
    ),
    Kind(
        "competency_requirement",
        "Competency requirement",
        events.RequirementEvent,
        _column("team__organisation_id"),
        label="role",
    ),
    Kind(
        "assessment",
        "Assessment",
        events.AssessmentEvent,
        _column("organisation_id"),
        subject="learner_id",
        label="outcome",
    ),
    Kind(
        "training_requirement",
        "Training requirement",
        events.TrainingRequirementEvent,
        _column("organisation_id"),
        label="title",
    ),
    Kind(
        "exemption",
        "Exemption",
        events.ExemptionEvent,
        _column("requirement__organisation_id"),
        subject="person_id",
        label="ends_on",
    ),
    Kind(
        "training_record",
        "Training record",
        events.TrainingRecordEvent,
        _column("organisation_id"),
        subject="person_id",
        label="title",
    ),
    Kind(
        "certificate",
        "Certificate",
        events.CertificateEvent,
        _column("organisation_id"),
        subject="learner_id",
        label="number",
    ),
)

# Reads of personal data (accounts.AccessEvent) are shown in the same trail.
ACCESS = "access"
ACCESS_NAME = "Personal data read"

BY_SLUG: dict[str, Kind] = {kind.slug: kind for kind in KINDS}
# Every kind a filter may name, in the order a form offers them.
CHOICES: list[tuple[str, str]] = [
    *sorted(((kind.slug, kind.name) for kind in KINDS), key=lambda choice: choice[1]),
    (ACCESS, ACCESS_NAME),
]
# Ties in time are broken by kind, then id: a fixed rank per kind (the access log last).
RANK: dict[str, int] = {slug: rank for rank, (slug, _name) in enumerate(sorted(CHOICES))}
