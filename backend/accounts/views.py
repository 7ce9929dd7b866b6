"""Server-rendered pages for signing in, invitations and an org admin's background work.
(The signed-in home page reads training, competencies and compliance: compliance.views_home.)"""

from typing import Any
from urllib.parse import urlencode

from axes.handlers.proxy import AxesProxyHandler
from axes.helpers import get_cool_off
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import AuthenticationForm
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts import people, selectors, services, views_sso
from accounts.forms import (
    PROVIDER_BUTTON,
    EmailAuthenticationForm,
    HearthPasswordResetForm,
    HearthSetPasswordForm,
)
from accounts.models import User
from accounts.sso import SignInRefused
from core.pages import not_found_as_404, refusal_as_message

JOBS_PAGE_SIZE = 50


class SignInView(auth_views.LoginView):
    """Sign in with email and password (throttled by django-axes), or, from the email
    address alone, go to the organisation's own provider (ADR 0024; views_sso)."""

    form_class = EmailAuthenticationForm
    redirect_authenticated_user = True

    def get_form_kwargs(self) -> dict[str, Any]:
        kwargs = super().get_form_kwargs()
        kwargs["provider_wanted"] = PROVIDER_BUTTON in self.request.POST
        return kwargs

    def form_valid(self, form: AuthenticationForm) -> HttpResponse:
        if isinstance(form, EmailAuthenticationForm) and form.provider is not None:
            try:
                return views_sso.to_provider(self.request, form.provider, self.get_redirect_url())
            except SignInRefused as refusal:
                views_sso.log_refusal(refusal)
                form.add_error(None, refusal.message)
                return self.form_invalid(form)
        return super().form_valid(form)

    def form_invalid(self, form: AuthenticationForm) -> HttpResponse:
        """After a wrong password, warn when one more would lock the account (django-axes
        locks the email address from this client at AXES_FAILURE_LIMIT failures)."""
        if form.has_error("__all__", "invalid_login"):
            credentials = {"username": form.data.get("username", "")}
            failures = AxesProxyHandler.get_failures(self.request, credentials)
            if failures == settings.AXES_FAILURE_LIMIT - 1:
                form.add_error(None, lockout_warning(self.request))
        return super().form_invalid(form)


def lockout_warning(request: HttpRequest) -> str:
    """What the sign-in page says before the last attempt: how long a lock lasts."""
    cool_off = get_cool_off(request)
    if cool_off is None:
        return "One more wrong password and this account will be locked."
    minutes = round(cool_off.total_seconds() / 60)
    return (
        f"One more wrong password and this account will be locked for {minutes} minutes. "
        "If you are not sure of your password, reset it instead."
    )


class PasswordResetView(auth_views.PasswordResetView):
    """Ask for a reset link by email; the answer never says whether the address exists."""

    form_class = HearthPasswordResetForm
    email_template_name = "registration/password_reset_email.txt"
    html_email_template_name = "registration/password_reset_email.html"
    subject_template_name = "registration/password_reset_subject.txt"


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    """Set a password from an emailed link; for a new person this also takes up the
    invitation that made their account (never another organisation's pending one)."""

    form_class = HearthSetPasswordForm

    def form_valid(self, form: Any) -> HttpResponse:
        response = super().form_valid(form)
        if isinstance(self.user, User):
            services.invitations_accept_on_password_set(user=self.user)
        return response


@login_required
@require_http_methods(["GET", "POST"])
@not_found_as_404
def invitation(request: HttpRequest, membership_id: int) -> HttpResponse:
    """One of your own pending memberships: accept it (it then grants its role and the
    organisation sees your name) or decline it (it is removed; nobody is told). Anyone
    else's, or one already answered, is not found."""
    actor = selectors.actor_from_request(request)
    membership = people.membership_pending_get(actor=actor, membership_id=membership_id)
    if request.method == "POST":
        choice = request.POST.get("choice")
        organisation = membership.organisation.name
        if choice == "accept":
            services.membership_accept(actor=actor, membership_id=membership.pk)
            messages.success(request, f"You joined {organisation}.")
            return redirect("home")
        if choice == "decline":
            services.membership_decline(actor=actor, membership_id=membership.pk)
            messages.success(request, f"You declined {organisation}'s invitation.")
            return redirect("home")
        return render(
            request,
            "accounts/invitation.html",
            {"membership": membership, "error": "Choose to accept or decline."},
            status=400,
        )
    return render(request, "accounts/invitation.html", {"membership": membership})


@login_required
@require_GET
def jobs(request: HttpRequest) -> HttpResponse:
    """Background work of an org admin's organisations that failed at least once, newest
    first, each with its state and last error, and a button to try again now any that
    is not done. Anyone else: 404."""
    actor = selectors.actor_from_request(request)
    if not actor.is_org_admin:
        raise Http404("No background work for you here.")
    paginator = Paginator(selectors.jobs_visible_to(actor), JOBS_PAGE_SIZE)
    return render(
        request, "accounts/jobs.html", {"jobs": paginator.get_page(request.GET.get("page"))}
    )


@login_required
@require_POST
@not_found_as_404
def job_retry(request: HttpRequest, job_id: int) -> HttpResponse:
    """An org admin tries a job again now; back to the page of the list it was on."""
    actor = selectors.actor_from_request(request)
    job = selectors.job_get(actor=actor, job_id=job_id)
    with refusal_as_message(request) as refusal:
        services.job_retry(actor=actor, job=job)
    if refusal.error is None:
        what = job.description or "the job"
        messages.success(request, f"Trying again now: {what}. This page shows how it went.")
    page = request.POST.get("page", "")
    url = reverse("jobs")
    if page.isascii() and page.isdigit() and page != "1":
        url = f"{url}?{urlencode({'page': page})}"
    return redirect(url)
