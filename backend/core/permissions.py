"""Checks every API view runs after authentication and before its handler (see
REST_FRAMEWORK's DEFAULT_PERMISSION_CLASSES): one place for rules no view may forget."""

from typing import Any

from rest_framework import exceptions, permissions
from rest_framework.request import Request

from core.ids import MAX_ID, MIN_ID, parse_id

ID_MESSAGE = f"A whole number from {MIN_ID} to {MAX_ID}."


def is_id_name(name: str) -> bool:
    """Whether a URL keyword names an object's id (`pk`, `id`, `team_id`, ...)."""
    return name in {"pk", "id"} or name.endswith("_id")


class ValidPathIds(permissions.BasePermission):
    """Every id in the URL is a whole number from 1 to MAX_ID before any query runs: `abc`,
    `-1`, `0` or a 30-digit number is a 400 in the one error shape, on every database."""

    def has_permission(self, request: Request, view: Any) -> bool:
        errors = {
            # The schema calls a router's `pk` `id`, so the error does too.
            ("id" if name == "pk" else name): [ID_MESSAGE]
            for name, value in getattr(view, "kwargs", {}).items()
            if is_id_name(name) and parse_id(value) is None
        }
        if errors:
            raise exceptions.ValidationError(errors)
        return True
