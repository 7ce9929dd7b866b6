"""An org admin's people page (issue 16): the organisation's people, found by name,
email or employee number and filtered by team, role and status, a page at a time; and
inviting one. Thin: accounts.people reads, accounts.services writes."""

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods

from accounts import people, selectors, services
from accounts.forms_people import InviteForm, PeopleFilterForm
from accounts.models import Organisation, Team
from accounts.selectors import Actor
from core.pages import refusal_caught

PAGE_SIZE = 50


def _organisations(actor: Actor) -> list[Organisation]:
    if actor.is_api_key or not actor.is_org_admin:
        raise Http404("No people for you here.")
    return list(Organisation.objects.filter(pk__in=actor.admin_organisation_ids).order_by("name"))


def _chosen(request: HttpRequest, organisations: list[Organisation]) -> Organisation:
    """The organisation asked for (?organisation=), else the first: one of the admin's."""
    asked = request.GET.get("organisation", "")
    for organisation in organisations:
        if str(organisation.pk) == asked:
            return organisation
    if asked:
        raise Http404("No such organisation.")
    return organisations[0]


@login_required
@require_GET
def people_list(request: HttpRequest) -> HttpResponse:
    """Everyone in the organisation, by the name shown, 50 to a page."""
    actor = selectors.actor_from_request(request)
    organisations = _organisations(actor)
    organisation = _chosen(request, organisations)
    teams = list(Team.objects.filter(organisation=organisation).order_by("name"))
    form = PeopleFilterForm(request.GET, teams=teams)
    asked = form.cleaned_data if form.is_valid() else {}
    found = people.organisation_people(
        actor,
        organisation_id=organisation.pk,
        search=(asked.get("q") or "").strip(),
        team_id=asked.get("team"),
        role=asked.get("role") or "",
        status=asked.get("status") or "",
    )
    page = Paginator(found, PAGE_SIZE).get_page(request.GET.get("page"))
    kept = {key: value for key, value in request.GET.items() if key != "page" and value}
    return render(
        request,
        "accounts/people.html",
        {
            "organisation": organisation,
            "organisations": organisations,
            "form": form,
            "people": page,
            "filtered": bool(set(kept) - {"organisation"}),
            "query": urlencode(kept),
        },
        status=400 if form.errors else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def person_invite(request: HttpRequest) -> HttpResponse:
    """Invite a person: a set-password link for a new address, else a request to accept."""
    actor = selectors.actor_from_request(request)
    organisations = _organisations(actor)
    teams = list(
        Team.objects.filter(organisation__in=organisations)
        .select_related("organisation")
        .order_by("organisation__name", "name")
    )
    form = InviteForm(
        request.POST if request.method == "POST" else None,
        organisations=organisations,
        teams=teams,
    )
    if request.method == "POST" and form.is_valid():
        with refusal_caught() as refusal:
            membership = services.person_invite(
                actor=actor,
                organisation_id=form.chosen_organisation(),
                email=form.cleaned_data["email"],
                full_name=form.cleaned_data["full_name"],
                job_title=form.cleaned_data["job_title"],
                role=form.cleaned_data["role"],
                team_id=form.chosen_team(),
            )
        if refusal.error is None:
            messages.success(
                request,
                f"Invitation sent to {form.cleaned_data['email']}. They appear as "
                "“Invitation sent” until they accept.",
            )
            url = reverse("people")
            return redirect(f"{url}?{urlencode({'organisation': membership.organisation_id})}")
        form.apply_error(refusal.error)
    return render(
        request,
        "accounts/person_invite.html",
        {"form": form, "several_organisations": len(organisations) > 1},
        status=400 if form.errors else 200,
    )
