"""An org admin's sign-in settings page (issue 16, single sign-on, ADR 0024): the
organisation's provider and domains saved through accounts.services_sso, the client
secret never shown back, an email domain signing in through one provider only, the
second-factor rule beside it, and nobody else reaches it (404)."""

import pytest
from django.test import Client

from accounts.models import IdentityProvider, Organisation, Role, User
from tests.conftest import World
from tests.factories import IdentityProviderFactory, MembershipFactory

pytestmark = pytest.mark.django_db

PAGE = "/organisation/identity/"


def signed_in(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def settings_for(world: World, **changes: object) -> dict[str, object]:
    return {
        "issuer": "https://login.example.org/x/v2.0",
        "client_id": "hearth-x",
        "client_secret": "first-secret",
        "domains": "X.example, x-care.example ,x.example",
        "creates_people": "on",
        "default_team": str(world.x_team_a.pk),
        "password_sign_in": "on",
        **changes,
    }


def test_an_admin_saves_the_provider_and_the_secret_is_never_shown(world: World) -> None:
    admin = signed_in(world.x_admin)

    saved = admin.post(PAGE, settings_for(world, second_factor_required="on"))
    kept = admin.post(PAGE, settings_for(world, client_secret="", password_sign_in=""))
    page = admin.get(PAGE).content.decode()

    assert saved.status_code == 302 and kept.status_code == 302
    provider = IdentityProvider.objects.get(organisation=world.org_x)
    assert provider.issuer == "https://login.example.org/x/v2.0"
    assert provider.client_secret == "first-secret"  # an empty field keeps it
    assert sorted(provider.domains.values_list("domain", flat=True)) == [
        "x-care.example",
        "x.example",
    ]
    assert provider.creates_people and provider.default_team == world.x_team_a
    assert not provider.password_sign_in and not provider.provider_mfa_trusted
    assert not Organisation.objects.get(pk=world.org_x.pk).second_factor_required
    assert "first-secret" not in page
    assert 'value="x-care.example, x.example"' in page


def test_a_domain_another_organisations_provider_signs_in_is_refused(world: World) -> None:
    IdentityProviderFactory.create(organisation=world.org_y, domains=["x.example"])

    response = signed_in(world.x_admin).post(PAGE, settings_for(world))

    assert response.status_code == 400
    assert "Another organisation&#x27;s provider signs in x.example." in response.content.decode()
    assert not IdentityProvider.objects.filter(organisation=world.org_x).exists()


def test_the_page_says_what_is_missing(world: World) -> None:
    response = signed_in(world.x_admin).post(
        PAGE,
        settings_for(
            world, client_id="", domains="not a domain!", default_team="", issuer="http://x.example"
        ),
    )

    html = response.content.decode()
    assert response.status_code == 400
    assert "The issuer must be an https:// address." in html
    assert "These are not email domains: a, domain!, not." in html
    assert not IdentityProvider.objects.exists()


def test_an_empty_issuer_turns_single_sign_on_off(world: World) -> None:
    IdentityProviderFactory.create(organisation=world.org_x, domains=["x.example"])

    response = signed_in(world.x_admin).post(PAGE, {"issuer": "", "second_factor_required": "on"})

    assert response.status_code == 302
    assert not IdentityProvider.objects.exists()
    assert Organisation.objects.get(pk=world.org_x.pk).second_factor_required


def test_nobody_else_reaches_the_page(world: World) -> None:
    other_admin = signed_in(world.y_admin)
    both = MembershipFactory.create(organisation=world.org_x, team=None, role=Role.ORG_ADMIN).user
    MembershipFactory.create(user=both, organisation=world.org_y, team=None, role=Role.ORG_ADMIN)

    assert other_admin.get(f"{PAGE}?organisation={world.org_x.pk}").status_code == 404
    assert (
        other_admin.post(f"{PAGE}?organisation={world.org_x.pk}", settings_for(world)).status_code
        == 404
    )
    assert signed_in(world.x_manager_a).get(PAGE).status_code == 404
    assert signed_in(world.x_learner_a).post(PAGE, settings_for(world)).status_code == 404
    assert signed_in(both).get(f"{PAGE}?organisation={world.org_x.pk}").status_code == 200
    assert not IdentityProvider.objects.exists()
