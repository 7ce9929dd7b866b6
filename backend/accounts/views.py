"""Server-rendered pages for signing in and the signed-in home page."""

from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from accounts import selectors
from accounts.forms import EmailAuthenticationForm, HearthPasswordResetForm


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


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """The signed-in landing page: who you are and what you can do here."""
    actor = selectors.actor_from_request(request)
    memberships = selectors.memberships_of(actor)
    return render(request, "accounts/home.html", {"actor": actor, "memberships": memberships})
