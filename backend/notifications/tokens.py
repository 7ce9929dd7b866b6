"""Signed one-click unsubscribe tokens: a person and a kind, nothing else."""

from django.core import signing

SALT = "hearth.notifications.unsubscribe"


def unsubscribe_token(*, person_id: int, kind: str) -> str:
    """A URL-safe token naming one person and one kind of email; it does not expire, so
    the link in an old email still works."""
    return signing.dumps({"p": person_id, "k": kind}, salt=SALT, compress=True)


def read_unsubscribe_token(token: str) -> tuple[int, str] | None:
    """The (person id, kind) a token names, or None if it was tampered with."""
    try:
        data = signing.loads(token, salt=SALT)
    except signing.BadSignature:
        return None
    if not isinstance(data, dict) or not isinstance(data.get("p"), int):
        return None
    return data["p"], str(data.get("k", ""))
