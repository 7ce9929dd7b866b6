"""Certificate numbers and verification codes: random, unambiguous, easy to read aloud.

Both use an alphabet without the characters people confuse (0/O, 1/I/L, U/V), so a
number read over the phone or a code typed from paper comes out right.
"""

import re
import secrets

from django.conf import settings

# 30 symbols: digits 2-9 and letters without I, L, O, U.
ALPHABET = "23456789ABCDEFGHJKMNPQRSTVWXYZ"
NUMBER_GROUPS = 2
NUMBER_GROUP_LENGTH = 4
CODE_LENGTH = 20  # 30**20 is about 2**98: unguessable, and /verify/ is rate-limited.
CODE_SHAPE = re.compile(rf"^[{ALPHABET.lower()}]{{{CODE_LENGTH}}}$")


def _random(length: int) -> str:
    return "".join(secrets.choice(ALPHABET) for _ in range(length))


def new_certificate_number(*, year: int) -> str:
    """A unique-enough number such as HRTH-2026-7KQ4-M2XP (the database enforces unique)."""
    groups = [_random(NUMBER_GROUP_LENGTH) for _ in range(NUMBER_GROUPS)]
    return "-".join([settings.CERTIFICATE_NUMBER_PREFIX, str(year), *groups])


def new_verification_code() -> str:
    """The secret in a certificate's /verify/ address: 20 lower-case unambiguous symbols."""
    return _random(CODE_LENGTH).lower()


def normalise_code(raw: str) -> str | None:
    """A code as typed (any case, stray spaces) in canonical form, or None if it cannot be one."""
    code = raw.strip().lower()
    return code if CODE_SHAPE.match(code) else None
