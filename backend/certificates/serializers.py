"""API representations of certificates and public verification."""

from typing import Any

from django.urls import reverse
from rest_framework import serializers

from certificates.models import Certificate, CertificateStatus
from core.fields import TextField


class CompetencyLineSerializer(serializers.Serializer[Any]):
    code = serializers.CharField()
    title = serializers.CharField()


class CertificateSerializer(serializers.ModelSerializer[Certificate]):
    """A certificate as its learner and the people responsible for them see it."""

    learner = serializers.IntegerField(source="learner_id")
    module = serializers.IntegerField(source="module_id")
    organisation = serializers.IntegerField(source="organisation_id", allow_null=True)
    competencies = CompetencyLineSerializer(many=True)
    status = serializers.ChoiceField(choices=CertificateStatus.choices)
    verify_url = serializers.CharField()
    pdf_url = serializers.SerializerMethodField(
        help_text="Where to download the PDF (signed in); null until it has been rendered."
    )
    supersedes = serializers.IntegerField(source="supersedes_id", allow_null=True)
    superseded_by = serializers.SerializerMethodField()

    class Meta:
        model = Certificate
        fields = [
            "id",
            "number",
            "status",
            "learner",
            "learner_name",
            "module",
            "module_title",
            "module_version",
            "organisation",
            "organisation_name",
            "competencies",
            "completed_at",
            "issued_at",
            "verify_url",
            "pdf_url",
            "email_sent_at",
            "revoked_at",
            "revoked_reason",
            "supersedes",
            "superseded_by",
            "superseded_at",
            "reissue_reason",
        ]
        read_only_fields = fields

    def get_pdf_url(self, certificate: Certificate) -> str | None:
        if not certificate.pdf:
            return None
        return reverse("v1:certificate-pdf", args=[certificate.pk])

    def get_superseded_by(self, certificate: Certificate) -> int | None:
        replacement = getattr(certificate, "superseded_by", None)
        return replacement.pk if replacement is not None else None


class ReasonSerializer(serializers.Serializer[Any]):
    reason = TextField(max_length=500, help_text="Why (kept on the record).")


class VerificationSerializer(serializers.Serializer[Any]):
    """What the public may know: the certificate's printed face and whether it stands."""

    status = serializers.ChoiceField(choices=CertificateStatus.choices)
    number = serializers.CharField()
    learner_name = serializers.CharField()
    module_title = serializers.CharField()
    module_version = serializers.IntegerField()
    organisation_name = serializers.CharField()
    competencies = CompetencyLineSerializer(many=True)
    completed_on = serializers.DateField()
    issued_on = serializers.DateField()
    revoked_on = serializers.DateField(allow_null=True)
    superseded_on = serializers.DateField(allow_null=True)
