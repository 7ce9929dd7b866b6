"""Single sign-on with OpenID Connect (issue 16, ADR 0024), through Django's test client
and real HTTP to real providers in their own processes (tests/support/oidc_provider.py):
the code flow with PKCE, state and nonce signs a member in; a tampered nonce, a wrong
issuer, another organisation's provider and an unlisted email domain are each refused,
with a message on the sign-in page and nobody signed in."""

import html
import logging
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from django.test import Client

from accounts import sso
from accounts.models import IdentityProvider, Membership, Organisation, Role, Team, User
from accounts.second_factor import STATE_KEY, VERIFIED
from tests.factories import (
    IdentityProviderFactory,
    MembershipFactory,
    OrganisationFactory,
    TeamFactory,
)
from tests.support.oidc_provider import Provider, oidc_provider
from tests.support.smtp import free_port

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def provider_a() -> Iterator[Provider]:
    with oidc_provider() as provider:
        yield provider


@pytest.fixture(scope="module")
def provider_b() -> Iterator[Provider]:
    with oidc_provider() as provider:
        yield provider


@dataclass
class SignOnWorld:
    riverside: Organisation
    ward: Team
    riverside_provider: IdentityProvider
    hillside: Organisation
    hillside_provider: IdentityProvider
    ada: User


@pytest.fixture
def world(provider_a: Provider, provider_b: Provider) -> SignOnWorld:
    riverside = OrganisationFactory.create(name="Riverside Trust")
    ward = TeamFactory.create(organisation=riverside, name="Ward 7")
    riverside_provider = IdentityProviderFactory.create(
        organisation=riverside,
        issuer=provider_a.issuer,
        client_id="hearth-riverside",
        default_team=ward,
        domains=["riverside.test"],
    )
    hillside = OrganisationFactory.create(name="Hillside Housing")
    hillside_provider = IdentityProviderFactory.create(
        organisation=hillside,
        issuer=provider_b.issuer,
        client_id="hearth-hillside",
        domains=["hillside.test"],
    )
    ada = MembershipFactory.create(
        team=ward, user__email="ada@riverside.test", user__full_name="Ada Lovelace"
    ).user
    provider_a.add_person("ada", email="ada@riverside.test", email_verified=True, name="Ada")
    return SignOnWorld(riverside, ward, riverside_provider, hillside, hillside_provider, ada)


def start(client: Client, email: str) -> str:
    """Choose the organisation's account on the sign-in page: the provider's URL, from
    the page that leaves for it."""
    response = client.post(
        "/sign-in/", {"username": email, "password": "", "organisation_account": "1"}
    )
    assert response.status_code == 302, response.content.decode()
    assert response["Location"] == "/sign-in/organisation/"
    page = client.get("/sign-in/organisation/").content.decode()
    link = re.search(r'<a id="organisation-sign-in" href="([^"]+)"', page)
    assert link is not None, page
    return html.unescape(link.group(1))


def back(client: Client, callback_url: str) -> Any:
    parts = urlsplit(callback_url)
    assert parts.path == "/sign-in/organisation/callback/"
    return client.get(f"{parts.path}?{parts.query}", follow=True)


def signed_in_id(client: Client) -> str | None:
    value = client.session.get("_auth_user_id")
    return str(value) if value is not None else None


def refusal_reasons(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [
        str(record.args[0])
        for record in caplog.records
        if record.name == "accounts.views_sso" and isinstance(record.args, tuple)
    ]


def test_a_member_signs_in_through_the_code_flow_with_pkce_state_and_nonce(
    world: SignOnWorld, provider_a: Provider
) -> None:
    client = Client()

    url = start(client, "Ada@Riverside.test")
    query = parse_qs(urlsplit(url).query)
    flow = client.session[sso.SESSION_KEY]
    page = back(client, provider_a.authorize(url, "ada"))

    assert url.startswith(f"{provider_a.issuer}/oauth2/authorize?")
    assert query["client_id"] == ["hearth-riverside"]
    assert query["response_type"] == ["code"]
    assert query["code_challenge_method"] == ["S256"]
    assert len(query["code_challenge"][0]) == 43
    assert query["state"] == [flow["state"]] and query["nonce"] == [flow["nonce"]]
    assert query["redirect_uri"] == ["http://testserver/sign-in/organisation/callback/"]
    assert signed_in_id(client) == str(world.ada.pk)
    assert page.redirect_chain[-1] == ("/", 302)
    assert sso.SESSION_KEY not in client.session  # used once


def test_a_tampered_nonce_is_refused(
    world: SignOnWorld, provider_a: Provider, caplog: pytest.LogCaptureFixture
) -> None:
    client = Client()
    url = start(client, "ada@riverside.test")
    session = client.session
    session[sso.SESSION_KEY] = {**session[sso.SESSION_KEY], "nonce": "not-the-one-sent"}
    session.save()

    with caplog.at_level(logging.WARNING):
        page = back(client, provider_a.authorize(url, "ada"))

    assert signed_in_id(client) is None
    assert refusal_reasons(caplog) == ["nonce"]
    assert page.redirect_chain[-1] == ("/sign-in/", 302)
    assert sso.NOT_CHECKED.replace("'", "&#x27;") in page.content.decode()


def test_an_id_token_from_another_issuer_is_refused(
    world: SignOnWorld, caplog: pytest.LogCaptureFixture
) -> None:
    with oidc_provider(token_issuer_host="localhost") as misnaming:
        # Its discovery document names the configured issuer; its ID tokens do not.
        IdentityProvider.objects.filter(pk=world.riverside_provider.pk).update(
            issuer=misnaming.issuer
        )
        misnaming.add_person("ada", email="ada@riverside.test", email_verified=True)
        client = Client()
        url = start(client, "ada@riverside.test")
        with caplog.at_level(logging.WARNING):
            page = back(client, misnaming.authorize(url, "ada"))

    assert signed_in_id(client) is None
    assert refusal_reasons(caplog) == ["issuer"]
    assert page.redirect_chain[-1] == ("/sign-in/", 302)


def test_a_code_from_another_organisations_provider_is_refused(
    world: SignOnWorld, provider_b: Provider, caplog: pytest.LogCaptureFixture
) -> None:
    provider_b.add_person("ada", email="ada@riverside.test", email_verified=True)
    ada = Client()
    riverside_url = start(ada, "ada@riverside.test")  # the flow starts for Riverside
    hillside_url = start(Client(), "someone@hillside.test")
    hillside_code = parse_qs(urlsplit(provider_b.authorize(hillside_url, "ada")).query)["code"]
    riverside_state = parse_qs(urlsplit(riverside_url).query)["state"]

    with caplog.at_level(logging.WARNING):
        page: Any = ada.get(
            "/sign-in/organisation/callback/",
            {"code": hillside_code[0], "state": riverside_state[0]},
            follow=True,
        )

    assert signed_in_id(ada) is None
    assert refusal_reasons(caplog) == ["token"]  # Riverside's provider never issued it
    assert page.redirect_chain[-1] == ("/sign-in/", 302)


def test_another_organisations_provider_cannot_vouch_for_a_riverside_address(
    world: SignOnWorld, provider_b: Provider, caplog: pytest.LogCaptureFixture
) -> None:
    provider_b.add_person("mallory", email="ada@riverside.test", email_verified=True)
    client = Client()
    url = start(client, "mallory@hillside.test")  # Hillside's flow

    with caplog.at_level(logging.WARNING):
        page = back(client, provider_b.authorize(url, "mallory"))

    assert signed_in_id(client) is None
    assert refusal_reasons(caplog) == ["domain"]
    assert "Hillside Housing does not sign in people with an address at riverside.test" in (
        page.content.decode()
    )


def test_an_unlisted_email_domain_is_refused(
    world: SignOnWorld, provider_a: Provider, caplog: pytest.LogCaptureFixture
) -> None:
    provider_a.add_person("ada-elsewhere", email="ada@elsewhere.test", email_verified=True)
    client = Client()
    url = start(client, "ada@riverside.test")

    with caplog.at_level(logging.WARNING):
        page = back(client, provider_a.authorize(url, "ada-elsewhere"))

    assert signed_in_id(client) is None
    assert refusal_reasons(caplog) == ["domain"]
    assert "does not sign in people with an address at elsewhere.test" in page.content.decode()


def test_the_sign_in_page_says_when_no_organisation_signs_in_a_domain(
    world: SignOnWorld,
) -> None:
    client = Client()

    response = client.post(
        "/sign-in/",
        {"username": "ada@nowhere.test", "password": "", "organisation_account": "1"},
    )

    assert response.status_code == 200
    assert "No organisation signs in people at nowhere.test" in response.content.decode()
    assert sso.SESSION_KEY not in client.session


def test_a_provider_that_does_not_answer_is_told_on_the_sign_in_page(world: SignOnWorld) -> None:
    IdentityProvider.objects.filter(pk=world.riverside_provider.pk).update(
        issuer=f"http://127.0.0.1:{free_port()}"  # nothing listens there
    )
    client = Client()

    response = client.post(
        "/sign-in/",
        {"username": "ada@riverside.test", "password": "", "organisation_account": "1"},
    )

    assert response.status_code == 200
    assert sso.UNREACHABLE.replace("'", "&#x27;") in response.content.decode()
    assert sso.SESSION_KEY not in client.session


def test_a_callback_without_this_sessions_state_is_refused(
    world: SignOnWorld, provider_a: Provider, caplog: pytest.LogCaptureFixture
) -> None:
    client = Client()
    url = start(client, "ada@riverside.test")
    callback = urlsplit(provider_a.authorize(url, "ada"))
    code = parse_qs(callback.query)["code"][0]

    with caplog.at_level(logging.WARNING):
        page: Any = client.get(callback.path, {"code": code, "state": "forged"}, follow=True)

    assert signed_in_id(client) is None
    assert refusal_reasons(caplog) == ["state"]
    assert "started in another browser or tab" in page.content.decode()


def test_a_flow_whose_provider_was_changed_meanwhile_is_refused(
    world: SignOnWorld, provider_a: Provider, caplog: pytest.LogCaptureFixture
) -> None:
    client = Client()
    url = start(client, "ada@riverside.test")
    callback = provider_a.authorize(url, "ada")
    IdentityProvider.objects.filter(pk=world.riverside_provider.pk).update(
        issuer="https://id.riverside.test"
    )

    with caplog.at_level(logging.WARNING):
        back(client, callback)

    assert signed_in_id(client) is None
    assert refusal_reasons(caplog) == ["provider_changed"]


def test_an_address_the_provider_has_not_verified_is_refused(
    world: SignOnWorld, provider_a: Provider, caplog: pytest.LogCaptureFixture
) -> None:
    provider_a.add_person("ada-unverified", email="ada@riverside.test", email_verified=False)
    client = Client()
    url = start(client, "ada@riverside.test")

    with caplog.at_level(logging.WARNING):
        back(client, provider_a.authorize(url, "ada-unverified"))

    assert signed_in_id(client) is None
    assert refusal_reasons(caplog) == ["email"]


def test_a_first_sign_in_creates_a_learner_in_the_default_team_when_allowed(
    world: SignOnWorld, provider_a: Provider
) -> None:
    provider_a.add_person("grace", email="grace@riverside.test", name="Grace Hopper")
    refused = Client()
    back(refused, provider_a.authorize(start(refused, "grace@riverside.test"), "grace"))
    assert signed_in_id(refused) is None
    assert not User.objects.filter(email="grace@riverside.test").exists()

    IdentityProvider.objects.filter(pk=world.riverside_provider.pk).update(creates_people=True)
    client = Client()
    back(client, provider_a.authorize(start(client, "grace@riverside.test"), "grace"))

    grace = User.objects.get(email="grace@riverside.test")
    assert signed_in_id(client) == str(grace.pk)
    assert grace.full_name == "Grace Hopper" and not grace.has_usable_password()
    assert list(Membership.objects.filter(user=grace).values_list("team", "role")) == [
        (world.ward.pk, Role.LEARNER)
    ]


def test_a_person_of_another_organisation_is_not_signed_in_by_this_one(
    world: SignOnWorld, provider_a: Provider, caplog: pytest.LogCaptureFixture
) -> None:
    elsewhere = TeamFactory.create(organisation=world.hillside)
    MembershipFactory.create(team=elsewhere, user__email="bea@riverside.test")
    provider_a.add_person("bea", email="bea@riverside.test")
    IdentityProvider.objects.filter(pk=world.riverside_provider.pk).update(creates_people=True)
    client = Client()

    with caplog.at_level(logging.WARNING):
        page = back(client, provider_a.authorize(start(client, "bea@riverside.test"), "bea"))

    assert signed_in_id(client) is None
    assert refusal_reasons(caplog) == ["not_member"]
    assert "You do not have a Hearth account with Riverside Trust yet" in page.content.decode()
    assert (
        not Membership.including_pending.filter(organisation=world.riverside)
        .exclude(user=world.ada)
        .exists()
    )


def test_the_providers_second_factor_is_trusted_only_when_the_organisation_says_so(
    world: SignOnWorld, provider_a: Provider
) -> None:
    Organisation.objects.filter(pk=world.riverside.pk).update(second_factor_required=True)
    Membership.objects.filter(user=world.ada).update(role=Role.MANAGER)
    provider_a.add_person("ada-mfa", email="ada@riverside.test", amr=["pwd", "mfa"])
    trusted = Client()
    back(trusted, provider_a.authorize(start(trusted, "ada@riverside.test"), "ada-mfa"))

    IdentityProvider.objects.filter(pk=world.riverside_provider.pk).update(
        provider_mfa_trusted=False
    )
    untrusted = Client()
    back(untrusted, provider_a.authorize(start(untrusted, "ada@riverside.test"), "ada-mfa"))

    assert trusted.session[STATE_KEY] == VERIFIED
    assert untrusted.session[STATE_KEY] == "setup"
    assert signed_in_id(untrusted) == str(world.ada.pk)  # signed in, held for set-up


def test_password_sign_in_is_refused_when_every_organisation_turned_it_off(
    world: SignOnWorld,
) -> None:
    password = {"username": "ada@riverside.test", "password": "correct-horse-battery-staple"}
    IdentityProvider.objects.filter(pk=world.riverside_provider.pk).update(password_sign_in=False)
    refused = Client()
    response = refused.post("/sign-in/", password)

    MembershipFactory.create(user=world.ada, team=TeamFactory.create())  # a second org
    allowed = Client()
    allowed.post("/sign-in/", password)

    assert response.status_code == 200
    assert signed_in_id(refused) is None
    assert "Your organisation signs you in with its own account, not a password." in (
        response.content.decode()
    )
    assert signed_in_id(allowed) == str(world.ada.pk)
