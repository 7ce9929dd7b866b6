"""Issue 15, items 1 and 2: every page with a form, sent with nothing or with nonsense,
answers with GOV.UK's error summary at the top of the main content (before the heading),
links from it to fields that exist, an "Error: " title, and messages in Hearth's words,
never Django's defaults."""

import re
from typing import Any

import pytest
from django.contrib.auth.tokens import default_token_generator
from django.test import Client
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from accounts.models import User
from certificates.forms import ReasonForm
from reporting.forms import QuarterForm
from tests.conftest import World
from tests.factories import ModuleFactory, TOTPDeviceFactory

pytestmark = pytest.mark.django_db

DJANGO_DEFAULTS = (
    "This field is required.",
    "Enter a valid date.",
    "Select a valid choice.",
    "Enter a whole number.",
    "Enter a valid email address.",
    "Ensure this value",
    "password fields didn\u2019t match",
)

# (who signs in, method, path, data sent): empty, then nonsense in every field.
PAGE_FORMS: list[tuple[str | None, str, str, dict[str, Any]]] = [
    (None, "post", "/sign-in/", {}),
    (None, "post", "/sign-in/", {"username": "x" * 300, "password": ""}),
    (None, "post", "/password-reset/", {}),
    (None, "post", "/password-reset/", {"email": "not an address"}),
    ("x_manager_a", "post", "/team/assign/", {}),
    (
        "x_manager_a",
        "post",
        "/team/assign/",
        {
            "module": "999999",
            "team": "999999",
            "learners": ["999999"],
            "due_date": "31/02/2026",
            "due_in_days": "soon",
        },
    ),
    ("x_manager_a", "post", "/team/assign/", {"module": "", "due_in_days": "0"}),
    ("x_assessor_a", "post", "/assess/", {}),
    (
        "x_assessor_a",
        "post",
        "/assess/",
        {
            "learner": "999999",
            "competency": "999999",
            "method": "quiz",
            "outcome": "maybe",
            "level": "9",
            "evidence_note": "x" * 5001,
            "assessed_at": "yesterday",
            "supersedes": "none",
        },
    ),
    ("x_admin", "get", "/dashboard/", {"date_from": "then", "date_to": "now", "team": "999"}),
    ("x_admin", "post", "/compliance/requirements/grace-days/", {}),
    ("x_admin", "post", "/compliance/requirements/grace-days/", {"grace_days": "a month"}),
    ("x_learner_a", "get", "/catalogue/", {"sector": "moon", "topic": "nowhere", "q": "x" * 101}),
    ("x_admin", "post", "/second-factor/set-up/", {}),
    ("x_admin", "post", "/second-factor/set-up/", {"code": "x" * 300}),
    ("x_learner_a", "post", "/second-factor/set-up/", {"code": "not a code"}),
    ("x_admin", "post", "/organisation/people/import/", {"step": "preview"}),
    ("x_admin", "get", "/organisation/people/", {"team": "x", "role": "king", "q": "x" * 101}),
    ("x_admin", "post", "/organisation/people/invite/", {}),
    (
        "x_admin",
        "post",
        "/organisation/people/invite/",
        {"email": "nope", "full_name": "x" * 151, "role": "king", "team": "999999"},
    ),
    ("x_admin", "post", "/organisation/teams/", {}),
    ("x_admin", "post", "/organisation/people/import/", {"step": "apply", "digest": "x" * 300}),
]


def _send(world: World, who: str | None, method: str, path: str, data: dict[str, Any]) -> str:
    client = Client()
    if who is not None:
        client.force_login(getattr(world, who))
    response = getattr(client, method)(path, data)
    assert response.status_code in (200, 400)
    return str(response.content.decode())


def assert_error_summary_first(html: str) -> None:
    """The summary is the first thing in <main>, titled and linked as GOV.UK's is."""
    assert "<title>Error: " in html
    main = html[html.index('<main id="main"') :]
    assert main.index("data-error-summary") < main.index("<h1")
    summary = main[main.index("data-error-summary") : main.index("</div>")]
    assert 'role="alert"' in html and "There is a problem" in summary
    targets = re.findall(r'href="#([^"]+)"', summary)
    assert targets, summary
    for target in targets:
        assert f'id="{target}"' in html, target


def assert_in_hearths_words(html: str) -> None:
    for default in DJANGO_DEFAULTS:
        assert default not in html, default


@pytest.mark.parametrize(("who", "method", "path", "data"), PAGE_FORMS)
def test_a_page_form_with_errors_shows_the_summary_first_in_hearths_words(
    world: World, who: str | None, method: str, path: str, data: dict[str, Any]
) -> None:
    ModuleFactory.create()

    html = _send(world, who, method, path, data)

    assert_error_summary_first(html)
    assert_in_hearths_words(html)


@pytest.mark.parametrize(
    "data",
    [
        {"action": "add"},
        {"action": "add", "add-role": "king", "add-team": "999999"},
        {"action": "deactivate"},
    ],
)
def test_a_persons_page_with_errors_shows_the_summary_first_in_hearths_words(
    world: World, data: dict[str, str]
) -> None:
    path = f"/organisation/{world.org_x.pk}/people/{world.x_learner_a.pk}/"

    html = _send(world, "x_admin", "post", path, data)

    assert_error_summary_first(html)
    assert_in_hearths_words(html)


@pytest.mark.parametrize(
    "data",
    [{}, {"new_password1": "one long passphrase", "new_password2": "another passphrase"}],
)
def test_setting_a_password_with_errors_shows_the_summary_first_in_hearths_words(
    world: World, data: dict[str, str]
) -> None:
    user: User = world.x_learner_a
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    client = Client()
    link = client.get(f"/password-reset/{uid}/{default_token_generator.make_token(user)}/")

    html = client.post(link["Location"], data).content.decode()

    assert_error_summary_first(html)
    assert_in_hearths_words(html)


@pytest.mark.parametrize("data", [{}, {"quarter": "1999-Q1"}])
def test_the_quarter_form_refuses_in_hearths_words(data: dict[str, str]) -> None:
    form = QuarterForm(data)

    assert not form.is_valid()
    assert form.errors["quarter"] in (
        ["Choose a quarter."],
        ["Choose one of the last eight quarters."],
    )


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({}, "Enter a reason for revoking the certificate."),
        ({"revoke-reason": "x" * 501}, "Keep the reason to 500 characters or fewer."),
    ],
)
def test_the_reason_form_refuses_in_hearths_words(data: dict[str, str], message: str) -> None:
    form = ReasonForm(
        data,
        prefix="revoke",
        label="Reason for revoking",
        help_text="",
        required="Enter a reason for revoking the certificate.",
    )

    assert form.errors == {"reason": [message]}


@pytest.mark.parametrize(
    "data", [{}, {"code": "x" * 300, "remember": "maybe"}, {"code": "000000"}, {"code": "nope"}]
)
def test_the_second_factor_code_page_refuses_in_hearths_words(
    world: World, data: dict[str, str]
) -> None:
    user: User = world.x_admin
    TOTPDeviceFactory.create(user=user)
    client = Client()
    client.force_login(user)  # signing in finds the authenticator: the code page asks

    html = client.post("/second-factor/", data).content.decode()

    assert_error_summary_first(html)
    assert_in_hearths_words(html)
