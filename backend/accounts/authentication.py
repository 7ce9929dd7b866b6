"""Organisation API keys: `Authorization: Api-Key <key>`, never in the URL."""

import re
from typing import Any, cast

from django.contrib.auth.models import AnonymousUser
from rest_framework import authentication, exceptions
from rest_framework.request import Request

from accounts.models import OrganisationAPIKey
from core import audit

KEYWORD = "Api-Key"
KEY_LIKE_QUERY_PARAMETERS = frozenset({"api_key", "apikey", "api-key"})
KEY_SHAPE = re.compile(r"^[A-Za-z0-9]{8}\.[A-Za-z0-9]{32}$")


class APIKeyUser(AnonymousUser):
    """The request's user when an organisation API key authenticates it."""

    def __init__(self, api_key: OrganisationAPIKey) -> None:
        super().__init__()
        self.api_key = api_key

    @property
    def is_authenticated(self) -> bool:  # type: ignore[override]
        return True

    def __str__(self) -> str:
        return f"API key {self.api_key.prefix}"


class OrganisationAPIKeyAuthentication(authentication.BaseAuthentication):
    """Authenticate with an organisation's key from the Authorization header only. Any
    other Authorization header is a 401, whatever else the request carries."""

    def authenticate(self, request: Request) -> tuple[Any, Any] | None:
        names = {name.lower() for name in request.query_params}
        values = [value for _, group in request.query_params.lists() for value in group]
        if KEY_LIKE_QUERY_PARAMETERS & names or any(KEY_SHAPE.match(v) for v in values):
            raise exceptions.AuthenticationFailed(
                "API keys are accepted only in the Authorization header, never in the URL."
            )
        if "HTTP_AUTHORIZATION" not in request.META:
            return None
        header = authentication.get_authorization_header(request).decode("latin-1").split()
        # An Authorization header (even an empty one) is a claim to be someone: one that is
        # not a well-formed key is refused, never ignored in favour of a session cookie.
        if len(header) != 2 or header[0].lower() != KEYWORD.lower():
            raise exceptions.AuthenticationFailed("Send the header as 'Api-Key <key>'.")
        try:
            api_key = cast(OrganisationAPIKey, OrganisationAPIKey.objects.get_from_key(header[1]))
        except OrganisationAPIKey.DoesNotExist:
            raise exceptions.AuthenticationFailed("This API key is not valid.") from None
        if api_key.has_expired:
            raise exceptions.AuthenticationFailed("This API key has expired.")
        audit.note(person=None, api_key=api_key.prefix)
        return APIKeyUser(api_key), api_key

    def authenticate_header(self, request: Request) -> str:
        return KEYWORD
