"""Personal responses are never kept by a browser or a shared cache.

Hearth is used on shared PCs in wards and offices: a page, certificate, evidence
file or export kept in one person's browser cache can be read by the next person at
that desk. So everything served to a signed-in person, and everything under /api/
(sessions and API keys alike), says `Cache-Control: private, no-store`. Static files
(answered by WhiteNoise before this runs) and the public /verify/ page keep their own.
"""

from collections.abc import Callable

from django.http import HttpRequest, HttpResponseBase

PRIVATE_NO_STORE = "private, no-store"
PUBLIC_PREFIXES = ("/verify/", "/static/")


class PrivateNoStoreMiddleware:
    """Mark personal and API responses `private, no-store` (issue 12)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        response = self.get_response(request)
        if _is_personal(request):
            response["Cache-Control"] = PRIVATE_NO_STORE
            # An older proxy or browser that ignores Cache-Control still must not reuse it.
            response.headers.pop("Expires", None)
        return response


def _is_personal(request: HttpRequest) -> bool:
    path = request.path_info
    if path.startswith(PUBLIC_PREFIXES):
        return False
    if path.startswith("/api/"):
        return True
    user = getattr(request, "user", None)
    return bool(user is not None and user.is_authenticated)
