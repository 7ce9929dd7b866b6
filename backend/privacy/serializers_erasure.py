"""What the erasure and retention API reads and answers (issue 17)."""

from typing import Any

from rest_framework import serializers

from core.fields import TextField
from core.ids import MAX_ID
from privacy.models import Erasure, RetentionPolicy


class ErasureRequestSerializer(serializers.Serializer[Any]):
    organisation = serializers.IntegerField(min_value=1, max_value=MAX_ID)
    person = serializers.IntegerField(min_value=1, max_value=MAX_ID)
    withhold_name = serializers.BooleanField(
        default=True, help_text="Withhold the person's name on their certificates' verify page."
    )


class ErasureListQuerySerializer(serializers.Serializer[Any]):
    organisation = serializers.IntegerField(min_value=1, max_value=MAX_ID, required=False)


class ErasureSerializer(serializers.ModelSerializer[Erasure]):
    status_display = serializers.CharField(source="get_status_display", read_only=True)

    class Meta:
        model = Erasure
        fields = [
            "id",
            "organisation",
            "person",
            "source",
            "requested_by",
            "requested_at",
            "withhold_name",
            "status",
            "status_display",
            "due_on",
            "hold_reason",
            "erased_at",
            "summary",
        ]
        read_only_fields = fields


class RetentionPolicySerializer(serializers.ModelSerializer[RetentionPolicy]):
    leaver_retention_months = serializers.IntegerField(
        min_value=1,
        max_value=1200,
        allow_null=True,
        help_text="Erase a leaver's records this many months after they leave; null: never "
        "automatically.",
    )
    legal_hold_years = serializers.IntegerField(min_value=0, max_value=100)
    legal_hold_reason = TextField(max_length=300, allow_blank=True, default="")

    class Meta:
        model = RetentionPolicy
        fields = [
            "organisation",
            "leaver_retention_months",
            "legal_hold_years",
            "legal_hold_reason",
        ]
        read_only_fields = ["organisation"]
