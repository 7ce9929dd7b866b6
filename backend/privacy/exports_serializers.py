"""The exports as the API shows them, and what asking for one takes (issue 17)."""

from typing import Any

from django.urls import reverse
from rest_framework import serializers

from privacy.models import ExportStatus, OrganisationExport, SubjectAccessExport


class SubjectAccessRequestSerializer(serializers.Serializer[Any]):
    person = serializers.IntegerField(
        required=False,
        min_value=1,
        help_text="The person to export (an org admin, on their behalf); leave out for "
        "your own data, which covers every organisation.",
    )
    organisation = serializers.IntegerField(
        required=False,
        min_value=1,
        help_text="The organisation whose records an org admin's export covers; needed only "
        "if you administer several.",
    )


class OrganisationExportRequestSerializer(serializers.Serializer[Any]):
    organisation = serializers.IntegerField(
        required=False,
        min_value=1,
        help_text="The organisation to export; needed only if you administer several.",
    )


class _ExportSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    organisation = serializers.IntegerField(source="organisation_id")
    requested_by = serializers.IntegerField(source="requested_by_id", allow_null=True)
    requested_at = serializers.DateTimeField()
    status = serializers.ChoiceField(choices=ExportStatus.choices)
    ready_at = serializers.DateTimeField(allow_null=True)
    expires_at = serializers.DateTimeField(
        allow_null=True, help_text="When the archive is deleted (7 days after it is ready)."
    )
    failure = serializers.CharField(allow_blank=True)
    status_url = serializers.SerializerMethodField()
    download_url = serializers.SerializerMethodField(
        help_text="Where to download the ZIP while it is ready; null otherwise."
    )
    route = ""

    def get_status_url(self, export: Any) -> str:
        return reverse(f"v1:{self.route}-detail", args=[export.pk])

    def get_download_url(self, export: Any) -> str | None:
        if export.status != ExportStatus.READY or not export.file:
            return None
        return reverse(f"v1:{self.route}-download", args=[export.pk])


class SubjectAccessExportSerializer(_ExportSerializer):
    """A subject access export: about `person`, covering every organisation (their own
    request) or what `organisation` holds (an org admin's)."""

    person = serializers.IntegerField(source="person_id")
    covers_all_organisations = serializers.BooleanField()
    route = "subject-access-export"

    class Meta:
        model = SubjectAccessExport


class OrganisationExportSerializer(_ExportSerializer):
    """An organisation export: everything held under `organisation`, CSV and JSON."""

    route = "organisation-export"

    class Meta:
        model = OrganisationExport
