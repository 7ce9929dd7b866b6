"""Pages of the second factor (docs/adr/0023): set up an authenticator app, enter a code
after the password, and manage it (new recovery codes, reset). The middleware in
accounts.second_factor sends a held session to the first two."""

from base64 import b32encode

import segno
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.defaultfilters import pluralize
from django.views.decorators.http import require_http_methods, require_POST
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts import second_factor, services_second_factor
from accounts.forms_second_factor import ChallengeForm, SetupCodeForm
from accounts.models import User
from accounts.services_second_factor import Check, Outcome

QR_SCALE = 5


def refusal(check: Check) -> str:
    """Why a code was not accepted, in Hearth's words."""
    if check.outcome == Outcome.THROTTLED:
        return (
            f"Too many wrong codes in a row. Wait {check.wait_seconds} second"
            f"{pluralize(check.wait_seconds)}, then enter "
            "the code your app shows at that time."
        )
    if check.outcome == Outcome.REUSED:
        return (
            "That code has already been used. Wait for your authenticator app to show a "
            "new code, then enter it."
        )
    if check.recovery_code:
        return (
            "That is not one of your recovery codes, or it has already been used: each "
            "recovery code works once. Check it, or enter the code from your app."
        )
    return (
        "That code is not right. Enter the 6-digit code your authenticator app shows now "
        "for Hearth."
    )


def _user(request: HttpRequest) -> User:
    user = request.user
    if not isinstance(user, User):  # login_required has let only a person through
        raise TypeError("A signed-in person is needed here.")
    return user


def _secret_text(device: TOTPDevice) -> str:
    secret = b32encode(device.bin_key).decode("ascii").rstrip("=")
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


def _qr_data_uri(device: TOTPDevice) -> str:
    # An inline SVG data URI: no request leaves the page, and the CSP allows data: images.
    return str(segno.make(device.config_url, error="m").svg_data_uri(scale=QR_SCALE))


def _recovery_codes_page(
    request: HttpRequest, codes: list[str], *, first: bool, to: str = ""
) -> HttpResponse:
    context = {"codes": codes, "first": first, "next": to or second_factor.safe_next(request, "")}
    return render(request, "accounts/second_factor_recovery_codes.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def setup(request: HttpRequest) -> HttpResponse:
    """Scan the QR code (or type the secret shown as text), then confirm with a code; the
    recovery codes are then shown, once."""
    user = _user(request)
    if services_second_factor.confirmed_totp_device(user) is not None:
        return redirect("second-factor-manage")
    device = services_second_factor.totp_device_for_setup(user=user)
    target = second_factor.safe_next(request, request.POST.get("next") or request.GET.get("next"))
    form = SetupCodeForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        check, codes = services_second_factor.totp_setup_confirm(
            user=user, code=form.cleaned_data["code"]
        )
        if check.accepted:
            second_factor.mark_verified(request)
            return _recovery_codes_page(request, codes, first=True, to=target)
        form.add_error("code", refusal(check))
    context = {
        "form": form,
        "qr": _qr_data_uri(device),
        "secret": _secret_text(device),
        "required": second_factor.session_state(request) == second_factor.SETUP,
        "next": target,
    }
    return render(
        request, "accounts/second_factor_setup.html", context, status=400 if form.errors else 200
    )


@login_required
@require_http_methods(["GET", "POST"])
def challenge(request: HttpRequest) -> HttpResponse:
    """After the password: a code from the app or a recovery code, and whether to remember
    this device."""
    user = _user(request)
    state = second_factor.session_state(request)
    target = second_factor.safe_next(request, request.POST.get("next") or request.GET.get("next"))
    if state == second_factor.SETUP:
        return redirect("second-factor-setup")
    if state != second_factor.CHALLENGE:
        return redirect(target)
    form = ChallengeForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        check = services_second_factor.code_check(user=user, code=form.cleaned_data["code"])
        if check.accepted:
            return _let_in(request, user, check, remember=form.cleaned_data["remember"], to=target)
        form.add_error("code", refusal(check))
    return render(
        request,
        "accounts/second_factor_challenge.html",
        {"form": form, "next": target},
        status=400 if form.errors else 200,
    )


def _let_in(
    request: HttpRequest, user: User, check: Check, *, remember: bool, to: str
) -> HttpResponse:
    second_factor.mark_verified(request)
    if check.recovery_code:
        left = second_factor.recovery_codes_left(user)
        messages.warning(
            request,
            f"You used a recovery code: {left} left. If you no longer have your "
            "authenticator app, reset it from Sign-in security.",
        )
    response = redirect(to)
    device = services_second_factor.confirmed_totp_device(user)
    if remember and device is not None:
        second_factor.remember_device(response, user, device.key)
    return response


@login_required
@require_http_methods(["GET"])
def manage(request: HttpRequest) -> HttpResponse:
    """Sign-in security: whether an authenticator is set up, how many recovery codes are
    left, and buttons to make new ones or reset the authenticator."""
    user = _user(request)
    device = services_second_factor.confirmed_totp_device(user)
    context = {
        "device": device,
        "codes_left": second_factor.recovery_codes_left(user),
        "required": second_factor.is_required_for(user),
        "remember_days": settings.SECOND_FACTOR_REMEMBER_DAYS,
    }
    return render(request, "accounts/second_factor_manage.html", context)


@login_required
@require_POST
def recovery_codes(request: HttpRequest) -> HttpResponse:
    """Make new recovery codes (the old ones stop working) and show them once."""
    user = _user(request)
    if services_second_factor.confirmed_totp_device(user) is None:
        return redirect("second-factor-setup")
    codes = services_second_factor.recovery_codes_regenerate(user=user)
    return _recovery_codes_page(request, codes, first=False)


@login_required
@require_POST
def reset(request: HttpRequest) -> HttpResponse:
    """Forget the authenticator, its recovery codes and every remembered device."""
    user = _user(request)
    services_second_factor.second_factor_reset(user=user)
    required = second_factor.is_required_for(user)
    second_factor.mark_needs_setup(request, required=required)
    if required:
        messages.success(request, "Your authenticator was reset. Set up your app again.")
        response = redirect("second-factor-setup")
    else:
        messages.success(request, "Your authenticator was reset. Hearth will not ask for a code.")
        response = redirect("second-factor-manage")
    response.delete_cookie(second_factor.REMEMBER_COOKIE, samesite="Lax")
    return response
