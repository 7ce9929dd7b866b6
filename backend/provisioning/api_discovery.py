"""SCIM's discovery endpoints (RFC 7644 §4): ServiceProviderConfig, ResourceTypes and
Schemas, from the models of provisioning.resources; and the SCIM 404 for any other path
under /scim/v2/."""

from django.http import HttpRequest, HttpResponse
from scim2_models import Context, ListResponse, ResourceType, Schema

from core.errors import NotFound
from provisioning import resources
from provisioning.protocol import answer, base_url, scim_view


@scim_view("GET")
def service_provider_config(request: HttpRequest, organisation_id: int) -> HttpResponse:
    """What Hearth's SCIM service supports."""
    config = resources.SERVICE_PROVIDER_CONFIG.model_copy()
    config.meta = None
    return answer(config.model_dump(scim_ctx=Context.RESOURCE_QUERY_RESPONSE))


def _resource_types(request: HttpRequest) -> list[ResourceType]:
    base = base_url(request)
    found = []
    for resource_type in resources.PROVIDER.resource_types:
        copy = resource_type.model_copy(deep=True)
        copy.meta = {"resourceType": "ResourceType", "location": f"{base}/ResourceTypes/{copy.id}"}  # type: ignore[assignment]
        found.append(copy)
    return found


def _schemas(request: HttpRequest) -> list[Schema]:
    base = base_url(request)
    found = []
    for schema in resources.PROVIDER.schemas:
        copy = schema.model_copy(deep=True)
        copy.meta = {"resourceType": "Schema", "location": f"{base}/Schemas/{copy.id}"}  # type: ignore[assignment]
        found.append(copy)
    return found


def _listed(found: list[ResourceType] | list[Schema], model: type) -> HttpResponse:
    listed = ListResponse[model](  # type: ignore[valid-type]
        total_results=len(found), start_index=1, items_per_page=len(found), resources=found
    )
    return answer(listed.model_dump(scim_ctx=Context.SEARCH_RESPONSE))


@scim_view("GET")
def resource_types(request: HttpRequest, organisation_id: int) -> HttpResponse:
    """The resource types served: User and Group."""
    return _listed(_resource_types(request), ResourceType)


@scim_view("GET")
def resource_type(request: HttpRequest, organisation_id: int, name: str) -> HttpResponse:
    """One resource type by its id."""
    for found in _resource_types(request):
        if found.id == name:
            return answer(found.model_dump(scim_ctx=Context.RESOURCE_QUERY_RESPONSE))
    raise NotFound("No such resource type.")


@scim_view("GET")
def schemas(request: HttpRequest, organisation_id: int) -> HttpResponse:
    """The schemas of the resources served: only the attributes Hearth keeps."""
    return _listed(_schemas(request), Schema)


@scim_view("GET")
def schema(request: HttpRequest, organisation_id: int, urn: str) -> HttpResponse:
    """One schema by its URN."""
    for found in _schemas(request):
        if found.id == urn:
            return answer(found.model_dump(scim_ctx=Context.RESOURCE_QUERY_RESPONSE))
    raise NotFound("No such schema.")


@scim_view("GET", "POST", "PUT", "PATCH", "DELETE")
def not_found(request: HttpRequest, organisation_id: int, rest: str) -> HttpResponse:
    """Any other path under /scim/v2/."""
    raise NotFound("No such endpoint.")
