"""Single sign-on with OpenID Connect (ADR 0024): the relying party's side of the
authorization code flow with PKCE (S256), state and nonce, through Authlib's OAuth2Session,
and the ID token's checks (signature by the provider's JWKS, issuer, audience, nonce,
expiry) through joserfc, Authlib's JOSE library.

Each organisation's provider is configured at run time (accounts.models.IdentityProvider):
its endpoints come from its discovery document, fetched when a sign-in starts and again at
the callback. Every refusal raises SignInRefused, whose `reason` is logged and whose message
the sign-in page shows; nothing here signs anybody in.
"""

import hmac
import secrets
from dataclasses import dataclass
from typing import Any

import requests
from authlib.common.errors import AuthlibBaseError
from authlib.common.security import generate_token
from authlib.integrations.requests_client import OAuth2Session
from joserfc import jwt
from joserfc.errors import JoseError
from joserfc.jwk import KeySet

from accounts.models import IdentityProvider
from core.errors import HearthError

# The flow started for one provider, kept in the session until its callback.
SESSION_KEY = "hearth_sso_flow"
SCOPE = "openid email profile"
TIMEOUT_SECONDS = 10
CLOCK_LEEWAY_SECONDS = 60
ALGORITHMS = ("RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512")

NOT_CHECKED = (
    "Your organisation's sign-in answered with something Hearth could not check, so you "
    "are not signed in. Try again; if it happens again, tell your organisation's IT team."
)
UNREACHABLE = (
    "Hearth could not reach your organisation's sign-in service. Try again in a few "
    "minutes, or sign in with your password if your organisation allows it."
)


class SignInRefused(HearthError):
    """A single sign-on that must not sign anybody in; `reason` says why, for the log."""

    code = "sign_in_refused"

    def __init__(self, reason: str, message: str = NOT_CHECKED, *, detail: str = "") -> None:
        super().__init__(message)
        self.reason = reason
        self.detail = detail


@dataclass(frozen=True)
class Endpoints:
    """Where a provider's discovery document says its endpoints are."""

    authorization: str
    token: str
    jwks: str


def _get_json(url: str, *, reason: str) -> dict[str, Any]:
    try:
        response = requests.get(url, timeout=TIMEOUT_SECONDS)
        response.raise_for_status()
        document = response.json()
    except (requests.RequestException, ValueError) as error:
        raise SignInRefused(reason, UNREACHABLE, detail=f"{url}: {error}") from error
    if not isinstance(document, dict):
        raise SignInRefused(reason, UNREACHABLE, detail=f"{url}: not a JSON object")
    return document


def discover(issuer: str) -> Endpoints:
    """The provider's endpoints; its document must name the configured issuer (OpenID
    Connect Discovery 1.0, section 4.3)."""
    document = _get_json(
        f"{issuer.rstrip('/')}/.well-known/openid-configuration", reason="discovery"
    )
    if document.get("issuer") != issuer:
        raise SignInRefused(
            "discovery_issuer",
            detail=f"discovery names {document.get('issuer')!r}, configured {issuer!r}",
        )
    endpoints = [document.get(name) for name in ("authorization_endpoint", "token_endpoint")]
    jwks = document.get("jwks_uri")
    if not all(isinstance(url, str) for url in [*endpoints, jwks]):
        raise SignInRefused("discovery", UNREACHABLE, detail="endpoints missing from discovery")
    return Endpoints(authorization=str(endpoints[0]), token=str(endpoints[1]), jwks=str(jwks))


def _client(provider: IdentityProvider, redirect_uri: str) -> OAuth2Session:
    return OAuth2Session(
        client_id=provider.client_id,
        client_secret=provider.client_secret or None,
        scope=SCOPE,
        redirect_uri=redirect_uri,
        code_challenge_method="S256",
        token_endpoint_auth_method="client_secret_basic" if provider.client_secret else "none",
    )


def authorization_start(
    *, provider: IdentityProvider, redirect_uri: str
) -> tuple[str, dict[str, Any]]:
    """Where to send the person, and the flow to keep in their session until the callback:
    which provider it started with, the state, the nonce and the PKCE code verifier."""
    endpoints = discover(provider.issuer)
    state = secrets.token_urlsafe(32)
    nonce = secrets.token_urlsafe(32)
    code_verifier = generate_token(64)
    url, _ = _client(provider, redirect_uri).create_authorization_url(
        endpoints.authorization, state=state, code_verifier=code_verifier, nonce=nonce
    )
    flow = {
        "provider": provider.pk,
        "issuer": provider.issuer,
        "state": state,
        "nonce": nonce,
        "code_verifier": code_verifier,
        "redirect_uri": redirect_uri,
    }
    return str(url), flow


def state_matches(flow: dict[str, Any], state: str) -> bool:
    """The callback's state is the one this session's flow sent (no login CSRF)."""
    expected = flow.get("state")
    return isinstance(expected, str) and hmac.compare_digest(expected, state)


def id_token_claims(
    *, provider: IdentityProvider, flow: dict[str, Any], code: str
) -> dict[str, Any]:
    """Exchange the code at the provider the flow started with (with the PKCE verifier) and
    answer the ID token's claims once every check has passed."""
    endpoints = discover(provider.issuer)
    client = _client(provider, str(flow["redirect_uri"]))
    try:
        token = client.fetch_token(
            endpoints.token,
            grant_type="authorization_code",
            code=code,
            code_verifier=str(flow["code_verifier"]),
            timeout=TIMEOUT_SECONDS,
        )
    except (AuthlibBaseError, requests.RequestException, ValueError) as error:
        raise SignInRefused("token", detail=f"token endpoint refused the code: {error}") from error
    id_token = token.get("id_token")
    if not isinstance(id_token, str):
        raise SignInRefused("token", detail="no ID token in the token response")
    keys = _get_json(endpoints.jwks, reason="jwks")
    try:
        decoded = jwt.decode(id_token, KeySet.import_key_set(keys), algorithms=list(ALGORITHMS))  # type: ignore[arg-type]
    except (JoseError, ValueError, KeyError, TypeError) as error:
        raise SignInRefused("signature", detail=str(error)) from error
    claims = dict(decoded.claims)
    _check_claims(claims, provider=provider, nonce=str(flow["nonce"]))
    return claims


def _check_claims(claims: dict[str, Any], *, provider: IdentityProvider, nonce: str) -> None:
    if claims.get("iss") != provider.issuer:
        raise SignInRefused(
            "issuer", detail=f"ID token from {claims.get('iss')!r}, configured {provider.issuer!r}"
        )
    audience = claims.get("aud")
    audiences = [audience] if isinstance(audience, str) else audience
    if not isinstance(audiences, list) or provider.client_id not in audiences:
        raise SignInRefused("audience", detail=f"ID token for {audience!r}")
    if len(audiences) > 1 and claims.get("azp") != provider.client_id:
        raise SignInRefused("audience", detail=f"ID token authorised for {claims.get('azp')!r}")
    token_nonce = claims.get("nonce")
    if not isinstance(token_nonce, str) or not hmac.compare_digest(token_nonce, nonce):
        raise SignInRefused("nonce", detail="the ID token's nonce is not this sign-in's")
    registry = jwt.JWTClaimsRegistry(
        leeway=CLOCK_LEEWAY_SECONDS,
        exp={"essential": True},
        iat={"essential": True},
        sub={"essential": True},
    )
    try:
        registry.validate(claims)
    except JoseError as error:
        raise SignInRefused("expiry", detail=str(error)) from error


def verified_email(*, provider: IdentityProvider, claims: dict[str, Any]) -> str:
    """The email address the provider vouches for, in one of the provider's domains."""
    email = claims.get("email")
    if not isinstance(email, str) or "@" not in email:
        raise SignInRefused(
            "email",
            "Your organisation's sign-in did not tell Hearth your email address, so you are "
            "not signed in. Tell your organisation's IT team.",
        )
    if "email_verified" in claims and claims["email_verified"] is not True:
        raise SignInRefused(
            "email",
            "Your organisation's sign-in says your email address is not verified, so you are "
            "not signed in. Tell your organisation's IT team.",
        )
    email = email.strip().lower()
    domain = email.rpartition("@")[2]
    if domain not in {row.domain for row in provider.domains.all()}:
        raise SignInRefused(
            "domain",
            f"{provider.organisation.name} does not sign in people with an address at "
            f"{domain} in Hearth, so you are not signed in. Sign in with the account your "
            "organisation gave you.",
        )
    return email


def authentication_methods(claims: dict[str, Any]) -> list[str]:
    """The ID token's `amr` (RFC 8176): how the provider authenticated the person."""
    amr = claims.get("amr")
    return [str(method) for method in amr] if isinstance(amr, list) else []
