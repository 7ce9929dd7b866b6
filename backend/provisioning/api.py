"""SCIM Users and Groups (RFC 7644 §3): the organisation's provisioned people and teams.
Thin: read the request with scim2-models, call one selector or service for the token's
organisation, answer application/scim+json (provisioning.protocol)."""

from typing import Any

from django.http import HttpRequest, HttpResponse
from scim2_models import Context, PatchOp, Resource

from provisioning import resources, selectors, services
from provisioning.protocol import (
    all_groups,
    all_users,
    answer,
    base_url,
    body_of,
    dump,
    list_page,
    query_parameters,
    scim_view,
)


def _answer(
    request: HttpRequest, resource: Resource[Any], context: Context, status: int = 200
) -> HttpResponse:
    location = resource.meta.location if resource.meta and status == 201 else ""
    return answer(dump(resource, context, request), status=status, location=location or "")


def _user_answer(
    request: HttpRequest, record: Any, context: Context, status: int = 200
) -> HttpResponse:
    return _answer(
        request, resources.user_resource(record, base_url=base_url(request)), context, status
    )


def _group_answer(
    request: HttpRequest, group: Any, context: Context, status: int = 200
) -> HttpResponse:
    return _answer(
        request, resources.group_resource(group, base_url=base_url(request)), context, status
    )


def _changed[R: Resource[Any]](
    request: HttpRequest, model: type[R], current: R
) -> tuple[R, Context]:
    """What a PUT (the body replaces the resource) or a PATCH (applied by scim2-models to
    the current resource) asks for, and the context to answer it in."""
    if request.method == "PUT":
        wanted = model.model_validate(
            body_of(request), scim_ctx=Context.RESOURCE_REPLACEMENT_REQUEST
        )
        wanted.replace(current)
        return wanted, Context.RESOURCE_REPLACEMENT_RESPONSE
    patch = PatchOp[model].model_validate(  # type: ignore[valid-type]
        body_of(request), scim_ctx=Context.RESOURCE_PATCH_REQUEST
    )
    patch.patch(current)
    return current, Context.RESOURCE_PATCH_RESPONSE


def _users_page(request: HttpRequest, organisation_id: int, search: Any) -> dict[str, Any]:
    return list_page(search, [(resources.User, all_users(request, organisation_id, search))])


def _groups_page(request: HttpRequest, organisation_id: int, search: Any) -> dict[str, Any]:
    return list_page(search, [(resources.Group, all_groups(request, organisation_id, search))])


@scim_view("GET", "POST")
def users(request: HttpRequest, organisation_id: int) -> HttpResponse:
    """GET lists the organisation's users (filter, startIndex, count); POST adds one."""
    if request.method == "GET":
        return answer(_users_page(request, organisation_id, query_parameters(request)))
    resource = resources.User.model_validate(
        body_of(request), scim_ctx=Context.RESOURCE_CREATION_REQUEST
    )
    record = services.provisioned_user_create(organisation_id=organisation_id, resource=resource)
    return _user_answer(request, record, Context.RESOURCE_CREATION_RESPONSE, status=201)


@scim_view("POST")
def users_search(request: HttpRequest, organisation_id: int) -> HttpResponse:
    """POST /Users/.search: the same list, asked for in the body."""
    return answer(_users_page(request, organisation_id, body_of(request)))


@scim_view("GET", "PUT", "PATCH", "DELETE")
def user(request: HttpRequest, organisation_id: int, scim_id: str) -> HttpResponse:
    """One user: read, replace, patch (applied by scim2-models, then replaced), or remove."""
    record = selectors.provisioned_user_get(organisation_id=organisation_id, scim_id=scim_id)
    if request.method == "GET":
        return _user_answer(request, record, Context.RESOURCE_QUERY_RESPONSE)
    if request.method == "DELETE":
        services.provisioned_user_delete(record=record)
        return answer(None, status=204)
    current = resources.user_resource(record, base_url=base_url(request))
    wanted, context = _changed(request, resources.User, current)
    services.provisioned_user_replace(record=record, resource=wanted)
    record = selectors.provisioned_user_get(organisation_id=organisation_id, scim_id=scim_id)
    return _user_answer(request, record, context)


@scim_view("GET", "POST")
def groups(request: HttpRequest, organisation_id: int) -> HttpResponse:
    """GET lists the organisation's groups; POST adds one (a team)."""
    if request.method == "GET":
        return answer(_groups_page(request, organisation_id, query_parameters(request)))
    resource = resources.Group.model_validate(
        body_of(request), scim_ctx=Context.RESOURCE_CREATION_REQUEST
    )
    group = services.provisioned_group_create(organisation_id=organisation_id, resource=resource)
    group = selectors.provisioned_group_get(
        organisation_id=organisation_id, scim_id=str(group.scim_id)
    )
    return _group_answer(request, group, Context.RESOURCE_CREATION_RESPONSE, status=201)


@scim_view("POST")
def groups_search(request: HttpRequest, organisation_id: int) -> HttpResponse:
    """POST /Groups/.search."""
    return answer(_groups_page(request, organisation_id, body_of(request)))


@scim_view("GET", "PUT", "PATCH", "DELETE")
def group(request: HttpRequest, organisation_id: int, scim_id: str) -> HttpResponse:
    """One group: read, replace, patch (members added or removed), or remove."""
    found = selectors.provisioned_group_get(organisation_id=organisation_id, scim_id=scim_id)
    if request.method == "GET":
        return _group_answer(request, found, Context.RESOURCE_QUERY_RESPONSE)
    if request.method == "DELETE":
        services.provisioned_group_delete(group=found)
        return answer(None, status=204)
    current = resources.group_resource(found, base_url=base_url(request))
    wanted, context = _changed(request, resources.Group, current)
    services.provisioned_group_replace(group=found, resource=wanted)
    found = selectors.provisioned_group_get(organisation_id=organisation_id, scim_id=scim_id)
    return _group_answer(request, found, context)


@scim_view("POST")
def search(request: HttpRequest, organisation_id: int) -> HttpResponse:
    """POST /.search: users and groups at once (RFC 7644 §3.4.3)."""
    search = body_of(request)
    return answer(
        list_page(
            search,
            [
                (resources.User, all_users(request, organisation_id, search)),
                (resources.Group, all_groups(request, organisation_id, search)),
            ],
        )
    )
