"""An org admin's API keys page (issue 16, pages for org admins): the organisation's keys,
a new one shown once, revoking one. Thin: the rules are accounts.services'; a new key's
secret is rendered in the response to the POST that made it, never stored or redirected
with, and that response is never cached."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from accounts import selectors, services
from accounts.forms_organisation import APIKeyForm
from accounts.models import Organisation
from core.errors import NotFound
from core.pages import made_from_form, not_found_as_404, refusal_as_message


def _organisations(request: HttpRequest) -> list[Organisation]:
    actor = selectors.actor_from_request(request)
    if actor.is_api_key or not actor.is_org_admin:
        raise Http404("No API keys for you here.")
    return list(Organisation.objects.filter(pk__in=actor.admin_organisation_ids).order_by("name"))


@login_required
@never_cache
@require_http_methods(["GET", "POST"])
def api_keys(request: HttpRequest) -> HttpResponse:
    """The keys of the org admin's organisations, newest first, and a form for a new one;
    after creating, the same page with the new key shown this once."""
    organisations = _organisations(request)
    actor = selectors.actor_from_request(request)
    form, created, status = made_from_form(
        request,
        APIKeyForm,
        lambda form: services.api_key_create(
            actor=actor,
            organisation_id=form.chosen_organisation(),
            name=form.cleaned_data["name"],
            scope=form.cleaned_data["scope"],
        ),
        organisations=organisations,
    )
    keys = selectors.api_keys_visible_to(actor).order_by("-created", "prefix")
    return render(
        request,
        "accounts/api_keys.html",
        {
            "form": form,
            "keys": keys,
            "created": created,
            "several_organisations": len(organisations) > 1,
        },
        status=status,
    )


@login_required
@require_POST
@not_found_as_404
def api_key_revoke(request: HttpRequest, prefix: str) -> HttpResponse:
    """Revoke a key of the org admin's organisation at once."""
    actor = selectors.actor_from_request(request)
    api_key = selectors.api_keys_visible_to(actor).filter(prefix=prefix).first()
    if api_key is None:
        raise NotFound("No such key.")
    with refusal_as_message(request) as refusal:
        services.api_key_revoke(actor=actor, api_key=api_key)
    if refusal.error is None:
        messages.success(
            request, f"The key “{api_key.name}” is revoked: anything still using it is refused."
        )
    return redirect("api-keys")
