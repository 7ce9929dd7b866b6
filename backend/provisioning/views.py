"""An org admin's Provisioning page (issue 16): the organisation's provisioning tokens,
a new one shown once, revoking one. Thin: the rules are provisioning.services'; a new
token's secret is rendered in the response to the POST that made it, never stored or
redirected with, and that response is never cached (as accounts/views_keys.py)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from accounts.models import Organisation
from accounts.selectors import Actor, actor_from_request
from core.errors import NotFound
from core.pages import made_from_form, not_found_as_404, refusal_as_message
from provisioning import selectors, services
from provisioning.forms import ProvisioningTokenForm


def _admin(request: HttpRequest) -> tuple[Actor, list[Organisation]]:
    actor = actor_from_request(request)
    if actor.is_api_key or not actor.is_org_admin:
        raise Http404("No provisioning for you here.")
    organisations = Organisation.objects.filter(pk__in=actor.admin_organisation_ids)
    return actor, list(organisations.order_by("name"))


@login_required
@never_cache
@require_http_methods(["GET", "POST"])
def provisioning_tokens(request: HttpRequest) -> HttpResponse:
    """The tokens of the org admin's organisations, newest first, the SCIM address, and
    a form for a new token; after making one, the same page with its secret shown once."""
    actor, organisations = _admin(request)
    form, created, status = made_from_form(
        request,
        ProvisioningTokenForm,
        lambda form: services.provisioning_token_create(
            actor=actor, organisation_id=form.chosen_organisation(), name=form.cleaned_data["name"]
        ),
        organisations=organisations,
    )
    tokens = selectors.provisioning_tokens_of(organisation_ids=actor.admin_organisation_ids)
    return render(
        request,
        "provisioning/tokens.html",
        {
            "form": form,
            "tokens": tokens,
            "created": created,
            "scim_url": request.build_absolute_uri("/scim/v2/"),
            "several_organisations": len(organisations) > 1,
        },
        status=status,
    )


@login_required
@require_POST
@not_found_as_404
def provisioning_token_revoke(request: HttpRequest, prefix: str) -> HttpResponse:
    """Revoke a token of the org admin's organisation at once."""
    actor, _ = _admin(request)
    tokens = selectors.provisioning_tokens_of(organisation_ids=actor.admin_organisation_ids)
    token = tokens.filter(prefix=prefix).first()
    if token is None:
        raise NotFound("No such token.")
    with refusal_as_message(request) as refusal:
        services.provisioning_token_revoke(actor=actor, token=token)
    if refusal.error is None:
        messages.success(
            request, f"The token “{token.name}” is revoked: its next request is refused."
        )
    return redirect("provisioning")
