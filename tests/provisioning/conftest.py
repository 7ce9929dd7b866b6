"""Fixtures for automatic provisioning: an organisation, its org admin and a token."""

import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from django.test import Client
from pytest_django.fixtures import Settings

from accounts.models import Organisation, Role, User
from accounts.selectors import actor_for_user
from provisioning.services import provisioning_token_create
from tests import factories
from tests.support.notifications import smtp_mailers
from tests.support.smtp import Mailbox, smtp_server


@dataclass
class Provisioned:
    organisation: Organisation
    admin: User
    secret: str

    @property
    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.secret}"}


def provisioned_organisation(name: str) -> Provisioned:
    organisation = factories.OrganisationFactory.create(name=name)
    admin = factories.UserFactory.create()
    factories.MembershipFactory.create(
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


USER = "urn:ietf:params:scim:schemas:core:2.0:User"
GROUP = "urn:ietf:params:scim:schemas:core:2.0:Group"
PATCH = "urn:ietf:params:scim:api:messages:2.0:PatchOp"


class Scim:
    """A SCIM client for one organisation's token, through Django's test client."""

    def __init__(self, provisioned: Provisioned) -> None:
        self.client = Client(headers=provisioned.headers)

    def send(self, method: str, path: str, body: object = None) -> Any:
        data = "" if body is None else json.dumps(body)
        return getattr(self.client, method.lower())(
            f"/scim/v2/{path}", data, content_type="application/scim+json"
        )

    def create_user(self, user_name: str, email: str, **extra: object) -> dict[str, Any]:
        response = self.send(
            "POST",
            "Users",
            {"schemas": [USER], "userName": user_name, "emails": [{"value": email}], **extra},
        )
        assert response.status_code == 201, response.content
        return dict(response.json())

    def create_group(self, name: str, members: list[str] = ()) -> dict[str, Any]:  # type: ignore[assignment]
        response = self.send(
            "POST",
            "Groups",
            {"schemas": [GROUP], "displayName": name, "members": [{"value": m} for m in members]},
        )
        assert response.status_code == 201, response.content
        return dict(response.json())

    def patch(self, path: str, *operations: dict[str, object]) -> Any:
        return self.send("PATCH", path, {"schemas": [PATCH], "Operations": list(operations)})


@pytest.fixture
def scim_a(org_a: Provisioned) -> Scim:
    return Scim(org_a)


@pytest.fixture
def scim_b(org_b: Provisioned) -> Scim:
    return Scim(org_b)


@pytest.fixture
def mailbox(settings: Settings) -> Iterator[Mailbox]:
    """Email goes by SMTP to a real server on loopback (as tests/notifications' fixture)."""
    with smtp_server() as (box, port):
        settings.MAILERS = smtp_mailers(port)
        settings.SITE_URL = "https://hearth.example.org"
        yield box
