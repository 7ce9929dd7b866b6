"""OpenAPI description of the statistics API: the headers and responses every figures
endpoint shares, and the example bodies (drf-spectacular)."""

from typing import Any

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiExample,
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
)
from rest_framework.serializers import Serializer


def _header(name: str, description: str, **options: Any) -> OpenApiParameter:
    """A text header: sent by the client, or by us where `response` names the statuses."""
    return OpenApiParameter(
        name, OpenApiTypes.STR, OpenApiParameter.HEADER, description=description, **options
    )


CONDITIONAL_HEADERS = [
    _header("If-None-Match", "An ETag from an earlier response: 304 if the figures are unchanged."),
    _header("If-Modified-Since", "An HTTP date: 304 if the figures have not changed since."),
    OpenApiParameter(
        "format",
        OpenApiTypes.STR,
        OpenApiParameter.QUERY,
        enum=["json", "csv"],
        description="csv for the same figures as CSV (or send Accept: text/csv).",
    ),
    _header(
        "ETag",
        "A hash of this exact response: send it back as If-None-Match.",
        response=[200, 304],
    ),
    _header("Last-Modified", "When this response's figures last changed.", response=[200, 304]),
]
NOT_MODIFIED = OpenApiResponse(description="Not modified: your copy is current (no body).")
TABLE_CSV = (
    "The same figures as CSV: a `row` column (group or total), the group's columns, "
    'the figures ("suppressed" where suppressed) and `suppressed_figures`.'
)
INDICATORS_CSV = "One line per indicator and figure."


def figures_schema(
    operation_id: str,
    query: type[Serializer[Any]],
    body: type[Serializer[Any]],
    *,
    examples: list[OpenApiExample],
    csv: str = TABLE_CSV,
) -> Any:
    """A figures endpoint's schema: its query parameters and the conditional headers, the
    figures as JSON (`body`) or CSV, or 304."""
    return extend_schema(
        operation_id=operation_id,
        parameters=[query, *CONDITIONAL_HEADERS],
        responses={
            200: body,
            (200, "text/csv"): OpenApiResponse(OpenApiTypes.STR, description=csv),
            304: NOT_MODIFIED,
        },
        examples=examples,
    )


def _json_example(name: str, value: dict[str, Any]) -> OpenApiExample:
    return OpenApiExample(name, response_only=True, status_codes=["200"], value=value)


def _csv_example(name: str, value: str) -> OpenApiExample:
    return OpenApiExample(
        name, response_only=True, status_codes=["200"], media_type="text/csv", value=value
    )


def _shown(**figures: Any) -> dict[str, Any]:
    """A row's figures with nothing suppressed."""
    return {**figures, "suppressed": False, "suppressed_figures": []}


def _table_example(
    name: str,
    *,
    scope: dict[str, Any],
    basis: dict[str, Any],
    filters: dict[str, Any],
    threshold: int | None,
    group_by: list[str],
    row: dict[str, Any],
    totals: dict[str, Any],
) -> OpenApiExample:
    """A figures table's body (reporting.groups.table_meta, then its rows) with one row."""
    return _json_example(
        name,
        {
            "scope": scope,
            "on": "2026-11-23",
            **basis,
            "filters": filters,
            "suppression": {"threshold": threshold} if threshold is not None else None,
            "group_by": group_by,
            "rows": [row],
            "totals": totals,
        },
    )


COMPLETION_BASIS = {"period_basis": "enrolment_created"}
COMPLETION_FILTERS = dict.fromkeys(("from", "to", "module", "team", "sector", "organisation"))
COMPETENCY_BASIS = {"expiring_soon_days": 60}
COMPETENCY_FILTERS = dict.fromkeys(
    ("competency", "domain", "level", "team", "sector", "organisation")
)
ORGANISATION_SCOPE = {"kind": "organisation", "organisations": [3], "teams": []}
PARTNERSHIP_SCOPE = {"kind": "partnership", "partnership": {"id": 1, "name": "Castleford"}}

# The organisation examples have one group, so its figures are the totals too.
ONE_MODULE_COMPLETIONS = _shown(
    enrolled=40, started=31, completed=24, overdue=3, completion_rate=60.0
)
ONE_COMPETENCY_FIGURES = _shown(
    competent=18, expiring_soon=4, expired=2, not_yet_competent=1, required=25, required_and_met=21
)

COMPLETIONS_EXAMPLE = _table_example(
    "Completions by module and month",
    scope=ORGANISATION_SCOPE,
    basis=COMPLETION_BASIS,
    filters={**COMPLETION_FILTERS, "from": "2026-01-01", "to": "2026-06-30"},
    threshold=None,
    group_by=["module", "month"],
    row={
        "module_id": 12,
        "module": "Spotting hazards with the HHSRS",
        "month": "2026-03",
        **ONE_MODULE_COMPLETIONS,
    },
    totals=ONE_MODULE_COMPLETIONS,
)
COMPLETIONS_CSV_EXAMPLE = _csv_example(
    "Completions by module as CSV",
    "row,module_id,module,enrolled,started,completed,overdue,completion_rate,"
    "suppressed_figures\r\n"
    "group,12,Spotting hazards with the HHSRS,40,31,24,3,60.0,\r\n"
    "total,,,40,31,24,3,60.0,\r\n",
)
PARTNERSHIP_COMPLETIONS_EXAMPLE = _table_example(
    "Completions by organisation, one suppressed",
    scope=PARTNERSHIP_SCOPE,
    basis=COMPLETION_BASIS,
    filters=COMPLETION_FILTERS,
    threshold=5,
    group_by=["organisation"],
    row={
        "organisation_id": 1,
        "organisation": "Brookfield Housing Association",
        "enrolled": 52,
        "started": 40,
        "completed": None,
        "overdue": None,
        "completion_rate": None,
        "suppressed": True,
        "suppressed_figures": ["completed", "overdue", "completion_rate"],
    },
    totals=_shown(enrolled=130, started=101, completed=77, overdue=9, completion_rate=59.2),
)
COMPETENCIES_EXAMPLE = _table_example(
    "Competency attainment by competency",
    scope=ORGANISATION_SCOPE,
    basis=COMPETENCY_BASIS,
    filters={**COMPETENCY_FILTERS, "domain": "act"},
    threshold=None,
    group_by=["competency"],
    row={
        "competency_id": 8,
        "competency_code": "ACT-1",
        "competency": "Signpost to the right service",
        "domain": "act",
        "level": 1,
        **ONE_COMPETENCY_FIGURES,
    },
    totals=ONE_COMPETENCY_FIGURES,
)
PARTNERSHIP_COMPETENCIES_EXAMPLE = _table_example(
    "Competency attainment by sector, some suppressed",
    scope=PARTNERSHIP_SCOPE,
    basis=COMPETENCY_BASIS,
    filters=COMPETENCY_FILTERS,
    threshold=5,
    group_by=["sector"],
    row={
        "sector": "housing",
        "sector_label": "Housing",
        "competent": 41,
        "expiring_soon": 9,
        "expired": None,
        "not_yet_competent": None,
        "required": 60,
        "required_and_met": 44,
        "suppressed": True,
        "suppressed_figures": ["expired", "not_yet_competent"],
    },
    totals=_shown(
        competent=118,
        expiring_soon=23,
        expired=12,
        not_yet_competent=9,
        required=170,
        required_and_met=122,
    ),
)
INDICATORS_EXAMPLE = _json_example(
    "A partnership's indicators for 2026-Q3",
    {
        "scope": {"kind": "partnership", "id": 1, "name": "Castleford"},
        "quarter": "2026-Q3",
        "period": {"from": "2026-07-01", "to": "2026-09-30"},
        "previous_quarter": "2026-Q2",
        "year_before": "2025-Q3",
        "members": {"organisations": 3, "sectors": 3},
        "suppression": {"threshold": 5},
        "indicators": [
            {
                "code": "signposting",
                "label": "Improved signposting",
                "figures": [
                    {
                        "figure": "competencies_attained",
                        "label": "Competencies attained",
                        "value": 14,
                        "previous_quarter": 9,
                        "change": 5,
                        "year_before": None,
                        "year_on_year_change": None,
                        "suppressed": True,
                        "suppressed_figures": ["year_before", "year_on_year_change"],
                    }
                ],
            }
        ],
    },
)
INDICATORS_CSV_EXAMPLE = _csv_example(
    "Indicators as CSV",
    "indicator,indicator_label,figure,figure_label,value,previous_quarter,change,"
    "year_before,year_on_year_change,suppressed_figures\r\n"
    "signposting,Improved signposting,competencies_attained,Competencies attained,"
    "14,9,5,suppressed,suppressed,year_before year_on_year_change\r\n",
)
REPORT_STATUS_EXAMPLE = OpenApiExample(
    "Report being prepared",
    response_only=True,
    value={
        "id": 7,
        "quarter": "2026-Q3",
        "scope": {"kind": "partnership", "id": 1},
        "status": "pending",
        "requested_at": "2026-11-23T09:30:00Z",
        "rendered_at": None,
        "error": "",
        "status_url": "/api/v1/indicators/reports/7/",
        "download_url": None,
    },
)
REPORT_PDF_RESPONSES = {
    (200, "application/pdf"): OpenApiTypes.BINARY,
    409: OpenApiResponse(description="The PDF is still being prepared."),
}
