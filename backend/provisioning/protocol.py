"""SCIM's HTTP side for the views of api.py and api_discovery.py (RFC 7644, ADR 0025): the
bearer token, application/scim+json answers, every refusal as a SCIM Error (§3.12, never
a 500 on bad input), query parameters, and list pages. Writes nothing."""

import functools
import json
import operator
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.views.decorators.csrf import csrf_exempt
from pydantic import ValidationError
from scim2_models import (
    Context,
    Error,
    ListResponse,
    Resource,
    SCIMException,
    SearchRequest,
)
from scim2_models.path import CompareOperator, Comparison

from core.errors import Conflict, HearthError
from provisioning import resources, selectors
from provisioning.models import ProvisioningToken

CONTENT_TYPE = "application/scim+json"
View = Callable[..., HttpResponse]


def answer(
    payload: dict[str, Any] | None, *, status: int = 200, location: str = ""
) -> HttpResponse:
    if payload is None:
        return HttpResponse(status=status)
    response = HttpResponse(json.dumps(payload), status=status, content_type=CONTENT_TYPE)
    if location:
        response["Location"] = location
    return response


def error_answer(status: int, detail: str, scim_type: str | None = None) -> HttpResponse:
    error = Error(status=status, scim_type=scim_type, detail=detail)
    response = answer(error.model_dump(), status=status)
    if status == 401:
        response["WWW-Authenticate"] = 'Bearer realm="Hearth SCIM"'
    return response


def _from_hearth_error(error: HearthError) -> HttpResponse:
    if isinstance(error, Conflict):
        return error_answer(409, error.message, "uniqueness")
    return error_answer(
        error.status, error.message, "invalidValue" if error.status == 400 else None
    )


def _token_of(request: HttpRequest) -> ProvisioningToken | None:
    header = request.headers.get("Authorization", "").split()
    if len(header) != 2 or header[0].lower() != "bearer":
        return None
    return selectors.provisioning_token_from_key(header[1])


def scim_view(*methods: str) -> Callable[[View], View]:
    """A SCIM endpoint: the token's organisation, the methods it answers (405 otherwise),
    and every refusal as a SCIM Error. The view gets the organisation's id first."""

    def decorate(view: View) -> View:
        @csrf_exempt
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            token = _token_of(request)
            if token is None:
                return error_answer(
                    401, "Send the organisation's provisioning token as a Bearer token."
                )
            if request.method not in methods:
                return error_answer(405, f"{request.method} is not allowed here.")
            try:
                with resources.PROVIDER:
                    return view(request, token.organisation_id, *args, **kwargs)
            except SCIMException as error:
                return answer(error.to_error().model_dump(), status=error.status)
            except ValidationError as error:
                first = Error.from_validation_errors(error)[0]
                return answer(first.model_dump(), status=first.status or 400)
            except HearthError as error:
                return _from_hearth_error(error)

        return wrapped

    return decorate


def body_of(request: HttpRequest) -> Any:
    try:
        return json.loads(request.body or b"null")
    except (UnicodeDecodeError, ValueError):
        raise HearthError("The body is not JSON.") from None


def base_url(request: HttpRequest) -> str:
    return request.build_absolute_uri("/scim/v2").rstrip("/")


def dump(resource: Resource[Any], context: Context, request: HttpRequest) -> dict[str, Any]:
    parameters = query_parameters(request)
    return resource.model_dump(
        scim_ctx=context,
        response_parameters=SearchRequest.model_validate(parameters) if parameters else None,
    )


def query_parameters(request: HttpRequest) -> dict[str, Any]:
    """attributes, excludedAttributes, filter, startIndex and count from the query string."""
    parameters: dict[str, Any] = {}
    for name in ("attributes", "excludedAttributes"):
        if request.GET.get(name):
            parameters[name] = [part.strip() for part in request.GET[name].split(",")]
    if request.GET.get("filter"):
        parameters["filter"] = request.GET["filter"]
    for name in ("startIndex", "count"):
        if request.GET.get(name):
            try:
                parameters[name] = int(request.GET[name])
            except ValueError:
                raise HearthError(f"{name} must be a whole number.") from None
    return parameters


def list_page(
    search: dict[str, Any], models: list[tuple[type[Resource[Any]], list[Resource[Any]]]]
) -> dict[str, Any]:
    """A page of the resources the search's filter keeps (RFC 7644 §3.4.2)."""
    matched: list[Resource[Any]] = []
    request: SearchRequest[Any] = SearchRequest.model_validate(search)
    for model, found in models:
        bound = SearchRequest[model].model_validate(search, scim_ctx=Context.SEARCH_REQUEST)  # type: ignore[valid-type]
        matched += [r for r in found if bound.filter is None or bound.filter.match(r)]
        request = bound
    start = max(request.start_index or 1, 1)
    count = resources.MAX_RESULTS if request.count is None else max(request.count, 0)
    count = min(count, resources.MAX_RESULTS)
    page = matched[start - 1 : start - 1 + count]
    carried = functools.reduce(operator.or_, [model for model, _ in models])
    listed: ListResponse[Any] = ListResponse[carried](  # type: ignore[valid-type]
        total_results=len(matched), start_index=start, items_per_page=len(page), resources=page
    )
    return listed.model_dump(scim_ctx=Context.SEARCH_RESPONSE, response_parameters=request)


# The lookups a filter of one `eq` on these attributes narrows the rows to in SQL before
# scim2-models matches them (Entra ID asks `userName eq "..."` for each person it syncs).
NARROWED = {
    "User": {"username": "user_name__iexact", "externalid": "external_id"},
    "Group": {"displayname": "team__name__iexact", "externalid": "external_id"},
}


def narrowing(model: type[Resource[Any]], search: Any) -> dict[str, str]:
    """Django lookups that keep at least every row the search's filter matches: for a
    single ASCII `eq` comparison on a narrowed attribute; otherwise none."""
    if not isinstance(search, dict) or not search.get("filter"):
        return {}
    bound = SearchRequest[model].model_validate(search, scim_ctx=Context.SEARCH_REQUEST)  # type: ignore[valid-type]
    node = bound.filter.ast if bound.filter is not None else None
    if not isinstance(node, Comparison) or node.op != CompareOperator.eq:
        return {}
    path, value = node.attr_path, node.value
    lookup = NARROWED[model.__name__].get(path.attr.lower())
    if lookup is None or path.sub_attr or not isinstance(value, str) or not value.isascii():
        return {}
    return {lookup: value}


def all_users(
    request: HttpRequest, organisation_id: int, search: dict[str, Any]
) -> list[Resource[Any]]:
    base = base_url(request)
    rows = selectors.provisioned_users(organisation_id=organisation_id)
    return [
        resources.user_resource(record, base_url=base)
        for record in rows.filter(**narrowing(resources.User, search))
    ]


def all_groups(
    request: HttpRequest, organisation_id: int, search: dict[str, Any]
) -> list[Resource[Any]]:
    base = base_url(request)
    rows = selectors.provisioned_groups(organisation_id=organisation_id)
    return [
        resources.group_resource(group, base_url=base)
        for group in rows.filter(**narrowing(resources.Group, search))
    ]
