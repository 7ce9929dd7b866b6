"""An org admin's erasure pages (issue 17): erase a person (a confirmation, the choice to
withhold their name on the verify page), the organisation's erasures with their status and
any legal hold's reason, its leavers still held, and its retention settings. Thin:
privacy.services_erasure decides; a person or organisation outside the admin's is 404."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from accounts.models import Organisation, User
from accounts.selectors import Actor, actor_from_request
from core.pages import not_found_as_404, refusal_caught
from privacy import erasure_holds, services_erasure
from privacy.forms_erasure import ErasureForm, RetentionForm
from privacy.models import ErasureStatus


def _admin(request: HttpRequest, organisation_id: int) -> tuple[Actor, Organisation]:
    actor = actor_from_request(request)
    if actor.is_api_key or organisation_id not in actor.admin_organisation_ids:
        raise Http404("No such organisation.")
    return actor, Organisation.objects.get(pk=organisation_id)


@login_required
@require_http_methods(["GET", "POST"])
@not_found_as_404
def person_erase(request: HttpRequest, organisation_id: int, person_id: int) -> HttpResponse:
    """Confirm and erase a person's records held under the organisation."""
    actor, organisation = _admin(request, organisation_id)
    person = services_erasure.erasure_person_get(
        actor=actor, organisation_id=organisation_id, person_id=person_id
    )
    form = ErasureForm(request.POST if request.method == "POST" else None)
    status = 200
    if form.is_bound:
        status = 400
        if form.is_valid():
            with refusal_caught() as refusal:
                erasure, _made = services_erasure.erasure_request(
                    actor=actor,
                    organisation_id=organisation_id,
                    person_id=person_id,
                    withhold_name=form.cleaned_data["withhold_name"],
                )
            if refusal.error is None:
                if erasure.status == ErasureStatus.POSTPONED:
                    messages.warning(
                        request,
                        f"The erasure is postponed until {erasure.due_on:%-d %B %Y} by a "
                        f"legal hold: {erasure.hold_reason}",
                    )
                else:
                    messages.success(request, "Their personal data here is erased.")
                return redirect("erasures", organisation_id)
            form.apply_error(refusal.error)
    context = {"organisation": organisation, "person": person, "form": form}
    return render(request, "privacy/erasure_confirm.html", context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
@not_found_as_404
def erasures(request: HttpRequest, organisation_id: int) -> HttpResponse:
    """The organisation's erasures and leavers, and its retention settings."""
    actor, organisation = _admin(request, organisation_id)
    policy = services_erasure.retention_policy_get(actor=actor, organisation_id=organisation_id)
    initial = {
        "leaver_retention_months": policy.leaver_retention_months,
        "legal_hold_years": policy.legal_hold_years,
        "legal_hold_reason": policy.legal_hold_reason,
    }
    form = RetentionForm(request.POST if request.method == "POST" else None, initial=initial)
    status = 200
    if form.is_bound:
        status = 400
        if form.is_valid():
            with refusal_caught() as refusal:
                services_erasure.retention_policy_set(
                    actor=actor, organisation_id=organisation_id, **form.cleaned_data
                )
            if refusal.error is None:
                messages.success(request, "Retention settings saved.")
                return redirect("erasures", organisation_id)
            form.apply_error(refusal.error)
    rows = list(services_erasure.erasures_visible_to(actor=actor, organisation_id=organisation_id))
    erased = {erasure.person_id for erasure in rows}
    leaving = [
        row for row in erasure_holds.leavers_by_day(organisation_id) if row["user_id"] not in erased
    ]
    names = User.objects.in_bulk([row["user_id"] for row in leaving])
    leavers = [{"person": names[row["user_id"]], "left_at": row["left_at"]} for row in leaving]
    context = {"organisation": organisation, "erasures": rows, "leavers": leavers, "form": form}
    return render(request, "privacy/erasures.html", context, status=status)
