"""Pages for the exports (issue 17): a person's own data page (ask for a copy, see and
download their exports), an org admin's exports page (the organisation's exports and the
subject access exports made for its people), asking for one from a person's admin page,
and the downloads. Thin: services_exports writes, exports_selectors scopes; anything out
of scope is the 404 page."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.models import Organisation
from accounts.selectors import Actor, actor_from_request
from core.downloads import attachment
from core.errors import HearthError, NotFound
from core.pages import not_found_as_404, refusal_as_message
from privacy import exports_selectors, services_exports

READY_MESSAGE = (
    "Hearth is preparing the export. Refresh this page in a few minutes: it can be downloaded "
    "here for 7 days once it is ready."
)


def _signed_in(request: HttpRequest) -> Actor:
    actor = actor_from_request(request)
    if actor.user_id is None:
        raise Http404("No such page.")
    return actor


def _admin(request: HttpRequest) -> Actor:
    actor = _signed_in(request)
    if not actor.is_org_admin:
        raise Http404("No such page.")
    return actor


@login_required
@never_cache
@require_http_methods(["GET", "POST"])
def my_data(request: HttpRequest) -> HttpResponse:
    """The person's exports of their own data, and a button to ask for a new one."""
    actor = _signed_in(request)
    if request.method == "POST":
        with refusal_as_message(request) as refusal:
            services_exports.subject_access_request(actor=actor)
        if refusal.error is None:
            messages.success(request, READY_MESSAGE)
        return redirect("my-data")
    exports = exports_selectors.subject_access_exports_visible_to(actor).filter(
        person_id=actor.user_id
    )
    return render(request, "privacy/exports_my_data.html", {"exports": exports[:50]})


@login_required
@never_cache
@require_http_methods(["GET", "POST"])
def organisation_exports(request: HttpRequest) -> HttpResponse:
    """The organisation's exports and subject access exports, and a button per
    organisation the admin runs to export everything it holds."""
    actor = _admin(request)
    if request.method == "POST":
        with refusal_as_message(request) as refusal:
            try:
                organisation_id = int(request.POST.get("organisation", ""))
            except ValueError:
                raise HearthError("Choose the organisation to export.") from None
            services_exports.organisation_export_request(
                actor=actor, organisation_id=organisation_id
            )
        if refusal.error is None:
            messages.success(request, READY_MESSAGE)
        return redirect("organisation-exports")
    organisations = Organisation.objects.filter(pk__in=actor.admin_organisation_ids).order_by(
        "name"
    )
    subject_access = exports_selectors.subject_access_exports_visible_to(actor).filter(
        organisation_id__in=actor.admin_organisation_ids, covers_all_organisations=False
    )
    return render(
        request,
        "privacy/exports_organisation.html",
        {
            "organisations": organisations,
            "exports": exports_selectors.organisation_exports_visible_to(actor)[:50],
            "subject_access": subject_access[:50],
        },
    )


@login_required
@require_POST
@not_found_as_404
def person_export(request: HttpRequest, organisation_id: int, person_id: int) -> HttpResponse:
    """From a person's admin page: ask for their subject access export (what this
    organisation holds about them)."""
    actor = _admin(request)
    with refusal_as_message(request) as refusal:
        services_exports.subject_access_request(
            actor=actor, person_id=person_id, organisation_id=organisation_id
        )
    if refusal.error is None:
        messages.success(request, READY_MESSAGE)
    return redirect("organisation-exports")


def _download_refused(request: HttpRequest, error: HearthError, to: str) -> HttpResponse:
    if isinstance(error, NotFound):
        raise Http404(error.message)
    messages.error(request, error.message)
    return redirect(to)


@login_required
@require_GET
@not_found_as_404
def subject_access_download(request: HttpRequest, export_id: int) -> HttpResponseBase:
    actor = _signed_in(request)
    back = "organisation-exports" if actor.is_org_admin else "my-data"
    try:
        export = services_exports.subject_access_download(actor=actor, export_id=export_id)
    except HearthError as error:
        return _download_refused(request, error, back)
    return attachment(
        export.file,
        filename=f"hearth-subject-access-{export.pk}.zip",
        content_type="application/zip",
    )


@login_required
@require_GET
@not_found_as_404
def organisation_export_download(request: HttpRequest, export_id: int) -> HttpResponseBase:
    actor = _admin(request)
    try:
        export = services_exports.organisation_export_download(actor=actor, export_id=export_id)
    except HearthError as error:
        return _download_refused(request, error, "organisation-exports")
    return attachment(
        export.file,
        filename=f"hearth-organisation-export-{export.pk}.zip",
        content_type="application/zip",
    )
