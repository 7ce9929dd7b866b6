"""A reason given for an action and kept with the record it changed (a certificate's
revocation or reissue, an enrolment's extension or withdrawal): one rule for them all."""

from core.errors import HearthError

REASON_MAX_LENGTH = 500


def reason_cleaned(reason: str, *, required: bool = True) -> str:
    """The reason on one line (runs of spaces and line breaks become one space), at most
    500 characters; refused when it is required and empty."""
    cleaned = " ".join((reason or "").split())
    if required and not cleaned:
        raise HearthError("Give a reason.", fields={"reason": ["Say why."]})
    if len(cleaned) > REASON_MAX_LENGTH:
        raise HearthError(
            "The reason is too long.",
            fields={"reason": [f"At most {REASON_MAX_LENGTH} characters."]},
        )
    return cleaned
