"""Email preferences, and one-click unsubscribe (RFC 8058) that works without signing in."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from accounts.models import User
from accounts.selectors import actor_from_request
from notifications import selectors, services
from notifications.models import Kind
from notifications.tokens import read_unsubscribe_token


@login_required
@require_http_methods(["GET", "POST"])
def email_preferences(request: HttpRequest) -> HttpResponse:
    """Choose which kinds of email to receive, of those offered (the managers' kinds only
    to managers and org admins); kinds an organisation made mandatory say so."""
    person_id = int(request.user.pk or 0)
    offered = selectors.email_kinds_offered(actor_from_request(request))
    if request.method == "POST":
        wanted = set(request.POST.getlist("kinds"))
        services.email_preferences_set(person_id=person_id, wanted=wanted, offered=offered)
        messages.success(request, "Your email choices are saved.")
        return redirect("email-preferences")
    return render(
        request,
        "notifications/preferences.html",
        {"kinds": selectors.email_preferences(person_id=person_id, offered=offered)},
    )


@csrf_exempt
@require_http_methods(["GET", "POST"])
def unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    """GET shows what the link would do and never changes anything; POST (the one-click
    request from the mail program, or the button) unsubscribes. The signed token is the
    only authority: no cookies, no sign-in, one person and one kind."""
    read = read_unsubscribe_token(token)
    if read is None:
        raise Http404("This unsubscribe link is not valid.")
    person_id, kind = read
    if kind not in Kind.values or not User.objects.filter(pk=person_id).exists():
        raise Http404("This unsubscribe link is not valid.")
    label = Kind(kind).label
    if request.method == "POST":
        services.unsubscribe(person_id=person_id, kind=kind)
        mandatory = any(
            code == kind and is_mandatory
            for code, _, _, is_mandatory in selectors.email_preferences(person_id=person_id)
        )
        return render(
            request, "notifications/unsubscribed.html", {"label": label, "mandatory": mandatory}
        )
    return render(request, "notifications/unsubscribe.html", {"label": label, "token": token})
