"""Single sign-on's pages (ADR 0024): off to the organisation's provider from the sign-in
page, and back at the callback, where every check of accounts.sso must pass before the
person of accounts.services_sso is signed in. A refusal signs nobody in and says why on
the sign-in page."""

import logging
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render, resolve_url
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET

from accounts import identity, services_sso, sso
from accounts.models import IdentityProvider, User
from accounts.second_factor import accept_provider_mfa
from accounts.sso import SignInRefused

logger = logging.getLogger(__name__)

# The backend that loads the person on later requests (the provider vouched at sign-in).
SESSION_BACKEND = "django.contrib.auth.backends.ModelBackend"
START_AGAIN = (
    "Your sign-in took too long, or was started in another browser or tab, so you are not "
    "signed in. Start again from this page."
)


def log_refusal(refusal: SignInRefused) -> None:
    logger.warning("single sign-on refused: %s: %s", refusal.reason, refusal.detail)


def to_provider(request: HttpRequest, provider: IdentityProvider, next_url: str) -> HttpResponse:
    """Start the flow (it waits in the session) and go on to the page that leaves for the
    provider: the sign-in form's Content Security Policy (`form-action 'self'`) would
    refuse a redirect from its submission to another origin."""
    redirect_uri = request.build_absolute_uri(reverse("sso-callback"))
    url, flow = sso.authorization_start(provider=provider, redirect_uri=redirect_uri)
    flow["next"] = next_url
    flow["authorization_url"] = url
    flow["organisation"] = provider.organisation.name
    request.session[sso.SESSION_KEY] = flow
    return redirect("sso-continue")


@require_GET
def leave_for_provider(request: HttpRequest) -> HttpResponse:
    """The page that takes the person on to their organisation's provider at once (a
    refresh, and a link for a browser that does not follow it)."""
    flow = request.session.get(sso.SESSION_KEY)
    if not isinstance(flow, dict) or not isinstance(flow.get("authorization_url"), str):
        messages.error(request, START_AGAIN)
        return redirect("login")
    return render(
        request,
        "registration/sso_continue.html",
        {"authorization_url": flow["authorization_url"], "organisation": flow.get("organisation")},
    )


def _signed_in_person(
    request: HttpRequest, flow: Any
) -> tuple[User, IdentityProvider, dict[str, Any]]:
    if not isinstance(flow, dict) or not sso.state_matches(flow, request.GET.get("state", "")):
        raise SignInRefused("state", START_AGAIN, detail="no flow in this session for that state")
    error = request.GET.get("error")
    if error:
        raise SignInRefused(
            "provider_error",
            "Your organisation's sign-in did not sign you in. Try again, or ask your "
            "organisation's IT team.",
            detail=f"{error}: {request.GET.get('error_description', '')}",
        )
    provider = identity.provider_for_flow(
        provider_id=int(flow.get("provider") or 0), issuer=str(flow.get("issuer"))
    )
    if provider is None:
        raise SignInRefused("provider_changed", START_AGAIN, detail="the provider was changed")
    claims = sso.id_token_claims(provider=provider, flow=flow, code=request.GET.get("code", ""))
    email = sso.verified_email(provider=provider, claims=claims)
    user = services_sso.person_for_provider_sign_in(provider=provider, email=email, claims=claims)
    return user, provider, claims


@require_GET
def callback(request: HttpRequest) -> HttpResponse:
    """The provider sends the person back here with a code, for the flow this session
    started (and only that one: it is used once)."""
    flow = request.session.pop(sso.SESSION_KEY, None)
    try:
        user, provider, claims = _signed_in_person(request, flow)
    except SignInRefused as refusal:
        log_refusal(refusal)
        messages.error(request, refusal.message)
        return redirect("login")
    login(request, user, backend=SESSION_BACKEND)
    if provider.provider_mfa_trusted:
        accept_provider_mfa(request, sso.authentication_methods(claims))
    next_url = str(flow.get("next") or "") if isinstance(flow, dict) else ""
    if not url_has_allowed_host_and_scheme(
        next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        next_url = resolve_url(settings.LOGIN_REDIRECT_URL)
    return redirect(next_url)
