"""An org admin's identity settings page (issue 16, single sign-on, ADR 0024): the
organisation's provider, its email domains, whether first sign-in creates people, whether
password sign-in stays on, and the second-factor rule. Thin: accounts.services_sso's
identity_settings_save holds the rules. Other organisations' admins get 404."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.views.decorators.http import require_http_methods

from accounts import identity, selectors, services_sso
from accounts.forms_identity import IdentitySettingsForm
from accounts.models import Organisation, Team
from core.errors import NotFound
from core.pages import refusal_caught


@login_required
@require_http_methods(["GET", "POST"])
def identity_settings(request: HttpRequest) -> HttpResponse:
    """One of the admin's organisations (`?organisation=<id>` when they have several)."""
    actor = selectors.actor_from_request(request)
    if actor.is_api_key or not actor.is_org_admin:
        raise Http404("No identity settings for you here.")
    organisations = list(
        Organisation.objects.filter(pk__in=actor.admin_organisation_ids).order_by("name")
    )
    chosen = request.GET.get("organisation", "")
    try:
        organisation = selectors.organisation_get_for_admin(
            actor=actor,
            organisation_id=int(chosen)
            if chosen.isascii() and chosen.isdigit()
            else organisations[0].pk,
        )
    except NotFound as error:
        raise Http404(error.message) from error
    provider = identity.provider_for_organisation(organisation)
    teams = list(Team.objects.filter(organisation=organisation).order_by("name"))
    form = IdentitySettingsForm(
        request.POST if request.method == "POST" else None,
        organisation=organisation,
        provider=provider,
        teams=teams,
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        with refusal_caught() as refusal:
            services_sso.identity_settings_save(
                actor=actor,
                organisation_id=organisation.pk,
                second_factor_required=data["second_factor_required"],
                issuer=data["issuer"],
                client_id=data["client_id"],
                client_secret=data["client_secret"],
                domains=data["domains"],
                creates_people=data["creates_people"],
                default_team_id=data["default_team"],
                password_sign_in=data["password_sign_in"],
                provider_mfa_trusted=data["provider_mfa_trusted"],
            )
        if refusal.error is None:
            messages.success(request, f"{organisation.name}'s sign-in settings are saved.")
            url = reverse("identity")
            if len(organisations) > 1:
                url = f"{url}?{urlencode({'organisation': organisation.pk})}"
            return redirect(url)
        form.apply_error(refusal.error)
    return render(
        request,
        "accounts/identity.html",
        {
            "form": form,
            "organisation": organisation,
            "organisations": organisations if len(organisations) > 1 else [],
            "provider": provider,
        },
        status=400 if form.errors else 200,
    )
