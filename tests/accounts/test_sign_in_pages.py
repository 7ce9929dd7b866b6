"""Sign-in, sign-out, throttling and password reset pages."""

import re
import runpy

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.core import mail
from django.test import Client
from pytest_django.fixtures import Settings

from accounts.models import User
from tests.factories import UserFactory

PASSWORD = "correct-horse-battery-staple"
pytestmark = pytest.mark.django_db


def test_sign_in_by_email_lands_on_home_and_sign_out_needs_post(client: Client) -> None:
    user = UserFactory.create(full_name="Amira Khan")

    page = client.get("/sign-in/")
    response = client.post("/sign-in/", {"username": user.email, "password": PASSWORD})

    assert page.status_code == 200 and 'autocomplete="email"' in page.content.decode()
    assert response.status_code == 302 and response["Location"] == "/"
    assert "Hello, Amira" in client.get("/").content.decode()
    assert client.get("/sign-out/").status_code == 405
    assert client.post("/sign-out/").status_code == 302
    assert client.get("/").status_code == 302


def test_wrong_password_gives_a_helpful_message_not_an_error(client: Client) -> None:
    user = UserFactory.create()

    response = client.post("/sign-in/", {"username": user.email, "password": "nope"})

    assert response.status_code == 200
    assert "do not match an account" in response.content.decode()


def test_repeated_failures_lock_that_username_from_that_address_only(client: Client) -> None:
    user, other = UserFactory.create(), UserFactory.create()
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post(
            "/sign-in/", {"username": user.email, "password": "wrong"}, REMOTE_ADDR="10.0.0.1"
        )

    locked = client.post(
        "/sign-in/", {"username": user.email, "password": PASSWORD}, REMOTE_ADDR="10.0.0.1"
    )
    elsewhere = Client().post(
        "/sign-in/", {"username": user.email, "password": PASSWORD}, REMOTE_ADDR="10.0.0.2"
    )
    colleague = Client().post(
        "/sign-in/", {"username": other.email, "password": PASSWORD}, REMOTE_ADDR="10.0.0.1"
    )

    assert locked.status_code == 429
    assert "Too many sign-in attempts" in locked.content.decode()
    assert elsewhere.status_code == 302
    assert colleague.status_code == 302


def _behind_one_proxy(settings: Settings, monkeypatch: pytest.MonkeyPatch) -> None:
    """Apply the throttling settings that base.py derives from AXES_PROXY_COUNT=1."""
    monkeypatch.setenv("AXES_PROXY_COUNT", "1")
    from config.settings import base

    derived = runpy.run_path(base.__file__)
    names = ("REVERSE_PROXY_COUNT", "AXES_IPWARE_META_PRECEDENCE_ORDER", "AXES_IPWARE_PROXY_COUNT")
    for name in (*names, "IPWARE_STRICT"):
        setattr(settings, name, derived[name])


def test_behind_a_proxy_failures_lock_that_client_and_account_only(
    client: Client, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Issue 12: requests all come from the proxy; the client is in X-Forwarded-For."""
    _behind_one_proxy(settings, monkeypatch)
    user, other = UserFactory.create(), UserFactory.create()
    for attempt in range(settings.AXES_FAILURE_LIMIT):
        # The attacker's own X-Forwarded-For values are kept; the proxy appends the real address.
        spoofed = f"198.51.100.{attempt}, 203.0.113.7"
        client.post(
            "/sign-in/",
            {"username": user.email, "password": "wrong"},
            HTTP_X_FORWARDED_FOR=spoofed,
            REMOTE_ADDR="10.0.0.1",
        )

    locked = client.post(
        "/sign-in/",
        {"username": user.email, "password": PASSWORD},
        HTTP_X_FORWARDED_FOR="203.0.113.7",
        REMOTE_ADDR="10.0.0.1",
    )
    another_client = Client().post(
        "/sign-in/",
        {"username": user.email, "password": PASSWORD},
        HTTP_X_FORWARDED_FOR="203.0.113.8",
        REMOTE_ADDR="10.0.0.1",
    )
    same_client_other_account = Client().post(
        "/sign-in/",
        {"username": other.email, "password": PASSWORD},
        HTTP_X_FORWARDED_FOR="203.0.113.7",
        REMOTE_ADDR="10.0.0.1",
    )

    assert locked.status_code == 429
    assert another_client.status_code == 302
    assert same_client_other_account.status_code == 302
    assert list(AccessAttempt.objects.values_list("username", "ip_address")) == [
        (user.email, "203.0.113.7")
    ]


def test_without_a_proxy_a_forwarded_for_header_is_ignored(client: Client) -> None:
    user = UserFactory.create()
    for attempt in range(settings.AXES_FAILURE_LIMIT):
        client.post(
            "/sign-in/",
            {"username": user.email, "password": "wrong"},
            HTTP_X_FORWARDED_FOR=f"198.51.100.{attempt}",
            REMOTE_ADDR="203.0.113.7",
        )

    locked = client.post(
        "/sign-in/", {"username": user.email, "password": PASSWORD}, REMOTE_ADDR="203.0.113.7"
    )

    assert locked.status_code == 429
    assert list(AccessAttempt.objects.values_list("ip_address", flat=True)) == ["203.0.113.7"]


def test_password_reset_emails_a_link_that_rejects_common_passwords(client: Client) -> None:
    user = UserFactory.create(email="reset.me@example.org")

    client.post("/password-reset/", {"email": "reset.me@example.org"})
    client.post("/password-reset/", {"email": "nobody@example.org"})

    assert len(mail.outbox) == 1
    link = re.search(r"https?://[^/]+(/password-reset/[^\s]+/)", str(mail.outbox[0].body))
    assert link is not None
    form_page = client.get(link.group(1), follow=True)
    set_url = form_page.redirect_chain[-1][0]
    weak = client.post(set_url, {"new_password1": "password123", "new_password2": "password123"})
    assert "too common" in weak.content.decode()
    strong = client.post(
        set_url, {"new_password1": "tidy-kettle-orbit-42", "new_password2": "tidy-kettle-orbit-42"}
    )
    assert strong.status_code == 302
    user.refresh_from_db()
    assert user.check_password("tidy-kettle-orbit-42")


def test_real_settings_hash_passwords_with_argon2(settings: Settings) -> None:
    from config.settings import base

    settings.PASSWORD_HASHERS = base.PASSWORD_HASHERS
    user = User(email="a@example.org")
    user.set_password("tidy-kettle-orbit-42")

    assert base.PASSWORD_HASHERS[0] == "django.contrib.auth.hashers.Argon2PasswordHasher"
    assert user.password.startswith("argon2$argon2id$")
    assert user.check_password("tidy-kettle-orbit-42")


def test_every_page_sends_a_content_security_policy(client: Client) -> None:
    response = client.get("/sign-in/")

    policy = response["Content-Security-Policy"]
    assert "default-src 'self'" in policy and "object-src 'none'" in policy
    assert "'unsafe-inline'" not in policy


def test_the_attempt_before_the_lock_warns_how_long_the_lock_lasts(client: Client) -> None:
    """Issue 15, item 3: the warning comes with the last failure that does not lock."""
    user = UserFactory.create()
    pages = [
        client.post(
            "/sign-in/", {"username": user.email, "password": "wrong"}, REMOTE_ADDR="10.0.0.1"
        ).content.decode()
        for _ in range(settings.AXES_FAILURE_LIMIT)
    ]
    other_address = Client().post(
        "/sign-in/", {"username": user.email, "password": "wrong"}, REMOTE_ADDR="10.0.0.2"
    )

    warning = "One more wrong password and this account will be locked for 15 minutes."
    warned = [index for index, html in enumerate(pages) if warning in html]
    assert warned == [settings.AXES_FAILURE_LIMIT - 2]
    assert "There is a problem" in pages[-2] and "<title>Error: Sign in" in pages[-2]
    assert "Too many sign-in attempts" in pages[-1]
    assert warning not in other_address.content.decode()
