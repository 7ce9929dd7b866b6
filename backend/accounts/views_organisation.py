"""An org admin's organisation page (issue 16): one entry in the main navigation for
everything that runs the organisation on Hearth (people, teams, sign-in, keys,
background work), each with what it is for and how many there are. Thin: reads only."""

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from accounts import selectors
from accounts.models import Membership, Organisation, OrganisationAPIKey, Team


@login_required
@require_GET
def organisation(request: HttpRequest) -> HttpResponse:
    actor = selectors.actor_from_request(request)
    if actor.is_api_key or not actor.is_org_admin:
        raise Http404("No organisation for you here.")
    mine = actor.admin_organisation_ids
    organisations = list(Organisation.objects.filter(pk__in=mine).order_by("name"))
    counts = {
        "people": Membership.including_pending.filter(organisation_id__in=mine)
        .values("user_id")
        .distinct()
        .count(),
        "teams": Team.objects.filter(organisation_id__in=mine).count(),
        "keys": OrganisationAPIKey.objects.filter(organisation_id__in=mine, revoked=False).count(),
        "failing": selectors.jobs_visible_to(actor).filter(done_at__isnull=True).count(),
    }
    return render(
        request,
        "accounts/organisation.html",
        {"organisations": organisations, "counts": counts},
    )
