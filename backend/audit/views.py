"""An org admin's audit trail page (issue 17): every change to the organisation's records
and every audited read, newest first, filtered, with before and after, a page at a time.
Anyone else: 404. Thin: the filters are the API's, the reads audit.selectors'."""

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from accounts.selectors import actor_from_request
from audit import selectors
from audit.forms import AuditFilterForm
from core.pages import not_found_as_404


@login_required
@require_GET
@not_found_as_404
def audit_trail(request: HttpRequest) -> HttpResponse:
    """The trail of the org admin's organisations; an organisation asked for that is not
    theirs is not found."""
    actor = actor_from_request(request)
    if actor.is_api_key or not actor.is_org_admin:
        raise Http404("No audit trail for you here.")
    organisations = selectors.audit_organisations_for(actor)
    form = AuditFilterForm(request.GET, organisations=organisations)
    valid = form.is_valid()
    query = form.query
    page = selectors.audit_events_list(
        actor=actor, filters=query.filters, before=query.before, size=query.size
    )
    following = None
    if page.next is not None:
        params = form.valid_params.copy()
        params["before"] = page.next.encode()
        following = params.urlencode()
    return render(
        request,
        "audit/trail.html",
        {
            "form": form,
            "events": page.events,
            "next_query": following,
            "first_query": form.valid_params.urlencode(),
            "is_later_page": query.before is not None,
            "several_organisations": len(organisations) > 1,
        },
        status=200 if valid else 400,
    )
