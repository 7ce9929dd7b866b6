"""API key scopes, enforced in one place for every API write (issue 12)."""

from typing import Any

from rest_framework import permissions
from rest_framework.request import Request

from accounts.models import KeyScope, OrganisationAPIKey
from core.errors import Forbidden


class KeyScopeAllowsWrite(permissions.BasePermission):
    """A read-only organisation API key may read, never write: any method other than
    GET, HEAD or OPTIONS answers 403 `read_only` before the view runs (asking for an
    indicator report too: it records the report and queues its build)."""

    def has_permission(self, request: Request, view: Any) -> bool:
        api_key = request.auth
        if (
            isinstance(api_key, OrganisationAPIKey)
            and api_key.scope != KeyScope.READ_WRITE
            and request.method not in permissions.SAFE_METHODS
        ):
            raise Forbidden("This API key is read-only.", code="read_only")
        return True
