"""An org admin's page for one person of their organisation (issue 16): their roles and
teams there, each changed or removed; another role added; and deactivation when they
leave (ADR 0026). Thin: accounts.people reads; services, services_people and
services_leavers write. A person outside the admin's organisations is 404."""

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from accounts import people, selectors, services, services_leavers, services_people
from accounts.forms_people import DeactivateForm, MembershipForm
from accounts.models import Membership, Organisation, Team, User
from core.forms import RefusableForm
from core.pages import refusal_caught


def _person(request: HttpRequest, organisation_id: int, person_id: int) -> User:
    actor = selectors.actor_from_request(request)
    if actor.is_api_key or organisation_id not in actor.admin_organisation_ids:
        raise Http404("No such person.")
    person = people.organisation_people(actor, organisation_id=organisation_id).filter(pk=person_id)
    found = person.first()
    if found is None:
        raise Http404("No such person.")
    return found


def _held(person: User, membership_id: str) -> Membership:
    for membership in getattr(person, "here", []):
        if str(membership.pk) == membership_id:
            return membership
    raise Http404("No such membership.")


@login_required
@require_http_methods(["GET", "POST"])
def person_admin(request: HttpRequest, organisation_id: int, person_id: int) -> HttpResponse:
    actor = selectors.actor_from_request(request)
    person = _person(request, organisation_id, person_id)
    organisation = Organisation.objects.get(pk=organisation_id)
    teams = list(Team.objects.filter(organisation_id=organisation_id).order_by("name"))
    action = request.POST.get("action", "") if request.method == "POST" else ""
    here: list[Membership] = getattr(person, "here", [])
    name = getattr(person, "shown_full_name", "")
    changes = {
        membership.pk: MembershipForm(
            request.POST if action == f"change-{membership.pk}" else None,
            teams=teams,
            explain=False,
            prefix=f"m{membership.pk}",
            initial={"role": membership.role, "team": membership.team_id},
        )
        for membership in here
    }
    adding = MembershipForm(request.POST if action == "add" else None, teams=teams, prefix="add")
    leaving = DeactivateForm(request.POST if action == "deactivate" else None, prefix="leave")
    done, failed = "", None
    if action.startswith("change-"):
        membership = _held(person, action.removeprefix("change-"))
        form: RefusableForm = changes[membership.pk]
        if form.is_valid():
            with refusal_caught() as refusal:
                services_people.membership_change(
                    actor=actor,
                    membership_id=membership.pk,
                    role=form.cleaned_data["role"],
                    team_id=changes[membership.pk].chosen_team(),
                )
            done, failed = "Role changed.", (form, refusal.error)
    elif action.startswith("remove-"):
        membership = _held(person, action.removeprefix("remove-"))
        with refusal_caught() as refusal:
            services.membership_remove(actor=actor, membership=membership)
        if refusal.error is not None:
            messages.error(request, refusal.error.message)
        elif len(here) == 1:
            messages.success(request, f"{name} has left {organisation.name}.")
            return redirect(f"{reverse('people')}?{urlencode({'organisation': organisation_id})}")
        else:
            messages.success(request, "Role removed.")
        return redirect("person-admin", organisation_id, person_id)
    elif action == "add":
        form = adding
        if form.is_valid():
            with refusal_caught() as refusal:
                services.membership_add(
                    actor=actor,
                    user=person,
                    organisation_id=organisation_id,
                    role=form.cleaned_data["role"],
                    team_id=adding.chosen_team(),
                )
            done, failed = "Role added.", (form, refusal.error)
    elif action == "deactivate":
        form = leaving
        if form.is_valid():
            with refusal_caught() as refusal:
                services_leavers.person_leave(
                    actor=actor, organisation_id=organisation_id, user_id=person.pk
                )
            if refusal.error is None:
                messages.success(
                    request,
                    f"{name} has left {organisation.name}: their access "
                    "ended and no further reminders go to them. Their records stay.",
                )
                return redirect(
                    f"{reverse('people')}?{urlencode({'organisation': organisation_id})}"
                )
            form.apply_error(refusal.error)
    elif action:
        raise Http404("No such action.")
    if failed is not None:
        form, error = failed
        if error is None:
            messages.success(request, done)
            return redirect("person-admin", organisation_id, person_id)
        form.apply_error(error)
    invalid = any(f.errors for f in (*changes.values(), adding, leaving))
    return render(
        request,
        "accounts/person_admin.html",
        {
            "person": person,
            "organisation": organisation,
            "memberships": [(membership, changes[membership.pk]) for membership in here],
            "adding": adding,
            "leaving": leaving,
            "forms": [*changes.values(), adding, leaving],
            "is_self": person.pk == actor.user_id,
        },
        status=400 if invalid else 200,
    )
