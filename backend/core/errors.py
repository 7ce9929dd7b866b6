"""The one error type for business-rule failures, raised by services and selectors."""

from collections.abc import Mapping, Sequence


class HearthError(Exception):
    """A business rule refused an action; the API maps it to HTTP in one place.

    `status` is the HTTP status it maps to (400 unless the rule says otherwise),
    `code` a stable machine-readable word, and `fields` per-field messages.
    """

    status = 400
    code = "invalid"

    def __init__(
        self,
        message: str,
        *,
        code: str | None = None,
        fields: Mapping[str, Sequence[str]] | None = None,
        status: int | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        if code is not None:
            self.code = code
        if status is not None:
            self.status = status
        self.fields = {name: list(messages) for name, messages in (fields or {}).items()}


class NotFound(HearthError):
    """The object does not exist, or is outside the caller's scope (never say which)."""

    status = 404
    code = "not_found"

    def __init__(
        self, message: str = "Not found.", *, fields: Mapping[str, Sequence[str]] | None = None
    ) -> None:
        super().__init__(message, fields=fields)


class Conflict(HearthError):
    """The action clashes with the current state of a record."""

    status = 409
    code = "conflict"


class Forbidden(HearthError):
    """The caller is known, but this rule does not let them do this action."""

    status = 403
    code = "forbidden"
