"""/scim/v2/: SCIM 2.0 provisioning (ADR 0025), mounted by config.urls."""

from django.urls import path, re_path

from provisioning import api, api_discovery

urlpatterns = [
    path("ServiceProviderConfig", api_discovery.service_provider_config, name="scim-config"),
    path("ResourceTypes", api_discovery.resource_types, name="scim-resource-types"),
    path("ResourceTypes/<str:name>", api_discovery.resource_type, name="scim-resource-type"),
    path("Schemas", api_discovery.schemas, name="scim-schemas"),
    path("Schemas/<str:urn>", api_discovery.schema, name="scim-schema"),
    path("Users", api.users, name="scim-users"),
    path("Users/.search", api.users_search, name="scim-users-search"),
    path("Users/<str:scim_id>", api.user, name="scim-user"),
    path("Groups", api.groups, name="scim-groups"),
    path("Groups/.search", api.groups_search, name="scim-groups-search"),
    path("Groups/<str:scim_id>", api.group, name="scim-group"),
    path(".search", api.search, name="scim-search"),
    re_path(r"^(?P<rest>.*)$", api_discovery.not_found, name="scim-not-found"),
]
