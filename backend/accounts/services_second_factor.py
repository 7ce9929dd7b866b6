"""Every write of the second factor (docs/adr/0023): an authenticator being set up and
confirmed, codes checked (django-otp records the last time step used and its throttling),
recovery codes made again, the authenticator reset."""

import time
from dataclasses import dataclass
from enum import StrEnum

from django.db import transaction
from django.utils import timezone
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import User

RECOVERY_CODE_COUNT = 10
TOTP_NAME = "Authenticator app"
RECOVERY_NAME = "Recovery codes"


class Outcome(StrEnum):
    ACCEPTED = "accepted"
    WRONG = "wrong"
    REUSED = "reused"
    THROTTLED = "throttled"
    NO_DEVICE = "no_device"


@dataclass(frozen=True)
class Check:
    """What checking a code came to; `wait_seconds` when throttled."""

    outcome: Outcome
    wait_seconds: int = 0
    recovery_code: bool = False

    @property
    def accepted(self) -> bool:
        return self.outcome == Outcome.ACCEPTED


def totp_device_for_setup(*, user: User) -> TOTPDevice:
    """The authenticator being set up: one unconfirmed device, made the first time."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("pk").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=TOTP_NAME, confirmed=False)
    return device


def confirmed_totp_device(user: User) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=True).order_by("pk").first()


def _normalised(code: str) -> str:
    return "".join(code.split()).replace("-", "").lower()


def _throttled(device: TOTPDevice | StaticDevice) -> Check | None:
    allowed, data = device.verify_is_allowed()
    if allowed:
        return None
    locked_until = (data or {}).get("locked_until")
    wait = 1
    if locked_until is not None:
        wait = max(1, int((locked_until - timezone.now()).total_seconds() + 0.999))
    return Check(Outcome.THROTTLED, wait_seconds=wait)


def _was_used_already(device: TOTPDevice, code: str) -> bool:
    """A right code for a time step already used (django-otp refuses any step at or before
    the last one it accepted): said so, rather than "wrong"."""
    if not code.isdigit() or device.last_t < 0:
        return False
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time()
    return bool(totp.verify(int(code), device.tolerance, 0))


def _check_totp(device: TOTPDevice, code: str) -> Check:
    throttled = _throttled(device)
    if throttled is not None:
        return throttled
    if device.verify_token(code):
        return Check(Outcome.ACCEPTED)
    return Check(Outcome.REUSED if _was_used_already(device, code) else Outcome.WRONG)


def _check_recovery(user: User, code: str) -> Check:
    device = StaticDevice.objects.filter(user=user, confirmed=True).order_by("pk").first()
    if device is None:
        return Check(Outcome.WRONG, recovery_code=True)
    throttled = _throttled(device)
    if throttled is not None:
        return Check(throttled.outcome, throttled.wait_seconds, recovery_code=True)
    if device.verify_token(code):
        return Check(Outcome.ACCEPTED, recovery_code=True)
    return Check(Outcome.WRONG, recovery_code=True)


def code_check(*, user: User, code: str) -> Check:
    """A six-digit code from the authenticator app, or else one of the recovery codes
    (each works once: django-otp deletes it when used)."""
    code = _normalised(code)
    device = confirmed_totp_device(user)
    if device is None:
        return Check(Outcome.NO_DEVICE)
    if code.isdigit() and len(code) == device.digits:
        return _check_totp(device, code)
    return _check_recovery(user, code)


def _recovery_codes_replace(user: User) -> list[str]:
    StaticDevice.objects.filter(user=user).delete()
    device = StaticDevice.objects.create(user=user, name=RECOVERY_NAME, confirmed=True)
    codes = [StaticToken.random_token() for _ in range(RECOVERY_CODE_COUNT)]
    StaticToken.objects.bulk_create([StaticToken(device=device, token=c) for c in codes])
    return codes


@transaction.atomic
def totp_setup_confirm(*, user: User, code: str) -> tuple[Check, list[str]]:
    """Check the first code from the app being set up; if right, it becomes the person's
    authenticator and they get new recovery codes (shown once, answered here)."""
    device = totp_device_for_setup(user=user)
    check = _check_totp(device, _normalised(code))
    if not check.accepted:
        return check, []
    TOTPDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    return check, _recovery_codes_replace(user)


@transaction.atomic
def recovery_codes_regenerate(*, user: User) -> list[str]:
    """New recovery codes; every earlier one stops working."""
    return _recovery_codes_replace(user)


@transaction.atomic
def second_factor_reset(*, user: User) -> None:
    """Forget the authenticator and recovery codes. Every remembered device is forgotten
    with them: the remember cookie is signed with the old authenticator's secret."""
    TOTPDevice.objects.filter(user=user).delete()
    StaticDevice.objects.filter(user=user).delete()
