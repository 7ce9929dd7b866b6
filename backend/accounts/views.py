"""Server-rendered pages for signing in, the signed-in home page and invitations."""

from typing import Any

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from accounts import selectors, services
from accounts.forms import EmailAuthenticationForm, HearthPasswordResetForm
from accounts.models import User
from core.pages import not_found_as_404


class SignInView(auth_views.LoginView):
    """Sign in with email and password (throttled by django-axes)."""

    form_class = EmailAuthenticationForm
    redirect_authenticated_user = True


class PasswordResetView(auth_views.PasswordResetView):
    """Ask for a reset link by email; the answer never says whether the address exists."""

    form_class = HearthPasswordResetForm
    email_template_name = "registration/password_reset_email.txt"
    html_email_template_name = "registration/password_reset_email.html"
    subject_template_name = "registration/password_reset_subject.txt"


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    """Set a password from an emailed link; for a new person this also takes up the
    invitation that made their account (never another organisation's pending one)."""

    def form_valid(self, form: Any) -> HttpResponse:
        response = super().form_valid(form)
        if isinstance(self.user, User):
            services.invitations_accept_on_password_set(user=self.user)
        return response


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """The signed-in landing page: who you are and what you can do here."""
    actor = selectors.actor_from_request(request)
    memberships = selectors.memberships_of(actor)
    pending = selectors.memberships_pending_of(actor)
    return render(
        request,
        "accounts/home.html",
        {"actor": actor, "memberships": memberships, "pending": pending},
    )


@login_required
@require_http_methods(["GET", "POST"])
@not_found_as_404
def invitation(request: HttpRequest, membership_id: int) -> HttpResponse:
    """One of your own pending memberships: accept it (it then grants its role and the
    organisation sees your name) or decline it (it is removed; nobody is told). Anyone
    else's, or one already answered, is not found."""
    actor = selectors.actor_from_request(request)
    membership = selectors.membership_pending_get(actor=actor, membership_id=membership_id)
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
