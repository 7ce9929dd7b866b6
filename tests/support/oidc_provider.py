"""A real OpenID Connect provider in its own process: oidc-provider-mock (Flask and
Authlib's authorization server: discovery, JWKS, authorization and token endpoints, RS256
ID tokens, nonces), served on a spare loopback port.

Its issuer is the address it is reached at (`http://127.0.0.1:<port>`). Started with
`token_issuer_host` (say `localhost`), its token endpoint answers as if reached at that
host instead, so its ID tokens name another issuer than its discovery document
(`http://localhost:<port>`: the wrong-issuer case), still signed with its own key.
People are registered with their claims through the provider's own API (`PUT /users/<sub>`);
its authorization form asks for the subject and signs them in.

Run as `python -m tests.support.oidc_provider --port N [--token-issuer-host HOST]`.
"""

import argparse
import os
import subprocess
import sys
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote

import requests

from tests.support.smtp import free_port

REPO = Path(__file__).resolve().parents[2]
START_TIMEOUT_SECONDS = 20


@dataclass(frozen=True)
class Provider:
    """A running provider: its issuer and how to give it a person's claims."""

    issuer: str

    def add_person(self, sub: str, **claims: Any) -> None:
        response = requests.put(f"{self.issuer}/users/{quote(sub)}", json=claims, timeout=5)
        response.raise_for_status()

    def authorize(self, authorization_url: str, sub: str) -> str:
        """Submit the provider's authorization form as `sub`: the callback URL it answers."""
        response = requests.post(
            authorization_url, data={"sub": sub}, allow_redirects=False, timeout=5
        )
        if response.status_code != 302:
            raise RuntimeError(f"the provider answered {response.status_code}: {response.text}")
        return str(response.headers["Location"])


def _forced_host(app: Callable[..., Iterable[bytes]], host: str) -> Callable[..., Any]:
    def wrapped(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        if environ.get("PATH_INFO") == "/oauth2/token":
            environ["HTTP_HOST"] = host
        return app(environ, start_response)

    return wrapped


def main() -> None:
    import oidc_provider_mock
    from werkzeug.serving import run_simple

    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--token-issuer-host", default="")
    args = parser.parse_args()
    os.environ["AUTHLIB_INSECURE_TRANSPORT"] = "1"
    app: Any = oidc_provider_mock.app(require_nonce=True)
    if args.token_issuer_host:
        app = _forced_host(app, f"{args.token_issuer_host}:{args.port}")
    run_simple("127.0.0.1", args.port, app, threaded=True)


@contextmanager
def oidc_provider(*, token_issuer_host: str = "") -> Iterator[Provider]:
    """Run a provider process for the block; stopped (and waited for) after it."""
    port = free_port()
    command = [sys.executable, "-m", "tests.support.oidc_provider", "--port", str(port)]
    if token_issuer_host:
        command += ["--token-issuer-host", token_issuer_host]
    process = subprocess.Popen(
        command,
        cwd=REPO,
        env={**os.environ, "PYTHONPATH": str(REPO)},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    provider = Provider(issuer=f"http://127.0.0.1:{port}")
    try:
        deadline = time.monotonic() + START_TIMEOUT_SECONDS
        while True:
            try:
                requests.get(f"{provider.issuer}/.well-known/openid-configuration", timeout=1)
                break
            except requests.ConnectionError:
                if process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError("the OpenID provider did not start") from None
                time.sleep(0.1)
        yield provider
    finally:
        process.terminate()
        process.wait(timeout=10)


if __name__ == "__main__":
    main()
