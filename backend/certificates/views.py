"""Server-rendered pages: a person's certificates (and their teams' or organisation's),
one certificate with its PDF, revoking and reissuing, and public verification.

Pages read through certificates.selectors with the request's actor and write
through certificates.services. Anything out of scope is a 404; a business rule's
refusal is shown on the page, never as a server error.
"""

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from accounts.selectors import Actor, actor_from_request
from certificates import selectors, services
from certificates.forms import ReasonForm
from certificates.models import Certificate
from certificates.throttling import verification_allowed
from core.downloads import attachment
from core.errors import NotFound
from core.pages import not_found_as_404, refusal_as_message, refusal_caught

PAGE_SIZE = 50
# An org admin's actions on a certificate's page, each with its reason form: the label,
# help text and missing-reason message of the reason, by the form's prefix.
REASON_FORMS = {
    "revoke": (
        "Reason for revoking",
        "Say why, for the record. The certificate's check page will say it was revoked.",
        "Enter a reason for revoking the certificate.",
    ),
    "reissue": (
        "Reason for reissuing",
        "For example, a change of name. The new certificate uses the person's name as it is "
        "now and gets a new number; this one will show as replaced.",
        "Enter a reason for reissuing the certificate.",
    ),
}


def _reason_form(action: str, data: Any = None) -> ReasonForm:
    label, help_text, required = REASON_FORMS[action]
    return ReasonForm(data, prefix=action, label=label, help_text=help_text, required=required)


def _can_manage(actor: Actor, certificate: Certificate) -> bool:
    return actor.user_id is not None and certificate.organisation_id in actor.admin_organisation_ids


@login_required
@require_GET
def certificate_list(request: HttpRequest) -> HttpResponse:
    """Your certificates; for managers and org admins, their people's too, and for org
    admins a line saying how many certificates are still failing to issue, with a link to
    the background work page where they are tried again."""
    actor = actor_from_request(request)
    others = None
    if actor.is_manager or actor.is_org_admin:
        paginator = Paginator(selectors.certificates_of_others_visible_to(actor), PAGE_SIZE)
        others = paginator.get_page(request.GET.get("page"))
    return render(
        request,
        "certificates/list.html",
        {
            "own": list(selectors.certificates_of(actor)),
            "others": others,
            "others_heading": "Your organisation's certificates"
            if actor.is_org_admin
            else "Your teams' certificates",
            "failing_issue_jobs": selectors.issue_jobs_failing_count(actor)
            if actor.is_org_admin
            else 0,
        },
    )


def _detail(
    request: HttpRequest,
    certificate: Certificate,
    *,
    posted: dict[str, ReasonForm] | None = None,
    status: int = 200,
) -> HttpResponse:
    """The certificate's page, with the reason form just posted (by action) and its errors."""
    actor = actor_from_request(request)
    forms = {action: _reason_form(action) for action in REASON_FORMS} | (posted or {})
    return render(
        request,
        "certificates/detail.html",
        {
            "certificate": certificate,
            "is_own": certificate.learner_id == actor.user_id,
            "can_manage": _can_manage(actor, certificate),
            "revoke_form": forms["revoke"],
            "reissue_form": forms["reissue"],
        },
        status=status,
    )


def _act_with_reason(
    request: HttpRequest,
    certificate_id: int,
    *,
    action: str,
    act: Callable[..., Certificate],
    done: Callable[[Certificate, Certificate], str],
) -> HttpResponse:
    """Post an org admin's action with its reason form: call the service `act`, then go
    to the certificate it returns saying `done(certificate, result)`; an invalid reason or
    the service's refusal shows the page again with the form and the error."""
    actor = actor_from_request(request)
    certificate = selectors.certificate_get(actor=actor, certificate_id=certificate_id)
    form = _reason_form(action, request.POST)
    if not form.is_valid():
        return _detail(request, certificate, posted={action: form}, status=400)
    with refusal_caught() as refusal:
        result = act(actor=actor, certificate=certificate, reason=form.cleaned_data["reason"])
    if refusal.error is not None:
        form.add_error("reason" if refusal.error.fields else None, refusal.error.message)
        return _detail(request, certificate, posted={action: form}, status=refusal.error.status)
    messages.success(request, done(certificate, result))
    return redirect("certificate", certificate_id=result.pk)


@login_required
@require_GET
@not_found_as_404
def certificate_detail(request: HttpRequest, certificate_id: int) -> HttpResponse:
    """One certificate: what it says, its status, the PDF, and an admin's actions."""
    actor = actor_from_request(request)
    return _detail(request, selectors.certificate_get(actor=actor, certificate_id=certificate_id))


@login_required
@require_GET
@not_found_as_404
def certificate_pdf(request: HttpRequest, certificate_id: int) -> HttpResponseBase:
    """Download the PDF: signed in and in scope, like the certificate itself. While it is
    still being prepared, the certificate's page says so."""
    actor = actor_from_request(request)
    certificate = selectors.certificate_get(actor=actor, certificate_id=certificate_id)
    with refusal_as_message(request) as refusal:
        pdf = selectors.certificate_pdf_file(certificate)
    if refusal.error is not None:
        return redirect("certificate", certificate_id=certificate.pk)
    return attachment(pdf, filename=f"{certificate.number}.pdf", content_type="application/pdf")


@login_required
@require_POST
@not_found_as_404
def certificate_revoke(request: HttpRequest, certificate_id: int) -> HttpResponse:
    """An org admin revokes the certificate with a reason."""
    return _act_with_reason(
        request,
        certificate_id,
        action="revoke",
        act=services.certificate_revoke,
        done=lambda certificate, _: f"Certificate {certificate.number} is revoked.",
    )


@login_required
@require_POST
@not_found_as_404
def certificate_reissue(request: HttpRequest, certificate_id: int) -> HttpResponse:
    """An org admin replaces the certificate with a new one."""
    return _act_with_reason(
        request,
        certificate_id,
        action="reissue",
        act=services.certificate_reissue,
        done=lambda old, new: (
            f"Certificate {new.number} replaces {old.number}. Its PDF is on its way."
        ),
    )


@never_cache
@require_GET
def verify(request: HttpRequest, code: str) -> HttpResponse:
    """Public: is this certificate genuine and current? Shows only what is printed on it.
    Rate-limited per client address; no sign-in."""
    allowed, wait = verification_allowed(request)
    if not allowed:
        response = render(request, "certificates/verify_limited.html", status=429)
        response["Retry-After"] = str(wait)
        return response
    try:
        verification = selectors.verification_get(code=code)
    except NotFound:
        return render(request, "certificates/verify.html", {"verification": None}, status=404)
    return render(request, "certificates/verify.html", {"verification": verification})
