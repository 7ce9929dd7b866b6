"""Query parameters of the statistics API (validated here) and, for the OpenAPI schema
only, the shape of its responses (built as plain data, never serialised row by row)."""

from typing import Any

from rest_framework import serializers

from accounts.models import Sector
from competencies.models import Domain, Level
from core.filters import QuerySerializer
from core.ids import MAX_ID
from reporting import competency_figures, completions
from reporting.models import ReportStatus


def _group_by(allowed: tuple[str, ...], default: str = "") -> serializers.CharField:
    word = "(?:" + "|".join(allowed) + ")"
    return serializers.RegexField(
        rf"^(?:{word}(?:,{word})*)?$",
        required=False,
        allow_blank=True,
        trim_whitespace=False,
        default=default,
        help_text=(
            "Comma-separated groupings (a repeat counts once) from: "
            + ", ".join(allowed)
            + (f". Default: {default}." if default else ". Empty: totals only.")
        ),
    )


class _PeriodFields(QuerySerializer):
    """`from` and `to` (Python keywords, hence renamed here)."""

    date_from = serializers.DateField(
        required=False, help_text="First day (inclusive) on which enrolments were made."
    )
    date_to = serializers.DateField(
        required=False,
        help_text="Last day (inclusive) on which enrolments were made; not before `from`.",
    )

    def get_fields(self) -> dict[str, serializers.Field[Any, Any, Any, Any]]:
        fields = super().get_fields()
        fields["from"] = fields.pop("date_from")
        fields["to"] = fields.pop("date_to")
        return fields


class CompletionQuerySerializer(_PeriodFields):
    group_by = _group_by(completions.DIMENSIONS)
    module = serializers.IntegerField(required=False, min_value=1, max_value=MAX_ID)
    team = serializers.IntegerField(required=False, min_value=1, max_value=MAX_ID)
    sector = serializers.ChoiceField(choices=Sector.choices, required=False)
    organisation = serializers.IntegerField(
        required=False,
        min_value=1,
        max_value=MAX_ID,
        help_text="One of your organisations (if you have several).",
    )


class PartnershipCompletionQuerySerializer(_PeriodFields):
    group_by = _group_by(completions.PARTNERSHIP_DIMENSIONS)
    module = serializers.IntegerField(required=False, min_value=1, max_value=MAX_ID)
    sector = serializers.ChoiceField(choices=Sector.choices, required=False)
    organisation = serializers.IntegerField(
        required=False, min_value=1, max_value=MAX_ID, help_text="A member organisation."
    )


class CompetencyQuerySerializer(QuerySerializer):
    group_by = _group_by(competency_figures.DIMENSIONS, default="competency")
    competency = serializers.IntegerField(required=False, min_value=1, max_value=MAX_ID)
    domain = serializers.ChoiceField(choices=Domain.choices, required=False)
    level = serializers.ChoiceField(choices=Level.choices, required=False)
    team = serializers.IntegerField(required=False, min_value=1, max_value=MAX_ID)
    sector = serializers.ChoiceField(choices=Sector.choices, required=False)
    organisation = serializers.IntegerField(required=False, min_value=1, max_value=MAX_ID)


class PartnershipCompetencyQuerySerializer(QuerySerializer):
    group_by = _group_by(competency_figures.DIMENSIONS, default="competency")
    competency = serializers.IntegerField(required=False, min_value=1, max_value=MAX_ID)
    domain = serializers.ChoiceField(choices=Domain.choices, required=False)
    level = serializers.ChoiceField(choices=Level.choices, required=False)
    sector = serializers.ChoiceField(choices=Sector.choices, required=False)
    organisation = serializers.IntegerField(required=False, min_value=1, max_value=MAX_ID)


class IndicatorQuerySerializer(QuerySerializer):
    organisation = serializers.IntegerField(
        required=False,
        min_value=1,
        help_text=(
            "Your organisation (org admins and its keys). Name it or a partnership, not both; "
            "neither means the one you have."
        ),
    )
    partnership = serializers.IntegerField(
        required=False, min_value=1, max_value=MAX_ID, help_text="A partnership you view."
    )
    quarter = serializers.RegexField(
        r"^[1-9]\d{3}-Q[1-4]$",
        required=False,
        help_text="e.g. 2026-Q3. Default: the last complete quarter.",
    )


class IndicatorReportRequestSerializer(IndicatorQuerySerializer):
    pass


# --- response shapes, for the schema only ------------------------------------------------


class SuppressionSerializer(serializers.Serializer[Any]):
    threshold = serializers.IntegerField(help_text="Counts below this are suppressed.")


class _RowBase(serializers.Serializer[Any]):
    suppressed = serializers.BooleanField(help_text="Whether any figure here is suppressed.")
    suppressed_figures = serializers.ListField(
        child=serializers.CharField(), help_text="The figures shown as null because suppressed."
    )


class CompletionRowSerializer(_RowBase):
    module_id = serializers.IntegerField(required=False)
    module = serializers.CharField(required=False, help_text="The module's current title.")
    team_id = serializers.IntegerField(required=False, allow_null=True)
    team = serializers.CharField(required=False, allow_null=True)
    organisation_id = serializers.IntegerField(required=False)
    organisation = serializers.CharField(required=False)
    sector = serializers.ChoiceField(choices=Sector.choices, required=False)
    sector_label = serializers.CharField(required=False)
    month = serializers.CharField(required=False, help_text="YYYY-MM, when enrolled.")
    enrolled = serializers.IntegerField(allow_null=True)
    started = serializers.IntegerField(allow_null=True)
    completed = serializers.IntegerField(allow_null=True)
    overdue = serializers.IntegerField(allow_null=True)
    completion_rate = serializers.FloatField(
        allow_null=True, help_text="Completed / enrolled, a percentage to 0.1."
    )


class CompletionStatsSerializer(serializers.Serializer[Any]):
    scope = serializers.DictField()
    on = serializers.DateField(help_text="Overdue is as of this day.")
    period_basis = serializers.CharField(help_text="Periods and months are when enrolled.")
    filters = serializers.DictField()
    suppression = SuppressionSerializer(allow_null=True)
    group_by = serializers.ListField(child=serializers.CharField())
    rows = CompletionRowSerializer(many=True)
    totals = CompletionRowSerializer()


class CompetencyRowSerializer(_RowBase):
    competency_id = serializers.IntegerField(required=False)
    competency_code = serializers.CharField(required=False)
    competency = serializers.CharField(required=False)
    domain = serializers.ChoiceField(choices=Domain.choices, required=False)
    domain_label = serializers.CharField(required=False)
    level = serializers.IntegerField(required=False)
    level_label = serializers.CharField(required=False)
    organisation_id = serializers.IntegerField(required=False)
    organisation = serializers.CharField(required=False)
    sector = serializers.ChoiceField(choices=Sector.choices, required=False)
    sector_label = serializers.CharField(required=False)
    competent = serializers.IntegerField(allow_null=True)
    expiring_soon = serializers.IntegerField(allow_null=True)
    expired = serializers.IntegerField(allow_null=True)
    not_yet_competent = serializers.IntegerField(allow_null=True)
    required = serializers.IntegerField(allow_null=True)  # type: ignore[assignment]
    required_and_met = serializers.IntegerField(allow_null=True)


class CompetencyStatsSerializer(serializers.Serializer[Any]):
    scope = serializers.DictField()
    on = serializers.DateField(help_text="States are as of this day.")
    expiring_soon_days = serializers.IntegerField()
    filters = serializers.DictField()
    suppression = SuppressionSerializer(allow_null=True)
    group_by = serializers.ListField(child=serializers.CharField())
    rows = CompetencyRowSerializer(many=True)
    totals = CompetencyRowSerializer()


class IndicatorFigureSerializer(serializers.Serializer[Any]):
    figure = serializers.CharField()
    label = serializers.CharField()  # type: ignore[assignment]
    value = serializers.IntegerField(allow_null=True)
    previous_quarter = serializers.IntegerField(allow_null=True)
    change = serializers.IntegerField(allow_null=True)
    year_before = serializers.IntegerField(allow_null=True)
    year_on_year_change = serializers.IntegerField(allow_null=True)
    suppressed = serializers.BooleanField()
    suppressed_figures = serializers.ListField(child=serializers.CharField())


class IndicatorSerializer(serializers.Serializer[Any]):
    code = serializers.CharField()
    label = serializers.CharField()  # type: ignore[assignment]
    figures = IndicatorFigureSerializer(many=True)


class IndicatorReportDataSerializer(serializers.Serializer[Any]):
    scope = serializers.DictField()
    quarter = serializers.CharField()
    period = serializers.DictField(child=serializers.DateField())
    previous_quarter = serializers.CharField()
    year_before = serializers.CharField()
    members = serializers.DictField(child=serializers.IntegerField())
    suppression = SuppressionSerializer(allow_null=True)
    indicators = IndicatorSerializer(many=True)


class IndicatorReportStatusSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    quarter = serializers.CharField()
    scope = serializers.DictField()
    status = serializers.ChoiceField(choices=ReportStatus.choices)
    requested_at = serializers.DateTimeField()
    rendered_at = serializers.DateTimeField(allow_null=True)
    error = serializers.CharField(allow_blank=True)
    status_url = serializers.CharField()
    download_url = serializers.CharField(allow_null=True)


class PartnershipSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    name = serializers.CharField()
    organisations = serializers.ListField(child=serializers.DictField())


class _PartnershipName(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    name = serializers.CharField()


class _ComplianceShare(serializers.Serializer[Any]):
    organisation = serializers.IntegerField()
    organisation_name = serializers.CharField()
    sector = serializers.ChoiceField(choices=Sector.choices)
    sector_label = serializers.CharField()
    share_met = serializers.FloatField(
        allow_null=True, help_text="Required training met, %; null where suppressed."
    )
    suppressed = serializers.BooleanField()


class PartnershipComplianceSerializer(serializers.Serializer[Any]):
    partnership = _PartnershipName()
    on = serializers.DateField()
    threshold = serializers.IntegerField(help_text="Fewer learners than this: suppressed.")
    organisations = _ComplianceShare(many=True)
