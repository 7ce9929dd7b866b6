"""The second factor (docs/adr/0023): who must give one, where a session stands, the
remembered-device cookie, and the middleware that holds every other page until it is given.

Where a session stands is decided once, when the person signs in (`user_logged_in`), and
kept in the session under STATE_KEY, so an ordinary request costs no query:

- absent: nobody asks (no role that needs it, in no organisation that requires it, and no
  authenticator set up by choice);
- SETUP: required, and no authenticator yet: every page but the set-up page is held;
- CHALLENGE: an authenticator is set up: every page but the code page is held;
- VERIFIED: a code, a recovery code, a remembered device or the sign-in's own provider
  (PROVIDER_MFA_KEY, below) vouched for this session.

A change to an organisation's setting or a person's roles applies from their next sign-in.

Single sign-on hook: a future OpenID Connect sign-in whose provider asserts MFA in the ID
token's `amr` claim calls `accept_provider_mfa(request, amr)` after `login()` (or sets
`request.session[PROVIDER_MFA_KEY] = True` before it); that session is then not asked again.
"""

from collections.abc import Callable, Iterable

from django.conf import settings
from django.contrib.auth.signals import user_logged_in
from django.core import signing
from django.db.models import Exists, OuterRef, Subquery
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import Membership, Role, User

STATE_KEY = "hearth_second_factor"
SETUP = "setup"
CHALLENGE = "challenge"
VERIFIED = "verified"
PENDING = frozenset({SETUP, CHALLENGE})

# Set by a sign-in whose identity provider already asked for a second factor.
PROVIDER_MFA_KEY = "hearth_provider_asserted_mfa"
# `amr` values (RFC 8176) that mean the provider itself asked for more than a password.
PROVIDER_MFA_METHODS = frozenset({"mfa", "otp", "hwk", "swk", "sc", "fpt", "face", "iris"})

REMEMBER_COOKIE = "hearth_device"
REMEMBER_SALT = "accounts.second_factor.remember"

ROLES_ASKED = (Role.ORG_ADMIN, Role.MANAGER, Role.ASSESSOR)

# The API's one error shape (core.api.error_body), which an app may not import.
API_HELD_BODY = {
    "error": {
        "status": 403,
        "code": "second_factor_required",
        "message": "Enter a code from your authenticator app in Hearth before using the API "
        "with this session (an API key is not asked for one).",
        "fields": {},
    }
}

# Paths a held session may still open (besides the second-factor pages themselves).
ALWAYS_OPEN = ("/static/", "/healthz")


def state_at_sign_in(request: HttpRequest, user: User) -> str | None:
    """Where a new session stands: one query (the requirement and the authenticator)."""
    if request.session.get(PROVIDER_MFA_KEY):
        return VERIFIED
    asked = Membership.objects.filter(
        user=OuterRef("pk"), role__in=ROLES_ASKED, organisation__second_factor_required=True
    )
    device_key = TOTPDevice.objects.filter(user=OuterRef("pk"), confirmed=True).values("key")
    required, key = (
        User.objects.filter(pk=user.pk)
        .annotate(required=Exists(asked), device_key=Subquery(device_key[:1]))
        .values_list("required", "device_key")
        .get()
    )
    if key is not None:
        return VERIFIED if is_remembered(request, user, key) else CHALLENGE
    return SETUP if required else None


@receiver(user_logged_in, dispatch_uid="accounts.second_factor.on_sign_in")
def on_sign_in(sender: object, request: HttpRequest | None, user: User, **kwargs: object) -> None:
    if request is None or not hasattr(request, "session"):
        return
    state = state_at_sign_in(request, user)
    if state is None:
        request.session.pop(STATE_KEY, None)
    else:
        request.session[STATE_KEY] = state


def accept_provider_mfa(request: HttpRequest, amr: Iterable[str]) -> bool:
    """The SSO hook: after `login()`, a provider that asserts a second factor in `amr`
    vouches for this session. Answers whether it did."""
    if not PROVIDER_MFA_METHODS & {str(method).lower() for method in amr}:
        return False
    request.session[PROVIDER_MFA_KEY] = True
    request.session[STATE_KEY] = VERIFIED
    return True


def session_state(request: HttpRequest) -> str | None:
    value = request.session.get(STATE_KEY)
    return value if isinstance(value, str) else None


def mark_verified(request: HttpRequest) -> None:
    """A code was right: a fresh session key (no fixation across the step), then let in."""
    request.session.cycle_key()
    request.session[STATE_KEY] = VERIFIED


def mark_needs_setup(request: HttpRequest, *, required: bool) -> None:
    """The authenticator was reset: set up again if required, otherwise nobody asks."""
    if required:
        request.session[STATE_KEY] = SETUP
    else:
        request.session.pop(STATE_KEY, None)


def is_required_for(user: User) -> bool:
    """Whether any organisation of theirs requires a second factor of one of their roles."""
    return Membership.objects.filter(
        user=user, role__in=ROLES_ASKED, organisation__second_factor_required=True
    ).exists()


def recovery_codes_left(user: User) -> int:
    return StaticToken.objects.filter(device__user=user, device__confirmed=True).count()


def _salt(device_key: str) -> str:
    # The device's secret is part of the signing key: resetting the authenticator (a new
    # device, a new secret) forgets every device remembered before.
    return f"{REMEMBER_SALT}:{device_key}"


def remember_device(response: HttpResponse, user: User, device_key: str) -> None:
    days = int(settings.SECOND_FACTOR_REMEMBER_DAYS)
    response.set_signed_cookie(
        REMEMBER_COOKIE,
        str(user.pk),
        salt=_salt(device_key),
        max_age=days * 24 * 60 * 60,
        httponly=True,
        secure=bool(settings.SECOND_FACTOR_REMEMBER_COOKIE_SECURE),
        samesite="Lax",
    )


def is_remembered(request: HttpRequest, user: User, device_key: str) -> bool:
    days = int(settings.SECOND_FACTOR_REMEMBER_DAYS)
    try:
        value = request.get_signed_cookie(
            REMEMBER_COOKIE, salt=_salt(device_key), max_age=days * 24 * 60 * 60
        )
    except (KeyError, signing.BadSignature):
        return False
    return value == str(user.pk)


def safe_next(request: HttpRequest, candidate: str | None) -> str:
    """Where to go once let in: the page first asked for, if it is one of ours."""
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return reverse("home")


class SecondFactorMiddleware:
    """Holds a signed-in session whose second factor is still owed: pages redirect to the
    set-up or code page, the API answers 403 in its one error shape. Requests with an
    Authorization header (organisation API keys) are never held; anonymous ones neither."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        held = self._held(request)
        return held if held is not None else self.get_response(request)

    def _held(self, request: HttpRequest) -> HttpResponse | None:
        if settings.SESSION_COOKIE_NAME not in request.COOKIES:
            return None
        state = session_state(request)
        if state not in PENDING or not request.user.is_authenticated:
            return None
        path = request.path_info
        if path.startswith("/api/"):
            if "HTTP_AUTHORIZATION" in request.META:
                return None
            return JsonResponse(API_HELD_BODY, status=403)
        page = reverse("second-factor-setup" if state == SETUP else "second-factor")
        if path in (page, reverse("logout")) or path.startswith(ALWAYS_OPEN):
            return None
        if request.method == "GET":
            return redirect(f"{page}?{urlencode({'next': request.get_full_path()})}")
        return redirect(page)
