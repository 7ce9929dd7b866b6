"""The compliance API (issue 15): an organisation's and its teams' figures, and one row per
person and requirement, as JSON or CSV (`?format=csv` or `Accept: text/csv`). Each view
validates its query, asks compliance.figures (scope: the asker's organisation or teams;
404 outside it) and answers; the CSV holds the same rows as the JSON, never paginated."""

from typing import Any

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework.generics import GenericAPIView
from rest_framework.mixins import ListModelMixin
from rest_framework.renderers import JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.models import Organisation
from accounts.models_access import AccessKind
from accounts.selectors import actor_from_request
from accounts.services_access import record_access
from compliance import serializers_glance as serializers
from compliance.figures import (
    DUE_WINDOWS,
    STATE_ORDER,
    Figures,
    OrganisationFigures,
    PersonFigures,
    compliance_figures,
)
from compliance.selectors import AnyStanding
from core.renderers import CSVRenderer

FIGURE_COLUMNS = [
    "people",
    "requirements",
    "counted",
    "met",
    "share_met",
    "missed",
    "people_overdue",
    *(state.value for state in STATE_ORDER),
    *(f"due_within_{days}_days" for days in DUE_WINDOWS),
]
ROW_COLUMNS = [
    "organisation",
    "person",
    "full_name",
    "requirement",
    "title",
    "kind",
    "state",
    "completed_on",
    "due_on",
    "valid_until",
    "exempt_until",
]


def _validated(serializer_class: type[serializers.QuerySerializer], params: Any) -> dict[str, Any]:
    query = serializer_class(data=params)
    query.is_valid(raise_exception=True)
    return dict(query.validated_data)


def _flat(figures: Figures) -> list[Any]:
    data = figures.as_data()
    data |= data.pop("states")
    return [data[column] for column in FIGURE_COLUMNS]


def organisation_data(organisation: OrganisationFigures) -> dict[str, Any]:
    return {
        "id": organisation.organisation_id,
        "name": organisation.name,
        "figures": organisation.figures.as_data(),
        "teams": [
            {"id": team.team_id, "name": team.name, "figures": team.figures.as_data()}
            for team in organisation.teams
        ],
        "people_overdue": [
            {"id": person.person_id, "full_name": person.full_name, "missed": person.figures.missed}
            for person in organisation.overdue
        ],
    }


def figures_csv(organisations: list[OrganisationFigures]) -> list[list[Any]]:
    """One row for each organisation, then one for each of its teams."""
    rows: list[list[Any]] = [
        ["level", "organisation", "organisation_name", "team", "team_name", *FIGURE_COLUMNS]
    ]
    for organisation in organisations:
        head = [organisation.organisation_id, organisation.name]
        rows.append(["organisation", *head, None, None, *_flat(organisation.figures)])
        for team in organisation.teams:
            rows.append(["team", *head, team.team_id, team.name, *_flat(team.figures)])
    return rows


def _day(value: Any) -> str | None:
    return value.isoformat() if value is not None else None


def row_data(organisation_id: int, person: PersonFigures, row: AnyStanding) -> dict[str, Any]:
    standing = row.standing
    return {
        "organisation": organisation_id,
        "person": person.person_id,
        "full_name": person.full_name,
        "requirement": row.key,
        "title": row.title,
        "kind": row.kind,
        "state": standing.state.value,
        "completed_on": _day(row.completed_on),
        "due_on": _day(standing.due_on),
        "valid_until": _day(standing.valid_until),
        "exempt_until": _day(standing.exempt_until),
    }


def _csv_response(rows: list[list[Any]], filename: str) -> Response:
    return Response(rows, headers={"Content-Disposition": f'attachment; filename="{filename}"'})


class ComplianceFiguresView(APIView):
    """Required training at a glance for your organisation (org admins and its API keys) or
    your teams (managers): learners, requirements that apply, met (compliant or due
    soon), the share met (exempt left out), each state, what falls due within 30, 60 and
    90 days, and who is overdue; for each organisation and each of its teams. Anyone
    else: 404."""

    renderer_classes = [JSONRenderer, CSVRenderer]

    @extend_schema(
        operation_id="compliance_figures",
        parameters=[serializers.FiguresQuerySerializer],
        responses={
            200: serializers.ComplianceSerializer,
            (200, "text/csv"): OpenApiResponse(
                OpenApiTypes.STR, description="One row per organisation, then per team."
            ),
        },
    )
    def get(self, request: Request) -> Response:
        params = _validated(serializers.FiguresQuerySerializer, request.query_params)
        organisations = compliance_figures(
            actor=actor_from_request(request), organisation_id=params.get("organisation")
        )
        on = organisations[0].on.isoformat() if organisations else ""
        if request.accepted_renderer.format == "csv":
            return _csv_response(figures_csv(organisations), f"hearth-compliance-{on}.csv")
        return Response({"on": on, "organisations": [organisation_data(o) for o in organisations]})


class ComplianceRowsView(ListModelMixin, GenericAPIView[Any]):
    """Each learner's standing in each requirement that applies to them, in your
    organisation or your teams: state, last completion, due date, valid until, exempt
    until; by name, then requirement. Filter by organisation, team, person or state.
    The CSV holds every row (no pages). Anyone else: 404. (A list view, so the schema
    states its pages; `get` builds the rows itself.)"""

    renderer_classes = [JSONRenderer, CSVRenderer]
    serializer_class = serializers.StandingRowSerializer
    filter_backends: list[Any] = []

    @extend_schema(
        operation_id="compliance_people",
        parameters=[serializers.PeopleQuerySerializer],
        responses={
            200: serializers.StandingRowSerializer(many=True),
            (200, "text/csv"): OpenApiResponse(OpenApiTypes.STR, description="The same as CSV."),
        },
    )
    def get(self, request: Request) -> Response:
        params = _validated(serializers.PeopleQuerySerializer, request.query_params)
        organisations = compliance_figures(
            actor=actor_from_request(request),
            organisation_id=params.get("organisation"),
            team_id=params.get("team"),
        )
        rows = [
            row_data(organisation.organisation_id, person, row)
            for organisation in organisations
            for person, row in organisation.rows()
            if params.get("person") in (None, person.person_id)
            and params.get("state") in (None, row.standing.state)
        ]
        what = "CSV" if request.accepted_renderer.format == "csv" else "JSON"
        # A read of people's data that matters (issue 17): logged for each organisation.
        for organisation in Organisation.objects.filter(
            pk__in=[organisation.organisation_id for organisation in organisations]
        ):
            record_access(
                organisation=organisation,
                kind=AccessKind.PEOPLE_CSV,
                description=f"Compliance of people as {what}",
            )
        if request.accepted_renderer.format == "csv":
            on = organisations[0].on.isoformat() if organisations else ""
            table = [ROW_COLUMNS, *([row[column] for column in ROW_COLUMNS] for row in rows)]
            return _csv_response(table, f"hearth-compliance-people-{on}.csv")
        page = self.paginate_queryset(rows)
        return self.get_paginated_response(page)
