"""An org admin's API keys page (issue 16, pages for org admins): a key made on the page
works against the API and is shown that once (never stored, never cached), the list
shows each key's name, prefix, scope and state, revoking one refuses its next request,
bad input is answered in Hearth's words, and nobody else reaches it (404)."""

import pytest
from django.test import Client
from rest_framework.test import APIClient

from accounts.models import KeyScope, OrganisationAPIKey, Role, User
from tests.conftest import World
from tests.factories import MembershipFactory
from tests.test_page_forms import assert_error_summary_first, assert_in_hearths_words

pytestmark = pytest.mark.django_db

PAGE = "/organisation/api-keys/"


def signed_in(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _key_in(html: str) -> str:
    start = html.index('id="new-key"')
    value = html.index('value="', start) + len('value="')
    return html[value : html.index('"', value)]


def test_a_key_made_on_the_page_works_and_is_shown_only_once(world: World) -> None:
    admin = signed_in(world.x_admin)

    made = admin.post(
        PAGE, {"name": "Power BI", "scope": KeyScope.READ, "organisation": world.org_x.pk}
    )

    assert made.status_code == 200
    assert "no-store" in made["Cache-Control"]
    secret = _key_in(made.content.decode())
    api_key = OrganisationAPIKey.objects.get(name="Power BI")
    assert (api_key.organisation_id, api_key.scope, api_key.created_by_id) == (
        world.org_x.pk,
        KeyScope.READ,
        world.x_admin.pk,
    )
    assert secret.startswith(api_key.prefix) and secret not in api_key.hashed_key
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Api-Key {secret}")
    assert client.get("/api/v1/teams/").status_code == 200
    again = admin.get(PAGE).content.decode()
    assert secret not in again and 'id="new-key"' not in again
    assert f"<code>{api_key.prefix}</code>" in again and "Power BI" in again

    revoked = admin.post(f"{PAGE}{api_key.prefix}/revoke/")

    assert revoked.status_code == 302
    assert client.get("/api/v1/teams/").status_code == 401
    listed = admin.get(PAGE).content.decode()
    assert "Revoked" in listed and "anything still using it is refused" in listed


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({}, "Name the key."),
        ({"name": "x" * 51, "scope": "read"}, "Keep the name to 50 characters or fewer."),
        ({"name": "Sync", "scope": "admin"}, "Choose read only, or read and write."),
    ],
)
def test_bad_input_is_answered_in_hearths_words_and_makes_no_key(
    world: World, data: dict[str, str], message: str
) -> None:
    response = signed_in(world.x_admin).post(PAGE, data)

    html = response.content.decode()
    assert response.status_code == 400
    assert message in html
    assert_error_summary_first(html)
    assert_in_hearths_words(html)
    assert not OrganisationAPIKey.objects.exists()


def test_nobody_else_sees_makes_or_revokes_keys(world: World) -> None:
    OrganisationAPIKey.objects.create_key(
        name="X reporting", organisation=world.org_x, scope=KeyScope.READ
    )
    x_key = OrganisationAPIKey.objects.get(name="X reporting")
    for outsider in (world.x_manager_a, world.x_learner_a, world.x_assessor_a, world.y_manager):
        client = signed_in(outsider)
        assert client.get(PAGE).status_code == 404, outsider
        assert client.post(PAGE, {"name": "Mine", "scope": "read"}).status_code == 404, outsider
        assert client.post(f"{PAGE}{x_key.prefix}/revoke/").status_code == 404, outsider
    y_admin = signed_in(world.y_admin)
    assert "X reporting" not in y_admin.get(PAGE).content.decode()
    assert y_admin.post(f"{PAGE}{x_key.prefix}/revoke/").status_code == 404
    # An admin of one organisation makes keys for it alone, whatever else is sent.
    made = y_admin.post(PAGE, {"name": "Mine", "scope": "read", "organisation": world.org_x.pk})
    assert made.status_code == 200
    assert OrganisationAPIKey.objects.get(name="Mine").organisation_id == world.org_y.pk
    x_key.refresh_from_db()
    assert not x_key.revoked
    assert Client().get(PAGE).status_code == 302  # signed out: to sign in


def test_an_admin_of_two_organisations_chooses_which(world: World) -> None:
    both = world.x_admin
    MembershipFactory.create(user=both, organisation=world.org_y, team=None, role=Role.ORG_ADMIN)
    admin = signed_in(both)

    page = admin.get(PAGE).content.decode()
    made = admin.post(
        PAGE, {"name": "Y sync", "scope": "read_write", "organisation": world.org_y.pk}
    )

    assert '<select name="organisation"' in page
    assert made.status_code == 200
    assert OrganisationAPIKey.objects.get(name="Y sync").organisation_id == world.org_y.pk
