"""System checks: the completion steps named in settings are there and can be called.

`training.completion.module_completed` calls each step in settings.HEARTH_COMPLETION_STEPS
as `step(enrolment=enrolment)`, and only when a learner completes a module; these checks
(run by `manage.py check`, `runserver` and `migrate`) find a misnamed or mistyped step
at start-up instead.
"""

import inspect
from collections.abc import Sequence
from typing import Any

from django.apps import AppConfig
from django.conf import settings
from django.core.checks import CheckMessage, Error
from django.utils.module_loading import import_string

SETTING = "HEARTH_COMPLETION_STEPS"
STEP_SIGNATURE = "(*, enrolment)"


def completion_steps_check(
    app_configs: Sequence[AppConfig] | None, **kwargs: Any
) -> list[CheckMessage]:
    """Every completion step imports, is callable, and takes `enrolment=` keyword-only
    with nothing else required."""
    errors: list[CheckMessage] = []
    for path in getattr(settings, SETTING, []):
        error = _step_error(path)
        if error is not None:
            errors.append(error)
    return errors


def _step_error(path: str) -> Error | None:
    try:
        step = import_string(path)
    except ImportError as problem:
        return Error(
            f"{SETTING} names {path!r}, which does not import: {problem}",
            hint="Name a function by its dotted path, "
            "like 'competencies.services.award_for_completion'.",
            obj=path,
            id="hearth.E001",
        )
    if not callable(step):
        return Error(
            f"{SETTING} names {path!r}, which is not callable.",
            hint=f"Name a function taking {STEP_SIGNATURE}.",
            obj=path,
            id="hearth.E002",
        )
    if not _takes_enrolment_only(step):
        return Error(
            f"{SETTING} names {path!r}, which cannot be called as step(enrolment=...).",
            hint=f"A completion step takes {STEP_SIGNATURE}: `enrolment` keyword-only, "
            "and nothing else required.",
            obj=path,
            id="hearth.E003",
        )
    return None


def _takes_enrolment_only(step: Any) -> bool:
    try:
        signature = inspect.signature(step)
    except (TypeError, ValueError):  # no signature to read (some builtins)
        return False
    parameter = signature.parameters.get("enrolment")
    if parameter is None or parameter.kind is not inspect.Parameter.KEYWORD_ONLY:
        return False
    try:
        signature.bind(enrolment=None)
    except TypeError:
        return False
    return True
