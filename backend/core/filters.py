"""Query filters shared by every list: strict values, and ids checked before any query runs."""

from collections.abc import Iterable, Set
from typing import Any

import django_filters
from django import forms
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers
from rest_framework.exceptions import ValidationError

from core.ids import MAX_ID, MIN_ID


@extend_schema_field({"type": "integer", "minimum": MIN_ID, "maximum": MAX_ID})
class IdFilter(django_filters.NumberFilter):
    """Filter on an id: a whole number from 1 to MAX_ID, else a 400 (never a 500, on any
    database). It filters by the raw column, never a lookup among all objects, so an id
    outside the caller's scope and an id that names nothing both simply match nothing."""

    field_class = forms.IntegerField

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("min_value", MIN_ID)
        kwargs.setdefault("max_value", MAX_ID)
        super().__init__(*args, **kwargs)


STRICT_BOOLEANS = {"true": "true", "false": "false"}


class FilterBackend(DjangoFilterBackend):
    """django-filter, strictly: a filter named in the query must have exactly one
    non-empty value (`?to=` or `?team=1&team=2` is a 400, not silently ignored), and a
    yes/no filter must say `true` or `false`."""

    def get_filterset_kwargs(self, request: Any, queryset: Any, view: Any) -> dict[str, Any]:
        kwargs: dict[str, Any] = super().get_filterset_kwargs(request, queryset, view)
        filterset_class = self.get_filterset_class(view, queryset)
        if filterset_class is not None:
            filters = filterset_class.base_filters
            booleans = {
                n for n, f in filters.items() if isinstance(f, django_filters.BooleanFilter)
            }
            check_query_values(request.query_params, names=set(filters), booleans=booleans)
        return kwargs


def check_query_values(params: Any, *, names: Iterable[str], booleans: Set[str]) -> None:
    """Refuse an empty, repeated or (for yes/no parameters) non-boolean query value."""
    errors: dict[str, list[str]] = {}
    for name in names:
        values = params.getlist(name)
        if not values:
            continue
        if len(values) > 1:
            errors[name] = ["Give this once."]
        elif values[0] == "":
            errors[name] = ["Give a value, or leave the parameter out."]
        elif name in booleans and values[0].lower() not in STRICT_BOOLEANS:
            errors[name] = ["true or false."]
    if errors:
        raise ValidationError(errors)


class QuerySerializer(serializers.Serializer[Any]):
    """Query parameters validated by a serializer, as strictly as the list filters: each
    named parameter once, never empty (DRF would read an empty one as absent)."""

    def to_internal_value(self, data: Any) -> Any:
        if hasattr(data, "getlist"):
            fields = self.fields
            booleans = {n for n, f in fields.items() if isinstance(f, serializers.BooleanField)}
            names = [n for n, f in fields.items() if not getattr(f, "allow_blank", False)]
            check_query_values(data, names=names, booleans=booleans)
        return super().to_internal_value(data)
