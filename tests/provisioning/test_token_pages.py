"""The Provisioning page (issue 16): an org admin makes a token shown once (never
stored, never cached) that works against /scim/v2/, revokes it so its next request is
refused, and nobody else reaches the page (404); the admin makes one too."""

import pytest
from django.test import Client

from accounts.models import User
from provisioning.models import ProvisioningToken
from tests.conftest import World

pytestmark = pytest.mark.django_db

PAGE = "/organisation/provisioning/"


def signed_in(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _token_in(html: str) -> str:
    start = html.index('id="new-token"')
    value = html.index('value="', start) + len('value="')
    return html[value : html.index('"', value)]


def _scim_status(secret: str) -> int:
    return int(
        Client(headers={"Authorization": f"Bearer {secret}"}).get("/scim/v2/Users").status_code
    )


def test_a_token_made_on_the_page_works_is_shown_once_and_revoking_refuses_it(
    world: World,
) -> None:
    admin = signed_in(world.x_admin)

    made = admin.post(PAGE, {"name": "Entra ID"})

    assert made.status_code == 200
    assert "no-store" in made["Cache-Control"]
    html = made.content.decode()
    assert 'value="http://testserver/scim/v2/"' in html
    secret = _token_in(html)
    token = ProvisioningToken.objects.get(name="Entra ID")
    assert (token.organisation_id, token.created_by_id) == (world.org_x.pk, world.x_admin.pk)
    assert secret.startswith(token.prefix) and secret not in token.hashed_key
    assert _scim_status(secret) == 200
    again = admin.get(PAGE).content.decode()
    assert secret not in again and 'id="new-token"' not in again
    assert f"<code>{token.prefix}</code>" in again

    revoked = admin.post(f"{PAGE}{token.prefix}/revoke/")

    assert revoked.status_code == 302
    assert _scim_status(secret) == 401
    token.refresh_from_db()
    assert token.revoked and token.revoked_at is not None


def test_a_missing_name_is_answered_on_the_page_and_makes_nothing(world: World) -> None:
    response = signed_in(world.x_admin).post(PAGE, {"name": ""})

    assert response.status_code == 400
    assert "Name the token." in response.content.decode()
    assert not ProvisioningToken.objects.exists()


@pytest.mark.parametrize("who", ["x_manager_a", "x_learner_a", "y_admin"])
def test_nobody_else_reaches_the_page_or_another_organisations_token(
    world: World, who: str
) -> None:
    signed_in(world.x_admin).post(PAGE, {"name": "Entra ID"})
    token = ProvisioningToken.objects.get()
    client = signed_in(getattr(world, who))

    revoke = client.post(f"{PAGE}{token.prefix}/revoke/")

    if who == "y_admin":
        assert client.get(PAGE).status_code == 200
        assert token.prefix not in client.get(PAGE).content.decode()
    else:
        assert client.get(PAGE).status_code == 404
    assert revoke.status_code == 404
    token.refresh_from_db()
    assert token.revoked is False


def test_platform_staff_make_a_token_in_the_admin_shown_once(world: World) -> None:
    staff = User.objects.create_superuser("staff@hearth.example", "pw-staff-12345", full_name="S")
    client = signed_in(staff)

    response = client.post(
        "/admin/provisioning/provisioningtoken/add/",
        {"name": "HR system", "organisation": world.org_x.pk},
        follow=True,
    )

    token = ProvisioningToken.objects.get(name="HR system")
    shown = response.content.decode()
    start = shown.index("provisioning token for")
    secret = shown[start:].split(" is ", 1)[1].split(" ", 1)[0]
    assert secret.startswith(token.prefix)
    assert _scim_status(secret) == 200
