"""OpenAPI description of the organisation API key authentication."""

from typing import Any

from drf_spectacular.extensions import OpenApiAuthenticationExtension


class OrganisationAPIKeyScheme(OpenApiAuthenticationExtension):
    target_class = "accounts.authentication.OrganisationAPIKeyAuthentication"
    name = "OrganisationAPIKey"

    def get_security_definition(self, auto_schema: Any) -> dict[str, str]:
        return {
            "type": "apiKey",
            "in": "header",
            "name": "Authorization",
            "description": "An organisation API key, sent as `Api-Key <key>`.",
        }
