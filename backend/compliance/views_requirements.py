"""An org admin's pages for their organisation's required training (ADR 0020): the list
of its requirements with the starter definitions not yet adopted (each with "Adopt"),
the grace period for new starters, and one requirement's edit page (module, renewal,
who it applies to; remove). Nobody else reaches them: 404, as for a missing page.

Thin: reads come from compliance.adoptions, each action is one service call, answered
POST-redirect-GET with a message, or the page again with the form's errors.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.models import Organisation
from accounts.selectors import Actor, actor_from_request
from compliance import adoptions
from compliance.forms_requirements import AdoptForm, GraceDaysForm, RequirementForm
from compliance.models import TrainingRequirement
from compliance.services_requirements import (
    grace_days_set,
    requirement_adopt,
    requirement_remove,
    requirement_update,
)
from core.errors import NotFound
from core.ids import parse_id
from core.pages import not_found_as_404, refusal_as_message, refusal_caught


def _organisation(actor: Actor, value: object) -> Organisation:
    """The administered organisation a request names (or the first, if it names none)."""
    organisation_id = None if value in (None, "") else parse_id(value)
    if value not in (None, "") and organisation_id is None:
        raise NotFound("No such organisation.")
    return adoptions.organisation_administered(actor, organisation_id)


def _list_url(organisation: Organisation, actor: Actor) -> str:
    url = reverse("requirements")
    if len(actor.admin_organisation_ids) > 1:
        url += f"?organisation={organisation.pk}"
    return url


def _list_page(
    request: HttpRequest,
    actor: Actor,
    organisation: Organisation,
    grace_form: GraceDaysForm | None = None,
    status: int = 200,
) -> HttpResponse:
    grace_days = adoptions.grace_days_of(organisation.pk)
    return render(
        request,
        "compliance/requirements.html",
        {
            "organisation": organisation,
            "organisations": adoptions.organisations_administered(actor),
            "requirements": adoptions.requirements_administered(organisation.pk),
            "groups": adoptions.definitions_not_adopted(organisation.pk),
            "grace_days": grace_days,
            "form": grace_form or GraceDaysForm(initial={"grace_days": grace_days}),
        },
        status=status,
    )


@login_required
@require_GET
@not_found_as_404
def requirements(request: HttpRequest) -> HttpResponse:
    """The organisation's requirements, the starter ones it has not adopted, and its grace
    period (an org admin's organisation; `?organisation=` picks one of several)."""
    actor = actor_from_request(request)
    return _list_page(request, actor, _organisation(actor, request.GET.get("organisation")))


@login_required
@require_POST
@not_found_as_404
def requirement_adopt_page(request: HttpRequest) -> HttpResponse:
    """Adopt a starter definition; on to its edit page to map a module."""
    actor = actor_from_request(request)
    form = AdoptForm(request.POST)
    if not form.is_valid():
        raise NotFound("No such starter requirement.")
    organisation = _organisation(actor, form.cleaned_data["organisation"])
    with refusal_as_message(request) as refusal:
        requirement = requirement_adopt(
            actor=actor,
            organisation_id=organisation.pk,
            definition_id=form.cleaned_data["definition"],
        )
    if refusal.error is not None:
        return redirect(_list_url(organisation, actor))
    messages.success(
        request,
        f"{requirement.name} is now one of {organisation.name}'s requirements. Choose the "
        "module that meets it, or leave it to training recorded elsewhere.",
    )
    return redirect("requirement", requirement.pk)


@login_required
@require_POST
@not_found_as_404
def grace_days_page(request: HttpRequest) -> HttpResponse:
    """Set the organisation's grace period for new starters."""
    actor = actor_from_request(request)
    organisation = _organisation(actor, request.POST.get("organisation"))
    form = GraceDaysForm(request.POST)
    if form.is_valid():
        days = form.cleaned_data["grace_days"]
        with refusal_caught() as refusal:
            grace_days_set(actor=actor, organisation_id=organisation.pk, grace_days=days)
        if refusal.error is None:
            messages.success(request, f"New starters now have {days} days' grace.")
            return redirect(_list_url(organisation, actor))
        form.apply_error(refusal.error)
    return _list_page(request, actor, organisation, grace_form=form, status=400)


def _edit_page(
    request: HttpRequest, requirement: TrainingRequirement, form: RequirementForm, status: int
) -> HttpResponse:
    return render(
        request,
        "compliance/requirement.html",
        {"requirement": requirement, "form": form, "organisation": requirement.organisation},
        status=status,
    )


def _form(requirement: TrainingRequirement, request: HttpRequest | None) -> RequirementForm:
    initial = {
        "title": requirement.title,
        "module": requirement.module_id,
        "renewal_months": requirement.renewal_months,
        "window_days": requirement.window_days,
        "team": requirement.team_id,
        "role": requirement.role,
        "notes": requirement.notes,
    }
    return RequirementForm(
        request.POST if request is not None else None,
        initial=initial,
        modules=adoptions.modules_for_requirements(requirement.organisation_id),
        teams=adoptions.teams_for_requirements(requirement.organisation_id),
    )


@login_required
@require_http_methods(["GET", "POST"])
@not_found_as_404
def requirement_page(request: HttpRequest, requirement_id: int) -> HttpResponse:
    """Edit one of the organisation's requirements."""
    actor = actor_from_request(request)
    requirement = adoptions.requirement_administered(actor=actor, requirement_id=requirement_id)
    if request.method != "POST":
        return _edit_page(request, requirement, _form(requirement, None), 200)
    form = _form(requirement, request)
    if form.is_valid():
        data = form.cleaned_data
        with refusal_caught() as refusal:
            requirement_update(
                actor=actor,
                requirement=requirement,
                title=data["title"],
                module=data["module"],
                renewal_months=data["renewal_months"],
                window_days=data["window_days"],
                team=data["team"],
                role=data["role"],
                notes=data["notes"],
            )
        if refusal.error is None:
            saved = adoptions.requirement_administered(actor=actor, requirement_id=requirement.pk)
            messages.success(request, f"{saved.name} was saved.")
            return redirect(_list_url(saved.organisation, actor))
        form.apply_error(refusal.error)
    return _edit_page(request, requirement, form, 400)


@login_required
@require_POST
@not_found_as_404
def requirement_remove_page(request: HttpRequest, requirement_id: int) -> HttpResponse:
    """Remove one of the organisation's requirements (unless training is recorded
    against it)."""
    actor = actor_from_request(request)
    requirement = adoptions.requirement_administered(actor=actor, requirement_id=requirement_id)
    name, organisation = requirement.name, requirement.organisation
    with refusal_as_message(request) as refusal:
        requirement_remove(actor=actor, requirement=requirement)
    if refusal.error is not None:
        return redirect("requirement", requirement.pk)
    messages.success(request, f"{name} is no longer one of {organisation.name}'s requirements.")
    return redirect(_list_url(organisation, actor))
