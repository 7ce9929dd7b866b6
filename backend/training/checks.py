"""System checks: the functions settings name for training to call are there and can be
called as training calls them.

Training sits below the apps that plug into it, so it calls them by dotted path:
`training.completion.module_completed` calls each step in HEARTH_COMPLETION_STEPS as
`step(enrolment=enrolment)`, only when a learner completes a module, and
`training.selectors.certificates_by_enrolment` calls HEARTH_CERTIFICATE_LOOKUP as
`lookup(enrolment_ids=[...])`. These checks (run by `manage.py check`, `runserver` and
`migrate`) find a misnamed or mistyped function at start-up instead.
"""

import inspect
from collections.abc import Sequence
from typing import Any

from django.apps import AppConfig
from django.conf import settings
from django.core.checks import CheckMessage, Error
from django.utils.module_loading import import_string

SETTING = "HEARTH_COMPLETION_STEPS"
# Each setting naming functions training calls, with the one keyword it passes.
PLUGS = {SETTING: "enrolment", "HEARTH_CERTIFICATE_LOOKUP": "enrolment_ids"}


def completion_steps_check(
    app_configs: Sequence[AppConfig] | None, **kwargs: Any
) -> list[CheckMessage]:
    """Every function a PLUGS setting names imports, is callable, and takes its keyword
    keyword-only with nothing else required."""
    errors: list[CheckMessage] = []
    for setting, keyword in PLUGS.items():
        named = getattr(settings, setting, [])
        for path in [named] if isinstance(named, str) else named:
            error = _step_error(path, setting, keyword)
            if error is not None:
                errors.append(error)
    return errors


def _step_error(path: str, setting: str = SETTING, keyword: str = "enrolment") -> Error | None:
    signature = f"(*, {keyword})"
    try:
        step = import_string(path)
    except ImportError as problem:
        return Error(
            f"{setting} names {path!r}, which does not import: {problem}",
            hint="Name a function by its dotted path, "
            "like 'competencies.services.award_for_completion'.",
            obj=path,
            id="hearth.E001",
        )
    if not callable(step):
        return Error(
            f"{setting} names {path!r}, which is not callable.",
            hint=f"Name a function taking {signature}.",
            obj=path,
            id="hearth.E002",
        )
    if not _takes_only(step, keyword):
        return Error(
            f"{setting} names {path!r}, which cannot be called with {keyword}=... alone.",
            hint=f"It takes {signature}: `{keyword}` keyword-only, and nothing else required.",
            obj=path,
            id="hearth.E003",
        )
    return None


def _takes_only(step: Any, keyword: str) -> bool:
    try:
        signature = inspect.signature(step)
    except (TypeError, ValueError):  # no signature to read (some builtins)
        return False
    parameter = signature.parameters.get(keyword)
    if parameter is None or parameter.kind is not inspect.Parameter.KEYWORD_ONLY:
        return False
    try:
        signature.bind(**{keyword: None})
    except TypeError:
        return False
    return True
