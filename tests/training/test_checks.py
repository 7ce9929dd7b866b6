"""The completion steps named in settings are checked at start-up (issue 14): each one
imports, is callable, and takes `enrolment=` keyword-only, as training.completion calls it."""

import pytest
from django.core.checks import Error
from django.core.management import call_command
from django.core.management.base import SystemCheckError
from django.test import override_settings

from training.checks import completion_steps_check
from training.models import Enrolment

NOT_A_STEP = 42

HERE = "tests.training.test_checks"


def good_step(*, enrolment: Enrolment) -> None:
    """Takes what module_completed passes."""


def positional_step(enrolment: Enrolment) -> None:
    """Could be called as step(enrolment=...), but steps are keyword-only by convention."""


def step_wanting_more(*, enrolment: Enrolment, notify: bool) -> None:
    """Needs an argument module_completed never passes."""


def step_without_enrolment(*, learner: object) -> None:
    """Named its argument differently."""


def ids_for(steps: list[str]) -> list[tuple[str | None, object]]:
    with override_settings(HEARTH_COMPLETION_STEPS=steps):
        return [(message.id, message.obj) for message in completion_steps_check(None)]


@pytest.mark.django_db  # the model checks `check` also runs ask the database what it supports
def test_the_configured_steps_pass() -> None:
    assert completion_steps_check(None) == []
    call_command("check", "--fail-level", "WARNING")  # raises SystemCheckError on any issue


def test_a_good_step_passes() -> None:
    assert ids_for([f"{HERE}.good_step"]) == []


@pytest.mark.parametrize(
    "path",
    [
        "training.services.no_such_step",
        "training.no_such_module.step",
        "nodots",
    ],
)
def test_a_step_that_does_not_import_is_an_error(path: str) -> None:
    assert ids_for([path]) == [("hearth.E001", path)]


def test_a_step_that_is_not_callable_is_an_error() -> None:
    assert ids_for([f"{HERE}.NOT_A_STEP"]) == [("hearth.E002", f"{HERE}.NOT_A_STEP")]


@pytest.mark.parametrize("name", ["positional_step", "step_wanting_more", "step_without_enrolment"])
def test_a_step_with_the_wrong_signature_is_an_error(name: str) -> None:
    assert ids_for([f"{HERE}.{name}"]) == [("hearth.E003", f"{HERE}.{name}")]


def test_each_bad_entry_is_named_and_good_ones_are_not() -> None:
    steps = [
        "competencies.services.award_for_completion",
        "training.services.no_such_step",
        f"{HERE}.NOT_A_STEP",
        "certificates.services.certificate_create_for_completion",
    ]

    with override_settings(HEARTH_COMPLETION_STEPS=steps):
        errors = completion_steps_check(None)

    assert [(e.id, e.obj) for e in errors] == [
        ("hearth.E001", "training.services.no_such_step"),
        ("hearth.E002", f"{HERE}.NOT_A_STEP"),
    ]
    assert all(isinstance(e, Error) for e in errors)
    assert "training.services.no_such_step" in errors[0].msg


@pytest.mark.django_db  # as above
def test_manage_py_check_fails_on_a_bad_step() -> None:
    with (
        override_settings(HEARTH_COMPLETION_STEPS=["training.services.no_such_step"]),
        pytest.raises(SystemCheckError, match=r"hearth\.E001"),
    ):
        call_command("check")


def lookup_wanting_enrolments(*, enrolments: list[int]) -> dict[int, tuple[int, bool]]:
    """Named its argument differently from what training passes (enrolment_ids)."""
    return {}


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("certificates.selectors.current_certificates_by_enrolment", None),
        ("certificates.selectors.no_such_lookup", "hearth.E001"),
        (f"{HERE}.NOT_A_STEP", "hearth.E002"),
        (f"{HERE}.lookup_wanting_enrolments", "hearth.E003"),
    ],
)
def test_the_certificate_lookup_training_calls_is_checked_too(
    path: str, expected: str | None
) -> None:
    with override_settings(HEARTH_CERTIFICATE_LOOKUP=path):
        found = [(message.id, message.obj) for message in completion_steps_check(None)]

    assert found == ([] if expected is None else [(expected, path)])
