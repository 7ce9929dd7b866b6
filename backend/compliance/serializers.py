"""API representations of training done elsewhere and exemptions (ADR 0021)."""

from typing import Any

from rest_framework import serializers

from compliance.models import Exemption, RecordKind, TrainingRecord
from core.fields import TextField
from core.ids import MAX_ID


class TrainingRecordSerializer(serializers.ModelSerializer[TrainingRecord]):
    person_name = serializers.CharField(source="person.full_name", read_only=True)
    verified_by_name = serializers.CharField(
        source="verified_by.full_name", read_only=True, allow_null=True, default=None
    )
    has_evidence_file = serializers.SerializerMethodField()
    organisation = serializers.IntegerField(
        source="organisation_id",
        read_only=True,
        allow_null=True,
        help_text="The organisation the record was made under; scope follows it.",
    )

    class Meta:
        model = TrainingRecord
        fields = [
            "id",
            "person",
            "person_name",
            "organisation",
            "requirement",
            "kind",
            "title",
            "provider",
            "completed_on",
            "certificate_number",
            "notes",
            "has_evidence_file",
            "verified_by",
            "verified_by_name",
            "created_at",
        ]
        read_only_fields = fields

    def get_has_evidence_file(self, record: TrainingRecord) -> bool:
        return bool(record.evidence_file)


class TrainingRecordCreateSerializer(serializers.Serializer[Any]):
    person = serializers.IntegerField(min_value=1, max_value=MAX_ID)
    requirement = serializers.IntegerField(min_value=1, max_value=MAX_ID)
    kind = serializers.ChoiceField(
        choices=[
            (value, label)
            for value, label in RecordKind.choices
            if value != RecordKind.HEARTH_CERTIFICATE
        ],
        help_text="A Hearth certificate is recognised by its code (training-records/recognise/).",
    )
    title = TextField(max_length=200)
    provider = TextField(required=False, allow_blank=True, max_length=200)
    completed_on = serializers.DateField()
    evidence_file = serializers.FileField(required=False, allow_null=True)
    notes = TextField(required=False, allow_blank=True, max_length=2000)


class RecogniseSerializer(serializers.Serializer[Any]):
    person = serializers.IntegerField(min_value=1, max_value=MAX_ID)
    requirement = serializers.IntegerField(min_value=1, max_value=MAX_ID)
    code = TextField(
        max_length=300,
        help_text="The certificate's verification code, or its whole /verify/ address.",
    )


class ExemptionSerializer(serializers.ModelSerializer[Exemption]):
    organisation = serializers.IntegerField(source="requirement.organisation_id", read_only=True)

    class Meta:
        model = Exemption
        fields = [
            "id",
            "person",
            "organisation",
            "requirement",
            "reason",
            "ends_on",
            "created_by",
            "created_at",
        ]
        read_only_fields = fields


class ExemptionCreateSerializer(serializers.Serializer[Any]):
    person = serializers.IntegerField(min_value=1, max_value=MAX_ID)
    requirement = serializers.IntegerField(min_value=1, max_value=MAX_ID)
    reason = TextField(max_length=500)
    ends_on = serializers.DateField()
