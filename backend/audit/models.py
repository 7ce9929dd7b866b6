"""The audit trail's event tables (issue 17; ADR 0027): one per audited model, written by
database triggers (pghistory's on PostgreSQL, `core.audit_sqlite` on SQLite) on every
insert, update and delete, with a snapshot of the row and the request's context.

Each event table is append-only: the database refuses UPDATE and DELETE on it, whoever
asks, except inside `core.audit.redacting()` (erasure). Secrets are never snapshotted
(password hashes, API key hashes, identity providers' client secrets), nor columns that
change on every visit and say nothing about who decided what (a last sign-in, a
last-activity time).
"""

from typing import Any

import pghistory
from django.db import models

from accounts.models import (
    IdentityProvider,
    IdentityProviderDomain,
    Membership,
    Organisation,
    OrganisationAPIKey,
    Team,
    User,
)
from certificates.models import Certificate
from competencies.models import Assessment, Requirement
from compliance.models import Exemption, TrainingRecord, TrainingRequirement
from provisioning.models import ProvisioningToken
from training.models import Enrolment, EnrolmentChange


def _reading_index(tracked: type[models.Model], name: str) -> models.Index:
    """The reader's order (newest first) within an organisation where the row says it, so a
    page of a long trail is an index range, not a sort (audit.selectors)."""
    scoped = any(field.name == "organisation" for field in tracked._meta.concrete_fields)
    fields = (
        ["organisation", "-pgh_created_at", "-pgh_id"] if scoped else ["-pgh_created_at", "-pgh_id"]
    )
    short = name.removesuffix("Event").lower()[:18]
    return models.Index(fields=fields, name=f"audit_{short}_read")


def _events(
    tracked: type[models.Model], name: str, exclude: tuple[str, ...] = (), **options: Any
) -> Any:
    return pghistory.create_event_model(
        tracked,
        pghistory.InsertEvent(),
        pghistory.UpdateEvent(),
        pghistory.DeleteEvent(),
        exclude=list(exclude),
        model_name=name,
        app_label="audit",
        abstract=False,
        context_field=pghistory.ContextJSONField(),
        append_only=True,
        meta={
            "ordering": ["-pgh_created_at", "-pgh_id"],
            "indexes": [_reading_index(tracked, name)],
        },
        **options,
    )


# An API key's or provisioning token's primary key is "<prefix>.<hash>"
# (djangorestframework-api-key): neither it nor the hash is kept; the prefix names the key,
# and there is no reference to the row (which would hold the hash).
KEY_SECRETS: dict[str, Any] = {"exclude": ("id", "hashed_key"), "obj_field": None}

OrganisationEvent = _events(Organisation, "OrganisationEvent")
UserEvent = _events(User, "UserEvent", exclude=("password", "last_login"))
MembershipEvent = _events(Membership, "MembershipEvent")
TeamEvent = _events(Team, "TeamEvent")
OrganisationAPIKeyEvent = _events(OrganisationAPIKey, "OrganisationAPIKeyEvent", **KEY_SECRETS)
IdentityProviderEvent = _events(IdentityProvider, "IdentityProviderEvent", ("client_secret",))
IdentityProviderDomainEvent = _events(IdentityProviderDomain, "IdentityProviderDomainEvent")
ProvisioningTokenEvent = _events(ProvisioningToken, "ProvisioningTokenEvent", **KEY_SECRETS)
EnrolmentEvent = _events(Enrolment, "EnrolmentEvent", exclude=("last_activity_at",))
EnrolmentChangeEvent = _events(EnrolmentChange, "EnrolmentChangeEvent")
RequirementEvent = _events(Requirement, "RequirementEvent")
AssessmentEvent = _events(Assessment, "AssessmentEvent")
TrainingRequirementEvent = _events(TrainingRequirement, "TrainingRequirementEvent")
ExemptionEvent = _events(Exemption, "ExemptionEvent")
TrainingRecordEvent = _events(TrainingRecord, "TrainingRecordEvent")
CertificateEvent = _events(Certificate, "CertificateEvent")
