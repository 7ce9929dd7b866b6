"""Dashboards: an organisation's completion figures (org admins and managers, scoped as the
API) and a partnership's indicator report (its viewers), with their downloads.

Charts are drawn without inline styles or scripts (the CSP forbids both): an inline SVG
whose shapes are placed by attributes, and <meter> elements, each next to a table that
says the same in words and numbers.
"""

import datetime
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from accounts.models import Team
from accounts.selectors import actor_from_request, partnerships_viewed_by
from core.pages import not_found_as_404, refusal_as_message
from reporting import selectors, services
from reporting.completions import FIGURES, CompletionQuery, completions_table
from reporting.compliance_shares import compliance_shares
from reporting.forms import DashboardFilterForm, QuarterForm
from reporting.indicators import Quarter, indicator_report
from reporting.models import IndicatorReport, ReportStatus
from reporting.tables import Row

CHART_WIDTH = 640
CHART_HEIGHT = 240
CHART_TOP = 16
CHART_BOTTOM = 40
CHART_LEFT = 40


@dataclass(frozen=True)
class Bar:
    x: float
    y: float
    width: float
    height: float
    kind: str
    title: str


@dataclass(frozen=True)
class Tick:
    """A month's label under the axis; `minor` ones are left out on narrow screens, where
    the labels are drawn larger (static/css/hearth.css)."""

    x: float
    label: str
    minor: bool = False


@dataclass(frozen=True)
class Chart:
    """A grouped bar chart placed by attributes: enrolled and completed per month."""

    width: int
    height: int
    baseline: float
    bars: list[Bar]
    ticks: list[Tick]
    top_value: int
    top_y: float


def months_between(start: datetime.date, end: datetime.date) -> list[str]:
    """Every month from start's to end's, as YYYY-MM."""
    first, last = start.year * 12 + start.month - 1, end.year * 12 + end.month - 1
    return [f"{index // 12:04d}-{index % 12 + 1:02d}" for index in range(first, last + 1)]


def month_chart(rows: list[Row], start: datetime.date, end: datetime.date) -> Chart | None:
    """Two bars per month (enrolled, completed), scaled to the largest count; a month
    with no enrolments is drawn as empty, so the time axis never skips."""
    if not rows:
        return None
    by_month = {row["month"]: row for row in rows}
    rows = [by_month.get(month, {"month": month}) for month in months_between(start, end)]
    top = max(int(row.get("enrolled") or 0) for row in rows) or 1
    plot_height = CHART_HEIGHT - CHART_TOP - CHART_BOTTOM
    slot = (CHART_WIDTH - CHART_LEFT) / len(rows)
    bar_width = max(slot * 0.35, 1.0)
    baseline = CHART_HEIGHT - CHART_BOTTOM
    bars: list[Bar] = []
    ticks: list[Tick] = []
    every = max(1, len(rows) // 6)
    for index, row in enumerate(rows):
        left = CHART_LEFT + index * slot + slot * 0.1
        for offset, kind in enumerate(("enrolled", "completed")):
            value = int(row.get(kind) or 0)
            height = plot_height * value / top
            bars.append(
                Bar(
                    x=round(left + offset * bar_width, 2),
                    y=round(baseline - height, 2),
                    width=round(bar_width, 2),
                    height=round(height, 2),
                    kind=kind,
                    title=f"{row['month']}: {value} {kind}",
                )
            )
        if index % every == 0:
            minor = len(ticks) % 2 == 1
            ticks.append(Tick(x=round(left + bar_width, 2), label=str(row["month"]), minor=minor))
    return Chart(
        width=CHART_WIDTH,
        height=CHART_HEIGHT,
        baseline=baseline,
        bars=bars,
        ticks=ticks,
        top_value=top,
        top_y=CHART_TOP,
    )


def _api_link(name: str, params: dict[str, Any], **kwargs: Any) -> str:
    query = {key: value for key, value in params.items() if value not in (None, "")}
    return f"{reverse(name, kwargs=kwargs)}?{urlencode(query)}"


@login_required
@require_GET
@not_found_as_404
def dashboard(request: HttpRequest) -> HttpResponse:
    """An organisation's completions over time, by team and by module (org admins and
    managers), and the partnerships the person views. Anyone else: 404."""
    actor = actor_from_request(request)
    partnerships = list(partnerships_viewed_by(actor))
    has_stats = actor.is_org_admin or actor.is_manager
    if not has_stats and not partnerships:
        raise Http404("No dashboards for you here.")
    context: dict[str, Any] = {
        "partnerships": partnerships,
        "has_stats": has_stats,
        "figure_names": FIGURES,
    }
    if has_stats:
        context |= _organisation_dashboard(request)
    return render(request, "reporting/dashboard.html", context)


@dataclass(frozen=True)
class DashboardFilters:
    """The organisation dashboard's scope and its period and team, as chosen (or the
    defaults): what its figures count, and so what the lists behind them show."""

    scope: selectors.StatsScope
    form: DashboardFilterForm
    values: dict[str, Any]
    query: CompletionQuery


def dashboard_filters(request: HttpRequest) -> DashboardFilters:
    """The request's statistics scope (not found for anyone without one) and filters."""
    actor = actor_from_request(request)
    scope = selectors.stats_scope_for(actor)
    teams = Team.objects.filter(scope.condition("organisation_id", "pk")).order_by("name", "pk")
    form = DashboardFilterForm(request.GET or None, teams=teams)
    filters = form.cleaned() if form.is_bound and form.is_valid() else form.defaults()
    query = CompletionQuery(
        date_from=filters["from"], date_to=filters["to"], team_id=filters["team"]
    )
    return DashboardFilters(scope=scope, form=form, values=filters, query=query)


def _organisation_dashboard(request: HttpRequest) -> dict[str, Any]:
    actor = actor_from_request(request)
    chosen = dashboard_filters(request)
    scope, form, filters, base = chosen.scope, chosen.form, chosen.values, chosen.query
    by_month = completions_table(scope=scope, query=_grouped(base, "month"))
    by_team = completions_table(scope=scope, query=_grouped(base, "team"))
    by_module = completions_table(scope=scope, query=_grouped(base, "module"))
    params = {
        "from": filters["from"].isoformat(),
        "to": filters["to"].isoformat(),
        "team": filters["team"],
    }
    return {
        "scope_label": "your organisation" if actor.is_org_admin else "your teams",
        "form": form,
        "filters": filters,
        "totals": by_month.totals,
        "by_month": by_month,
        "chart": month_chart(by_month.rows, filters["from"], filters["to"]),
        "by_team": by_team,
        "by_module": by_module,
        "overdue_url": _api_link("people-overdue", {**params, "status": "overdue"}),
        "downloads": {
            name: _api_link("v1:stats-completions", {**params, "group_by": name, "format": "csv"})
            for name in ("month", "team", "module")
        },
    }


def _grouped(query: CompletionQuery, name: str) -> CompletionQuery:
    return CompletionQuery(
        group_by=(name,),
        date_from=query.date_from,
        date_to=query.date_to,
        team_id=query.team_id,
    )


@login_required
@require_GET
@not_found_as_404
def partnership_dashboard(request: HttpRequest, partnership_id: int) -> HttpResponse:
    """A partnership's indicator report for a quarter, with its CSV and PDF, and its
    completions by organisation and sector (suppressed), for its viewers only."""
    actor = actor_from_request(request)
    form = QuarterForm(request.GET or None)
    quarter = (
        form.chosen_quarter() if form.is_bound and form.is_valid() else Quarter.last_complete()
    )
    scope = selectors.partnership_scope_for(actor, partnership_id=partnership_id)
    report = indicator_report(scope=scope, quarter=quarter)
    period = CompletionQuery(date_from=quarter.first_day, date_to=quarter.last_day)
    by_sector = completions_table(scope=scope, query=_grouped(period, "sector"))
    by_organisation = completions_table(scope=scope, query=_grouped(period, "organisation"))
    stored = IndicatorReport.objects.filter(
        partnership_id=partnership_id, quarter=str(quarter)
    ).first()
    params = {"partnership": partnership_id, "quarter": str(quarter)}
    period_params = {"from": quarter.first_day.isoformat(), "to": quarter.last_day.isoformat()}
    return render(
        request,
        "reporting/partnership.html",
        {
            "scope": scope,
            "figure_names": FIGURES,
            "form": form,
            "quarter": quarter,
            "report": report.as_data(),
            "by_sector": by_sector,
            "by_organisation": by_organisation,
            "compliance": compliance_shares(scope),
            "compliance_csv_url": _api_link(
                "v1:partnership-compliance", {"format": "csv"}, partnership_id=partnership_id
            ),
            "stored": stored,
            "stored_ready": stored is not None
            and stored.status == ReportStatus.READY
            and bool(stored.pdf),
            "csv_url": _api_link("v1:indicators", {**params, "format": "csv"}),
            "pdf_url": (reverse("v1:indicator-report-pdf", args=[stored.pk]) if stored else None),
            "sector_csv_url": _api_link(
                "v1:partnership-stats-completions",
                {**period_params, "group_by": "sector", "format": "csv"},
                partnership_id=partnership_id,
            ),
            "organisation_csv_url": _api_link(
                "v1:partnership-stats-completions",
                {**period_params, "group_by": "organisation", "format": "csv"},
                partnership_id=partnership_id,
            ),
        },
    )


@login_required
@require_POST
@not_found_as_404
def partnership_report_request(request: HttpRequest, partnership_id: int) -> HttpResponse:
    """Ask the worker for the quarter's report PDF, then go back to the dashboard."""
    form = QuarterForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choose a quarter that has started.")
        return redirect("partnership-dashboard", partnership_id=partnership_id)
    quarter = form.chosen_quarter()
    with refusal_as_message(request) as refusal:
        _, queued = services.indicator_report_request(
            actor=actor_from_request(request),
            organisation_id=None,
            partnership_id=partnership_id,
            quarter=quarter,
        )
    if refusal.error is not None:
        return redirect("partnership-dashboard", partnership_id=partnership_id)
    if queued:
        messages.success(
            request,
            f"The {quarter} report PDF is being prepared. Refresh this page in a minute "
            "to download it.",
        )
    else:
        messages.success(request, f"The {quarter} report PDF is ready to download.")
    url = reverse("partnership-dashboard", args=[partnership_id])
    return redirect(f"{url}?{urlencode({'quarter': str(quarter)})}#report-pdf")
