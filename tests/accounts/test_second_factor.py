"""Issue 16, must-show 2: a second factor (TOTP, codes computed here with pyotp) is required
of an org admin whose organisation says so; a wrong and a reused code are refused; each
recovery code works once; a remembered device skips the code until it expires."""

import re
from base64 import b32encode
from datetime import UTC, datetime, timedelta

import pyotp
import pytest
import time_machine
from django.http import HttpRequest
from django.test import Client
from pytest_django import DjangoAssertNumQueries

from accounts import second_factor
from accounts.models import Organisation, OrganisationAPIKey, Role, User
from accounts.services_second_factor import confirmed_totp_device
from core.api import error_body
from tests.factories import MembershipFactory, OrganisationFactory, TeamFactory, UserFactory

PASSWORD = "correct-horse-battery-staple"
# The start of a 30-second step, plus 2 s: every step below stays inside one step.
T0 = datetime(2026, 3, 2, 9, 0, 2, tzinfo=UTC)
pytestmark = pytest.mark.django_db


def person(organisation: Organisation, role: str) -> User:
    user = UserFactory.create()
    team = None if role == Role.ORG_ADMIN else TeamFactory.create(organisation=organisation)
    MembershipFactory.create(user=user, organisation=organisation, team=team, role=role)
    return user


def requiring() -> Organisation:
    return OrganisationFactory.create(second_factor_required=True)


def sign_in(client: Client, user: User) -> str:
    response = client.post("/sign-in/", {"username": user.email, "password": PASSWORD})
    assert response.status_code == 302
    return str(response["Location"])


def totp_for(user: User) -> pyotp.TOTP:
    device = confirmed_totp_device(user)
    assert device is not None
    return pyotp.TOTP(b32encode(device.bin_key).decode())


def set_up(client: Client) -> tuple[pyotp.TOTP, list[str]]:
    """Set up as a person would: read the secret as the page shows it, type a code."""
    page = client.get("/second-factor/set-up/").content.decode()
    secret = re.search(r"<code data-secret>([A-Z2-7 ]+)</code>", page)
    assert secret is not None
    totp = pyotp.TOTP(secret.group(1).replace(" ", ""))
    shown = client.post("/second-factor/set-up/", {"code": totp.now()})
    assert shown.status_code == 200
    codes = re.findall(r"<code data-recovery-code>([a-z2-7]+)</code>", shown.content.decode())
    return totp, codes


def enter(client: Client, code: str, **extra: str) -> tuple[int, str]:
    response = client.post("/second-factor/", {"code": code, **extra})
    return response.status_code, response.content.decode()


@pytest.mark.parametrize("role", [Role.ORG_ADMIN, Role.MANAGER, Role.ASSESSOR])
def test_a_role_of_a_requiring_organisation_must_set_up_before_any_page_or_api(
    client: Client, role: str
) -> None:
    user = person(requiring(), role)

    with time_machine.travel(T0, tick=False):
        landing = sign_in(client, user)
        held = {path: client.get(path) for path in ("/", "/catalogue/", "/second-factor/")}
        api = client.get("/api/v1/me/")
        _, codes = set_up(client)
        home, me = client.get("/"), client.get("/api/v1/me/")

    assert landing == "/"
    for path, response in held.items():
        assert response.status_code == 302
        assert response["Location"].startswith("/second-factor/set-up/"), path
    assert held["/catalogue/"]["Location"] == "/second-factor/set-up/?next=%2Fcatalogue%2F"
    assert api.status_code == 403
    assert api.json() == error_body(
        status=403, code="second_factor_required", message=api.json()["error"]["message"]
    )
    assert len(codes) == 10 and len(set(codes)) == 10
    assert home.status_code == 200 and me.status_code == 200


def test_setting_up_refuses_a_wrong_code_in_hearths_words(client: Client) -> None:
    user = person(requiring(), Role.ORG_ADMIN)
    sign_in(client, user)

    status, html = (lambda r: (r.status_code, r.content.decode()))(
        client.post("/second-factor/set-up/", {"code": "000000"})
    )

    assert status == 400
    assert "That code is not right" in html and "<title>Error: " in html
    assert client.get("/").status_code == 302


def test_a_right_code_lets_in_and_a_wrong_or_reused_one_is_refused(client: Client) -> None:
    user = person(requiring(), Role.ORG_ADMIN)
    with time_machine.travel(T0 - timedelta(minutes=5), tick=False):
        sign_in(client, user)
        set_up(client)
        client.post("/sign-out/")
    totp = totp_for(user)

    with time_machine.travel(T0, tick=False) as clock:
        assert sign_in(client, user) == "/"
        assert client.get("/")["Location"] == "/second-factor/?next=%2F"
        wrong = enter(client, "123456" if totp.now() != "123456" else "654321")
        too_soon = enter(client, totp.now())
        clock.shift(2)
        right = client.post("/second-factor/", {"code": totp.now(), "next": "/catalogue/"})
        home = client.get("/")
        client.post("/sign-out/")
        clock.shift(2)
        sign_in(client, user)
        reused = enter(client, totp.now())
        still_held = client.get("/")

    assert wrong[0] == 400 and "That code is not right" in wrong[1]
    assert too_soon[0] == 400 and "Too many wrong codes in a row. Wait 1 second," in too_soon[1]
    assert right.status_code == 302 and right["Location"] == "/catalogue/"
    assert home.status_code == 200
    assert reused[0] == 400 and "That code has already been used" in reused[1]
    assert still_held.status_code == 302


def test_each_recovery_code_works_once(client: Client) -> None:
    user = person(requiring(), Role.ORG_ADMIN)
    with time_machine.travel(T0, tick=False) as clock:
        sign_in(client, user)
        _, codes = set_up(client)
        answers = []
        for code in (codes[0], codes[0], codes[1]):
            client.post("/sign-out/")
            clock.shift(3)
            sign_in(client, user)
            answers.append(client.post("/second-factor/", {"code": code.upper()}))

    first, again, other = answers
    assert first.status_code == 302 and first["Location"] == "/"
    assert again.status_code == 400
    assert "has already been used: each recovery code works once" in again.content.decode()
    assert other.status_code == 302
    assert second_factor.recovery_codes_left(user) == 8


def test_new_recovery_codes_replace_the_old_ones(client: Client) -> None:
    user = person(requiring(), Role.ORG_ADMIN)
    with time_machine.travel(T0, tick=False) as clock:
        sign_in(client, user)
        _, old = set_up(client)
        page = client.post("/second-factor/recovery-codes/").content.decode()
        new = re.findall(r"<code data-recovery-code>([a-z2-7]+)</code>", page)
        client.post("/sign-out/")
        sign_in(client, user)
        refused = enter(client, old[2])
        clock.shift(2)
        accepted = client.post("/second-factor/", {"code": new[2]})

    assert len(new) == 10 and not set(new) & set(old)
    assert refused[0] == 400
    assert accepted.status_code == 302


def test_a_remembered_device_skips_the_code_until_it_expires(client: Client) -> None:
    user = person(requiring(), Role.ORG_ADMIN)
    with time_machine.travel(T0, tick=False) as clock:
        sign_in(client, user)
        set_up(client)
        client.post("/sign-out/")
        clock.shift(60)
        sign_in(client, user)
        let_in = client.post("/second-factor/", {"code": totp_for(user).now(), "remember": "on"})
        cookie = let_in.cookies[second_factor.REMEMBER_COOKIE]
        client.post("/sign-out/")
        clock.shift(timedelta(days=29, hours=23))
        sign_in(client, user)
        within = client.get("/")
        client.post("/sign-out/")
        clock.shift(timedelta(hours=2))
        sign_in(client, user)
        after = client.get("/")

    assert cookie["httponly"] and cookie["max-age"] == 30 * 24 * 60 * 60
    assert within.status_code == 200
    assert after.status_code == 302 and after["Location"].startswith("/second-factor/?")


def test_resetting_the_authenticator_forgets_remembered_devices(client: Client) -> None:
    user = person(requiring(), Role.ORG_ADMIN)
    with time_machine.travel(T0, tick=False) as clock:
        sign_in(client, user)
        set_up(client)
        client.post("/sign-out/")
        clock.shift(60)
        sign_in(client, user)
        client.post("/second-factor/", {"code": totp_for(user).now(), "remember": "on"})
        kept = client.cookies[second_factor.REMEMBER_COOKIE].value
        reset = client.post("/second-factor/reset/")
        set_up(client)
        client.post("/sign-out/")
        client.cookies[second_factor.REMEMBER_COOKIE] = kept
        sign_in(client, user)
        held = client.get("/")

    assert reset["Location"] == "/second-factor/set-up/"
    assert held.status_code == 302 and held["Location"].startswith("/second-factor/?")


def test_an_organisation_that_does_not_require_it_never_asks(client: Client) -> None:
    user = person(OrganisationFactory.create(), Role.ORG_ADMIN)

    sign_in(client, user)

    assert client.get("/").status_code == 200
    assert second_factor.STATE_KEY not in client.session


def test_a_manager_of_a_requiring_organisation_is_asked_and_a_learner_is_not() -> None:
    organisation = requiring()
    manager, learner = Client(), Client()
    sign_in(manager, person(organisation, Role.MANAGER))
    sign_in(learner, person(organisation, Role.LEARNER))

    assert manager.get("/").status_code == 302
    assert learner.get("/").status_code == 200
    assert learner.get("/second-factor/")["Location"] == "/"


def test_a_learner_who_opts_in_is_asked_from_then_on(client: Client) -> None:
    user = person(requiring(), Role.LEARNER)
    with time_machine.travel(T0, tick=False):
        sign_in(client, user)
        set_up(client)
        client.post("/sign-out/")
        sign_in(client, user)
        held = client.get("/")

    assert held.status_code == 302 and held["Location"].startswith("/second-factor/?")


def test_an_api_key_is_never_held_even_beside_a_held_session(client: Client) -> None:
    organisation = requiring()
    _, key = OrganisationAPIKey.objects.create_key(name="HR", organisation=organisation)
    sign_in(client, person(organisation, Role.ORG_ADMIN))

    held = client.get("/api/v1/teams/")
    with_key = client.get("/api/v1/teams/", HTTP_AUTHORIZATION=f"Api-Key {key}")

    assert held.status_code == 403
    assert with_key.status_code == 200


def test_a_provider_that_asserts_mfa_is_not_asked_again() -> None:
    """The single sign-on hook: `amr` with a second factor vouches; a password alone not."""
    user = person(requiring(), Role.ORG_ADMIN)
    asserted, password_only = Client(), Client()
    for client in (asserted, password_only):
        client.force_login(user)
        assert client.get("/").status_code == 302

    def vouch(client: Client, amr: list[str]) -> bool:
        request = HttpRequest()
        request.session = client.session
        answer = second_factor.accept_provider_mfa(request, amr)
        request.session.save()
        return answer

    assert vouch(asserted, ["pwd", "mfa"]) is True
    assert vouch(password_only, ["pwd"]) is False
    assert asserted.get("/").status_code == 200
    assert password_only.get("/").status_code == 302


def test_a_held_page_answers_in_two_queries(
    client: Client, django_assert_num_queries: DjangoAssertNumQueries
) -> None:
    sign_in(client, person(requiring(), Role.ORG_ADMIN))

    with django_assert_num_queries(2):  # the session, the person
        response = client.get("/catalogue/")

    assert response.status_code == 302


def test_platform_staff_turn_the_requirement_on_in_the_admin(client: Client) -> None:
    staff = User.objects.create_superuser("staff@example.org", PASSWORD, full_name="Sam Staff")
    organisation = OrganisationFactory.create()
    client.force_login(staff)
    url = f"/admin/accounts/organisation/{organisation.pk}/change/"
    form = client.get(url).content.decode()
    data = {
        "name": organisation.name,
        "slug": organisation.slug,
        "sector": organisation.sector,
        "quiz_answers_shown": organisation.quiz_answers_shown,
        "second_factor_required": "on",
        "created_at_0": "2026-12-01",
        "created_at_1": "09:00:00",
    }

    response = client.post(url, data)

    assert 'name="second_factor_required"' in form
    assert response.status_code == 302
    organisation.refresh_from_db()
    assert organisation.second_factor_required


def test_after_setting_up_the_codes_page_continues_to_the_page_first_asked_for(
    client: Client,
) -> None:
    user = person(requiring(), Role.ORG_ADMIN)
    with time_machine.travel(T0, tick=False):
        sign_in(client, user)
        held = client.get("/catalogue/")
        page = client.get(held["Location"]).content.decode()
        secret = re.search(r"<code data-secret>([A-Z2-7 ]+)</code>", page)
        assert secret is not None
        code = pyotp.TOTP(secret.group(1).replace(" ", "")).now()
        shown = client.post("/second-factor/set-up/", {"code": code, "next": "/catalogue/"})
        elsewhere = client.post("/second-factor/reset/")
        evil = client.get("/second-factor/set-up/?next=https://evil.example/").content.decode()

    assert 'name="next" value="/catalogue/"' in page
    assert '<a class="button" href="/catalogue/">' in shown.content.decode()
    assert elsewhere["Location"] == "/second-factor/set-up/"
    assert 'name="next" value="/"' in evil
