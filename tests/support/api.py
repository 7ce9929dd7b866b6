"""API clients that authenticate with an organisation's key."""

from rest_framework.test import APIClient

from accounts.models import KeyScope, Organisation, OrganisationAPIKey


def key_client(
    organisation: Organisation, scope: str = KeyScope.READ, *, name: str = "reporting"
) -> APIClient:
    """A client that sends a new key of the organisation's, with the given scope."""
    _, key = OrganisationAPIKey.objects.create_key(
        name=name, organisation=organisation, scope=scope
    )
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Api-Key {key}")
    return client
