"""An org admin's teams page (issue 16, pages for org admins): the organisation's teams
with how many learners, managers and assessors each has, links to each team's
competency matrix and compliance, and a form to add a team. Thin: accounts.services'
team_create holds the rules."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from accounts import selectors, services
from accounts.forms_organisation import TeamForm
from accounts.models import MembershipStatus, Organisation, Role
from core.pages import refusal_caught


def _counted(role: str) -> Count:
    return Count(
        "memberships",
        filter=Q(memberships__role=role, memberships__status=MembershipStatus.ACTIVE),
    )


@login_required
@require_http_methods(["GET", "POST"])
def teams(request: HttpRequest) -> HttpResponse:
    """The teams of the org admin's organisations, by name, and a new one."""
    actor = selectors.actor_from_request(request)
    if actor.is_api_key or not actor.is_org_admin:
        raise Http404("No teams for you here.")
    organisations = list(
        Organisation.objects.filter(pk__in=actor.admin_organisation_ids).order_by("name")
    )
    form = TeamForm(request.POST if request.method == "POST" else None, organisations=organisations)
    if request.method == "POST" and form.is_valid():
        with refusal_caught() as refusal:
            team = services.team_create(
                actor=actor,
                organisation_id=form.chosen_organisation(),
                name=form.cleaned_data["name"],
            )
        if refusal.error is None:
            messages.success(
                request, f"{team.name} is a team now. Add people to it by inviting them."
            )
            return redirect("teams")
        form.apply_error(refusal.error)
    listed = (
        selectors.teams_visible_to(actor)
        .filter(organisation_id__in=actor.admin_organisation_ids)
        .annotate(
            learners=_counted(Role.LEARNER),
            managers=_counted(Role.MANAGER),
            assessors=_counted(Role.ASSESSOR),
        )
        .order_by("organisation__name", "name")
    )
    return render(
        request,
        "accounts/teams.html",
        {
            "form": form,
            "teams": listed,
            "several_organisations": len(organisations) > 1,
        },
        status=400 if form.errors else 200,
    )
