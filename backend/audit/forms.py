"""The audit trail page's filters as controls. Validation is the API's own
(audit.serializers.audit_query), so the page and the API accept exactly the same filters;
these fields never refuse anything themselves."""

from collections.abc import Mapping, Sequence
from typing import Any, cast

from django import forms
from django.http import QueryDict
from rest_framework.exceptions import ValidationError

from accounts.models import Organisation
from audit.registry import CHOICES
from audit.serializers import AuditQuery, audit_query

FILTER_NAMES = ("organisation", "kind", "actor", "person", "object", "from", "to")


def _messages(detail: Any) -> list[str]:
    if isinstance(detail, list | tuple):
        return [str(message) for message in detail]
    return [str(detail)]


class AuditFilterForm(forms.Form):
    organisation = forms.CharField(label="Organisation", required=False, widget=forms.Select)
    kind = forms.CharField(label="Kind of record", required=False, widget=forms.Select)
    actor = forms.CharField(
        label="Who", required=False, help_text="A person's id, or an API key's first 8 characters."
    )
    person = forms.CharField(label="About the person", required=False, help_text="The person's id.")
    object = forms.CharField(label="Record", required=False, help_text="The record's id.")

    def __init__(self, data: QueryDict, *, organisations: Sequence[Organisation]) -> None:
        super().__init__(data)
        self.fields["from"] = forms.CharField(
            label="From", required=False, widget=forms.DateInput(attrs={"type": "date"})
        )
        self.fields["to"] = forms.CharField(
            label="To", required=False, widget=forms.DateInput(attrs={"type": "date"})
        )
        options = {
            "organisation": [("", "All your organisations")]
            + [(str(o.pk), o.name) for o in organisations],
            "kind": [("", "Every kind"), *CHOICES],
        }
        for name, choices in options.items():
            cast(forms.Select, self.fields[name].widget).choices = choices
        self.query = audit_query({})
        self.valid_params = QueryDict(mutable=True)

    def clean(self) -> dict[str, Any]:
        """Validate with the API's filters; keep the valid ones when some are not."""
        cleaned = super().clean() or {}
        params = {name: cast(QueryDict, self.data).get(name, "") for name in FILTER_NAMES}
        params["before"] = cast(QueryDict, self.data).get("before", "")
        try:
            self.query = audit_query(params, blank_means_any=True)
        except ValidationError as error:
            detail = cast(Mapping[str, Any], error.detail)
            for name, messages in detail.items():
                self.add_error(name if name in self.fields else None, _messages(messages))
                params.pop(name, None)
            params.pop("before", None)
            self.query = _or_nothing(params)
        for name in FILTER_NAMES:
            if params.get(name):
                self.valid_params[name] = params[name]
        return cleaned

    @property
    def is_filtered(self) -> bool:
        return bool(self.valid_params)


def _or_nothing(params: dict[str, str]) -> AuditQuery:
    try:
        return audit_query(params, blank_means_any=True)
    except ValidationError:  # Fields are checked one by one, so this is not expected.
        return audit_query({})
