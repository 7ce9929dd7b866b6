"""Compliance at a glance (issue 15): the organisation's required training, one row per
team with a chart of states, who is overdue; and a team's people, each requirement's
state, overdue first, each person linking to their record. For org admins and managers
(compliance.figures' scope); anyone else: 404.

The chart is drawn without inline styles or scripts (the CSP forbids both), as the
dashboard's is: one small SVG bar per team whose segments are placed by attributes, each
with a text alternative, beside a table that gives every figure.
"""

from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_GET

from accounts.selectors import actor_from_request
from compliance.figures import STATE_ORDER, Figures, compliance_figures, team_figures
from core.pages import not_found_as_404


@dataclass(frozen=True)
class Segment:
    """A state's share of one bar, in the bar's own units (0 to 100)."""

    state: str
    label: str
    count: int
    x: float
    width: float


def bar(figures: Figures) -> list[Segment]:
    """A team's requirements by state, left to right in the pages' order (missed first),
    as shares of 100; empty states drawn as nothing."""
    segments, left = [], 0.0
    whole = figures.requirements
    for state in STATE_ORDER:
        count = figures.states[state]
        if not count or not whole:
            continue
        width = round(100 * count / whole, 2)
        segments.append(Segment(state.value, state.label, count, round(left, 2), width))
        left += width
    return segments


def describe(name: str, figures: Figures) -> str:
    """The bar in words: what a screen reader says instead of the picture."""
    if not figures.requirements:
        return f"{name}: no required training applies."
    parts = [f"{count} {state.label.lower()}" for state, count in figures.state_counts if count]
    return f"{name}: {', '.join(parts)}, of {figures.requirements} requirements."


def _csv_link(name: str, **params: Any) -> str:
    return f"{reverse(name)}?{urlencode({**params, 'format': 'csv'})}"


@login_required
@require_GET
@not_found_as_404
def glance(request: HttpRequest) -> HttpResponse:
    """The figures of each organisation the person sees (usually one): tiles, a bar per
    team, the table by team, who is overdue, and the CSV downloads."""
    organisations = compliance_figures(actor=actor_from_request(request))
    return render(
        request,
        "compliance/glance.html",
        {
            "organisations": [
                {
                    "figures": organisation,
                    "bars": [
                        {
                            "team": team,
                            "segments": bar(team.figures),
                            "text": describe(team.name, team.figures),
                        }
                        for team in organisation.teams
                    ],
                    "overdue_href": f"#overdue-{organisation.organisation_id}",
                    "figures_csv": _csv_link(
                        "v1:compliance", organisation=organisation.organisation_id
                    ),
                    "people_csv": _csv_link(
                        "v1:compliance-people", organisation=organisation.organisation_id
                    ),
                }
                for organisation in organisations
            ],
            "several": len(organisations) > 1,
            "on": organisations[0].on if organisations else None,
            "states": STATE_ORDER,
        },
    )


@login_required
@require_GET
@not_found_as_404
def team(request: HttpRequest, team_id: int) -> HttpResponse:
    """A team's learners, those with something overdue first, each requirement's state."""
    found = team_figures(actor=actor_from_request(request), team_id=team_id)
    return render(
        request,
        "compliance/team.html",
        {
            "team": found,
            "segments": bar(found.figures),
            "text": describe(found.name, found.figures),
            "people_csv": _csv_link("v1:compliance-people", team=team_id),
        },
    )
