"""Fixtures for automatic provisioning: an organisation, its org admin and a token."""

from dataclasses import dataclass

import pytest

from accounts.models import Organisation, Role, User
from accounts.selectors import actor_for_user
from provisioning.services import provisioning_token_create
from tests import factories


@dataclass
class Provisioned:
    organisation: Organisation
    admin: User
    secret: str

    @property
    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.secret}"}


def provisioned_organisation(name: str) -> Provisioned:
    organisation = factories.OrganisationFactory(name=name)
    admin = factories.UserFactory()
    factories.MembershipFactory(
        user=admin, organisation=organisation, team=None, role=Role.ORG_ADMIN
    )
    _, secret = provisioning_token_create(
        actor=actor_for_user(admin), organisation_id=organisation.pk, name="Entra ID"
    )
    return Provisioned(organisation=organisation, admin=admin, secret=secret)


@pytest.fixture
def org_a(db: None) -> Provisioned:
    return provisioned_organisation("Riverside Care")


@pytest.fixture
def org_b(db: None) -> Provisioned:
    return provisioned_organisation("Hillside Housing")
