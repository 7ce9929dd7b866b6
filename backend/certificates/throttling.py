"""Rate-limit public verification per client address, pages and API together.

/verify/<code> and /api/v1/verify/<code>/ share one counter per address, at the
"verify" rate in REST_FRAMEWORK's DEFAULT_THROTTLE_RATES. The address is the
connecting peer, or with REVERSE_PROXY_COUNT (env AXES_PROXY_COUNT) trusted proxies
in front, the entry those proxies appended to X-Forwarded-For: a client cannot
dodge the limit by sending the header itself (DRF's default would trust it).
"""

from typing import Any, cast

from django.conf import settings
from django.http import HttpRequest
from rest_framework.throttling import SimpleRateThrottle


def client_address(request: HttpRequest) -> str:
    """The client's address as the nearest trusted proxy saw it (or the peer's)."""
    proxies = settings.REVERSE_PROXY_COUNT
    peer = str(request.META.get("REMOTE_ADDR", ""))
    if proxies <= 0:
        return peer
    forwarded = [
        part.strip() for part in str(request.META.get("HTTP_X_FORWARDED_FOR", "")).split(",")
    ]
    forwarded = [part for part in forwarded if part]
    return forwarded[-proxies] if len(forwarded) >= proxies else peer


class VerifyThrottle(SimpleRateThrottle):
    """At most the "verify" rate of lookups per client address, whoever is asking."""

    scope = "verify"

    def get_cache_key(self, request: Any, view: Any) -> str:
        return self.cache_format % {"scope": self.scope, "ident": client_address(request)}


def verification_allowed(request: HttpRequest) -> tuple[bool, int]:
    """Count this lookup; say whether it is within the rate and, if not, how many seconds
    to wait. (The page shares the API's throttle, which reads only request.META.)"""
    throttle = VerifyThrottle()
    if throttle.allow_request(cast(Any, request), cast(Any, None)):
        return True, 0
    return False, int(throttle.wait() or 1) + 1
