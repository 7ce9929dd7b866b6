"""The org admin's bulk onboarding page (issue 16, ADR 0022 "The page"): upload a CSV or
XLSX of people, see what applying it would do before anything is saved, then apply it.
Thin: accounts.services_onboarding plans and applies; accounts.onboarding_uploads keeps
the file between the two steps."""

from dataclasses import dataclass

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.html import format_html
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from accounts import onboarding_uploads, selectors, services_onboarding
from accounts.forms_import import AGAIN, ApplyForm, PeopleFileForm
from accounts.models import Organisation
from accounts.onboarding_file import COLUMNS
from accounts.selectors import Actor
from core.pages import not_found_as_404, refusal_caught

LISTED_MAX = 500
ACTION_LABELS = {
    "create": "Added",
    "change": "Changed",
    "move": "Moved team",
    "deactivate": "Deactivated",
    "unchanged": "Unchanged",
    "": "Not read: has errors",
}
COUNT_LABELS = (
    ("create", "Added"),
    ("change", "Changed"),
    ("move", "Moved team"),
    ("deactivate", "Deactivated"),
    ("unchanged", "Unchanged"),
    ("managers_added", "Manager roles added"),
    ("errors", "Rows with errors"),
)

APPLIED_WORDS = (
    ("create", "added"),
    ("change", "changed"),
    ("move", "moved team"),
    ("deactivate", "deactivated"),
    ("managers_added", "made a manager"),
)


@dataclass
class ListedRow:
    number: int
    employee_number: str
    email: str
    action: str
    errors: list[str]


def _listed(plan: services_onboarding.Plan) -> tuple[list[ListedRow], int]:
    """The rows with errors when any has one (nothing can be applied until they are fixed),
    else the rows that change; at most LISTED_MAX of them, and how many more there are."""
    if plan.errors:
        rows = [row for row in plan.rows if row.errors]
    else:
        rows = [row for row in plan.rows if row.action != "unchanged"]
    listed = [
        ListedRow(
            number=row.number,
            employee_number=row.employee_number,
            email=row.email,
            action=ACTION_LABELS["" if row.errors else row.action],
            errors=[
                f"{COLUMNS.get(error.column, error.column)}: {error.message}"
                for error in row.errors
            ],
        )
        for row in rows[:LISTED_MAX]
    ]
    return listed, max(0, len(rows) - LISTED_MAX)


def _template_csv() -> HttpResponse:
    response = HttpResponse(
        ",".join(COLUMNS.values()) + "\r\n", content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = 'attachment; filename="hearth-people.csv"'
    return response


@dataclass
class Admin:
    actor: Actor
    user_id: int
    organisations: list[Organisation]


def _admin(request: HttpRequest) -> Admin:
    actor = selectors.actor_from_request(request)
    if actor.is_api_key or actor.user_id is None or not actor.is_org_admin:
        raise Http404("No import for you here.")
    organisations = Organisation.objects.filter(pk__in=actor.admin_organisation_ids)
    return Admin(actor, actor.user_id, list(organisations.order_by("name")))


def _upload_page(
    request: HttpRequest,
    form: PeopleFileForm,
    organisations: list[Organisation],
    problem: str = "",
) -> HttpResponse:
    """The upload step; `problem` is why the file is asked for again (an expired preview,
    or an apply the service refused)."""
    return render(
        request,
        "accounts/people_import.html",
        {"form": form, "problem": problem, "several_organisations": len(organisations) > 1},
        status=400 if form.errors or problem else 200,
    )


@login_required
@never_cache
@require_http_methods(["GET", "POST"])
@not_found_as_404
def people_import(request: HttpRequest) -> HttpResponse:
    """Step 1, the upload; step 2 (POST step=preview), what applying would do; then
    (POST step=apply) the same file applied, or refused with every row's error."""
    admin = _admin(request)
    actor, organisations = admin.actor, admin.organisations
    if request.method == "GET" and request.GET.get("template") == "csv":
        return _template_csv()
    if request.method == "POST" and request.POST.get("step") == "apply":
        return _apply(request, admin)
    if request.method != "POST":
        return _upload_page(request, PeopleFileForm(organisations=organisations), organisations)
    form = PeopleFileForm(request.POST, request.FILES, organisations=organisations)
    if not form.is_valid():
        return _upload_page(request, form, organisations)
    upload = form.cleaned_data["file"]
    content, filename = upload.read(), upload.name or ""
    with refusal_caught() as refusal:
        plan = services_onboarding.onboarding_plan(
            actor=actor,
            organisation_id=form.chosen_organisation(),
            content=content,
            filename=filename,
        )
    if refusal.error is not None:
        form.apply_error(refusal.error)
        return _upload_page(request, form, organisations)
    digest = onboarding_uploads.upload_keep(
        organisation_id=plan.organisation.pk, user_id=admin.user_id, content=content
    )
    listed, unlisted = _listed(plan)
    counts = plan.counts
    return render(
        request,
        "accounts/people_import_preview.html",
        {
            "plan": plan,
            "filename": filename,
            "counts": [(label, counts[key]) for key, label in COUNT_LABELS],
            "changes": sum(counts[key] for key in ("create", "change", "move", "deactivate"))
            + counts["managers_added"],
            "error_rows": counts["errors"],
            "listed": listed,
            "unlisted": unlisted,
            "apply_form": ApplyForm(
                initial={
                    "digest": digest,
                    "filename": filename,
                    "organisation": plan.organisation.pk,
                },
                organisations=organisations,
            ),
        },
    )


def _apply(request: HttpRequest, admin: Admin) -> HttpResponse:
    organisations = admin.organisations
    form = ApplyForm(request.POST, organisations=organisations)
    again = PeopleFileForm(organisations=organisations)
    content = None
    if form.is_valid():
        content = onboarding_uploads.upload_kept(
            organisation_id=form.chosen_organisation(),
            user_id=admin.user_id,
            digest=form.cleaned_data["digest"],
        )
    if content is None:
        return _upload_page(request, again, organisations, AGAIN)
    with refusal_caught() as refusal:
        plan = services_onboarding.onboarding_apply(
            actor=admin.actor,
            organisation_id=form.chosen_organisation(),
            content=content,
            filename=form.cleaned_data["filename"],
        )
    if refusal.error is not None:
        return _upload_page(request, again, organisations, refusal.error.message)
    onboarding_uploads.upload_forget(
        organisation_id=plan.organisation.pk,
        user_id=admin.user_id,
        digest=form.cleaned_data["digest"],
    )
    messages.success(request, _applied_message(plan))
    return redirect("people-import")


def _applied_message(plan: services_onboarding.Plan) -> str:
    counts = plan.counts
    changed = [f"{counts[key]} {words}" for key, words in APPLIED_WORDS if counts[key]]
    if not changed:
        return (
            f"The file is applied: nothing changed ({counts['unchanged']} people were "
            f"already as the file says)."
        )
    return format_html(
        "The file is applied: {}; {} unchanged. Hearth emails each person added their "
        'invitation in the background; <a href="{}">Background work</a> shows any that fail.',
        ", ".join(changed),
        counts["unchanged"],
        reverse("jobs"),
    )
