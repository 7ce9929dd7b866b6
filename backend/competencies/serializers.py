"""API representations of frameworks, competencies, assessments and requirements, and
the team matrix's filters (the API, the page and its CSV validate them alike)."""

from typing import Any

from rest_framework import serializers

from accounts.models import Role
from competencies.models import (
    Assessment,
    Competency,
    Domain,
    Framework,
    Level,
    Method,
    Outcome,
    Requirement,
)
from competencies.selectors import MatrixFilters
from competencies.states import State
from core.fields import TextField
from core.filters import QuerySerializer
from core.ids import MAX_ID


class CompetencySerializer(serializers.ModelSerializer[Competency]):
    indicators = serializers.ListField(child=serializers.CharField(), source="indicator_codes")
    modules = serializers.SerializerMethodField()

    class Meta:
        model = Competency
        fields = [
            "id",
            "framework",
            "code",
            "title",
            "description",
            "domain",
            "level",
            "indicators",
            "validity_months",
            "modules",
        ]

    def get_modules(self, competency: Competency) -> list[int]:
        return [module.pk for module in competency.modules.all()]


class FrameworkSerializer(serializers.ModelSerializer[Framework]):
    class Meta:
        model = Framework
        fields = ["id", "slug", "title", "description"]


class AssessmentSerializer(serializers.ModelSerializer[Assessment]):
    learner_name = serializers.CharField(source="learner.full_name", read_only=True)
    competency_code = serializers.CharField(source="competency.code", read_only=True)
    assessor_name = serializers.CharField(
        source="assessor.full_name", read_only=True, allow_null=True, default=None
    )
    superseded_by = serializers.SerializerMethodField()
    has_evidence_file = serializers.SerializerMethodField()
    organisation = serializers.IntegerField(
        source="organisation_id",
        read_only=True,
        allow_null=True,
        help_text="The organisation the assessment was made under; scope follows it.",
    )

    class Meta:
        model = Assessment
        fields = [
            "id",
            "learner",
            "learner_name",
            "organisation",
            "competency",
            "competency_code",
            "method",
            "assessor",
            "assessor_name",
            "outcome",
            "level",
            "evidence_note",
            "has_evidence_file",
            "assessed_at",
            "valid_until",
            "supersedes",
            "superseded_by",
            "enrolment",
            "recorded_at",
        ]
        read_only_fields = fields

    def get_superseded_by(self, assessment: Assessment) -> int | None:
        later = getattr(assessment, "superseded_by", None)
        return later.pk if later is not None else None

    def get_has_evidence_file(self, assessment: Assessment) -> bool:
        return bool(assessment.evidence_file)


class AssessmentCreateSerializer(serializers.Serializer[Any]):
    learner = serializers.IntegerField(min_value=1, max_value=MAX_ID)
    competency = serializers.IntegerField(min_value=1, max_value=MAX_ID)
    method = serializers.ChoiceField(choices=[Method.OBSERVATION, Method.EVIDENCE])
    outcome = serializers.ChoiceField(choices=Outcome.choices)
    level = serializers.ChoiceField(choices=Level.choices, required=False, allow_null=True)
    evidence_note = TextField(required=False, allow_blank=True, max_length=5000)
    evidence_file = serializers.FileField(required=False, allow_null=True)
    assessed_at = serializers.DateTimeField(required=False, allow_null=True)
    supersedes = serializers.IntegerField(
        required=False, allow_null=True, min_value=1, max_value=MAX_ID
    )


class LearnerCompetencySerializer(serializers.Serializer[Any]):
    competency = serializers.IntegerField()
    code = serializers.CharField()
    title = serializers.CharField()
    domain = serializers.CharField()
    state = serializers.ChoiceField(choices=State.choices)
    level = serializers.IntegerField(allow_null=True)
    valid_until = serializers.DateField(allow_null=True)
    required_level = serializers.IntegerField(allow_null=True)
    organisation = serializers.IntegerField(
        help_text="The organisation under which this state holds (state is per organisation)."
    )


class RequirementSerializer(serializers.ModelSerializer[Requirement]):
    class Meta:
        model = Requirement
        fields = ["id", "team", "role", "competency", "level"]
        read_only_fields = ["id", "team"]


class RequirementCreateSerializer(serializers.Serializer[Any]):
    competency = serializers.IntegerField(min_value=1, max_value=MAX_ID)
    level = serializers.ChoiceField(choices=Level.choices)
    role = serializers.ChoiceField(
        choices=[("", "Everyone"), *Role.choices], required=False, default=""
    )


class MatrixPersonSerializer(serializers.Serializer[Any]):
    """A row of the matrix. The four arrays are aligned with the response's
    `competencies`: element i of each describes competency i."""

    id = serializers.IntegerField()
    full_name = serializers.CharField()
    roles = serializers.ListField(child=serializers.CharField())
    states = serializers.ListField(child=serializers.ChoiceField(choices=State.choices))
    levels = serializers.ListField(child=serializers.IntegerField(allow_null=True))
    valid_until = serializers.ListField(child=serializers.DateField(allow_null=True))
    required_levels = serializers.ListField(child=serializers.IntegerField(allow_null=True))
    missing = serializers.ListField(
        child=serializers.CharField(), help_text="Codes of required competencies not met."
    )


class MatrixCompetencySerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    code = serializers.CharField()
    title = serializers.CharField()
    domain = serializers.CharField()
    level = serializers.IntegerField()


class MatrixGapSerializer(serializers.Serializer[Any]):
    competency = serializers.IntegerField()
    code = serializers.CharField()
    required_count = serializers.IntegerField()
    not_met = serializers.IntegerField()


class MatrixDomainSerializer(serializers.Serializer[Any]):
    domain = serializers.CharField()
    domain_label = serializers.CharField()
    held = serializers.IntegerField()
    total = serializers.IntegerField()
    percent = serializers.IntegerField()


class MatrixTeamSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    name = serializers.CharField()


class MatrixSerializer(serializers.Serializer[Any]):
    """Documents the matrix response (built as plain data, not serialised per row)."""

    team = MatrixTeamSerializer()
    on = serializers.DateField()
    competencies = MatrixCompetencySerializer(many=True)
    people = MatrixPersonSerializer(many=True)
    gaps = MatrixGapSerializer(many=True)
    domains = MatrixDomainSerializer(many=True)


class MatrixQuerySerializer(QuerySerializer):
    framework = serializers.IntegerField(required=False, min_value=1, max_value=MAX_ID)
    domain = serializers.ChoiceField(choices=Domain.choices, required=False)
    level = serializers.ChoiceField(choices=Level.choices, required=False)
    state = serializers.ChoiceField(choices=State.choices, required=False)
    required_only = serializers.BooleanField(required=False, default=False)


def matrix_filters(params: Any, *, blank_means_any: bool = False) -> MatrixFilters:
    """Validate the matrix's query filters (the page and the API share them). The API
    refuses an empty one; the page's form sends its "any" choices empty."""
    if blank_means_any:
        params = _without_blanks(params)
    if not any(name in params for name in MatrixQuerySerializer._declared_fields):
        return MatrixFilters()
    query = MatrixQuerySerializer(data=params)
    query.is_valid(raise_exception=True)
    data = query.validated_data
    return MatrixFilters(
        framework=data.get("framework"),
        domain=data.get("domain"),
        level=int(data["level"]) if data.get("level") else None,
        state=data.get("state"),
        required_only=data["required_only"],
    )


def _without_blanks(params: Any) -> dict[str, str]:
    """The page's filters as plain values (its checkbox says `on`), blanks left out."""
    return {name: values[-1] for name, values in params.lists() if values and values[-1] != ""}
