"""Server-rendered competency pages: a team's matrix (and its CSV), a person's
competencies with their assessment history, and the assessor's form.

Every page reads through competencies.selectors and accounts.selectors with the request's
actor, and writes through competencies.services. Anything out of scope is a 404; a
business rule's refusal is shown on the page, with what was typed kept, never as a
server error.
"""

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods
from rest_framework.exceptions import ValidationError

from accounts.models import Role
from accounts.models_access import AccessKind
from accounts.selectors import (
    actor_from_request,
    learners_visible_to,
    team_invitations_for_manager,
    teams_assignable_by,
)
from accounts.services_access import record_access
from competencies import selectors, services
from competencies.forms import AssessmentForm, MatrixFilterForm
from competencies.matrix import (
    CELL_LABELS,
    MatrixCell,
    cell_text,
    matrix_csv_description,
    matrix_csv_rows,
    matrix_page_cell,
)
from competencies.models import Assessment, Competency, Outcome
from competencies.selectors import ROLE_LABELS, LearnerCompetency, Matrix
from competencies.serializers import matrix_filters
from competencies.states import HOLDS, State
from core.errors import HearthError, NotFound
from core.pages import not_found_as_404
from core.renderers import CSVRenderer

STATE_LABELS = dict(State.choices)


# The team matrix


@login_required
@require_GET
def team_matrix_index(request: HttpRequest) -> HttpResponse:
    """The teams whose matrix the actor may open; straight to it when there is one."""
    teams = list(
        teams_assignable_by(actor_from_request(request)).order_by("organisation__name", "name")
    )
    if not teams:
        raise Http404("You do not manage a team.")
    if len(teams) == 1:
        return redirect("team-matrix", team_id=teams[0].pk)
    return render(request, "competencies/team_index.html", {"teams": teams})


@dataclass(frozen=True)
class MatrixRow:
    person_id: int
    full_name: str
    roles: str
    link: str | None
    cells: list[MatrixCell]
    missing: list[str]
    missing_titles: list[tuple[str, str]]


@dataclass(frozen=True)
class DomainBar:
    """Attainment in one domain: cells where the person holds the competency."""

    label: str
    held: int
    total: int

    @property
    def percent(self) -> int:
        return (100 * self.held) // self.total if self.total else 0


def _matrix_rows(matrix: Matrix, viewer_id: int | None) -> list[MatrixRow]:
    titles = {competency.code: competency.title for competency in matrix.competencies}
    rows = []
    for person in matrix.people:
        if person.id == viewer_id:
            link: str | None = reverse("my-competencies")
        elif Role.LEARNER in person.roles:
            link = reverse("person-competencies", args=[person.id])
        else:
            link = None  # Only learners' records are in a manager's scope.
        rows.append(
            MatrixRow(
                person_id=person.id,
                full_name=person.full_name,
                roles=", ".join(str(ROLE_LABELS.get(role, role)) for role in person.roles),
                link=link,
                cells=[matrix_page_cell(cell, required) for cell, required in person.cells],
                missing=person.missing,
                missing_titles=[(code, titles.get(code, "")) for code in person.missing],
            )
        )
    return rows


@login_required
@require_GET
@not_found_as_404
def team_matrix(request: HttpRequest, team_id: int) -> HttpResponse:
    """A team's people by competencies, filtered, with gaps, attainment by domain and CSV.
    The filters are the API's own; invalid ones are shown as errors and left out."""
    actor = actor_from_request(request)
    form = MatrixFilterForm(
        request.GET,
        frameworks=[(f.pk, f.title) for f in selectors.frameworks_all()],
    )
    valid = form.is_valid() if form.is_bound else True
    matrix = selectors.team_matrix_get(actor=actor, team_id=team_id, filters=form.filters)
    csv_url = reverse("team-matrix-csv", args=[matrix.team.pk])
    if form.valid_params:
        csv_url += "?" + form.valid_params.urlencode()
    required_gaps = [gap for gap in matrix.gaps_by_competency if gap[1]]
    return render(
        request,
        "competencies/team_matrix.html",
        {
            "form": form,
            "matrix": matrix,
            "team": matrix.team,
            "rows": _matrix_rows(matrix, actor.user_id),
            "required_gaps": required_gaps,
            "unrequired_count": len(matrix.gaps_by_competency) - len(required_gaps),
            "domains": [DomainBar(label, held, total) for _, label, held, total in matrix.domains],
            "states": [
                (state.value, symbol, word + rest)
                for state, (symbol, word, rest) in CELL_LABELS.items()
            ],
            "csv_url": csv_url,
            "is_filtered": form.is_filtered,
            "invitations": team_invitations_for_manager(actor=actor, team_id=matrix.team.pk),
        },
        status=200 if valid else 400,
    )


def _error_text(detail: Mapping[str, Any]) -> str:
    return " ".join(
        f"{name}: {' '.join(str(m) for m in messages)}" for name, messages in detail.items()
    )


@login_required
@require_GET
@not_found_as_404
def team_matrix_csv(request: HttpRequest, team_id: int) -> HttpResponse:
    """The matrix as CSV: the same rows as the API's CSV, with the same filters."""
    renderer = CSVRenderer()
    try:
        filters = matrix_filters(request.GET, blank_means_any=True)
    except ValidationError as error:
        detail: Any = error.detail
        body = renderer.render({"error": {"message": _error_text(detail)}})
        return HttpResponse(body, status=400, content_type="text/csv; charset=utf-8")
    matrix = selectors.team_matrix_get(
        actor=actor_from_request(request), team_id=team_id, filters=filters
    )
    response = HttpResponse(
        renderer.render(list(matrix_csv_rows(matrix))), content_type="text/csv; charset=utf-8"
    )
    record_access(
        organisation=matrix.team.organisation,
        kind=AccessKind.PEOPLE_CSV,
        description=matrix_csv_description(matrix),
    )
    filename = f"matrix-team-{matrix.team.pk}-{matrix.on.isoformat()}.csv"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


# A person's competencies


@dataclass(frozen=True)
class CompetencyLine:
    """One competency on a person's page: their state in words, and what is required."""

    competency: Competency
    state: str
    state_label: str
    text: str
    level: int | None
    valid_until: Any
    required_level: int | None
    holds: bool
    organisation_name: str = ""

    @property
    def met(self) -> bool | None:
        if self.required_level is None:
            return None
        return self.holds and (self.level or 0) >= self.required_level


def _lines(rows: list[LearnerCompetency]) -> list[CompetencyLine]:
    return [
        CompetencyLine(
            competency=row.competency,
            state=row.cell.state.value,
            state_label=str(STATE_LABELS[row.cell.state]),
            text=cell_text(row.cell, row.required_level),
            level=row.cell.level,
            valid_until=row.cell.valid_until,
            required_level=row.required_level,
            holds=row.cell.state in HOLDS,
            organisation_name=row.organisation_name,
        )
        for row in rows
    ]


def _competency_page(request: HttpRequest, person_id: int) -> HttpResponse:
    actor = actor_from_request(request)
    rows = selectors.learner_competencies(actor=actor, learner_id=person_id)
    lines = _lines(rows)
    own = person_id == actor.user_id
    person = request.user if own else learners_visible_to(actor).get(pk=person_id)
    organisations = {row.organisation_id: row.organisation_name for row in rows}
    history: list[Assessment] = list(
        selectors.assessments_visible_to(actor)
        .filter(learner_id=person_id)
        .select_related("superseded_by", "organisation")
    )
    can_assess = (
        not own
        and actor.is_assessor
        and selectors.learners_assessable_by(actor).filter(pk=person_id).exists()
    )
    required = [line for line in lines if line.required_level is not None]
    return render(
        request,
        "competencies/person.html",
        {
            "person": person,
            "own": own,
            "lines": lines,
            "needed": [line for line in required if not line.met],
            "required_count": len(required),
            "held_count": sum(line.holds for line in lines),
            "history": history,
            "can_assess": can_assess,
            "several_organisations": len(set(organisations) | {a.organisation_id for a in history})
            > 1,
        },
    )


@login_required
@require_GET
@not_found_as_404
def my_competencies(request: HttpRequest) -> HttpResponse:
    """What the signed-in person holds (until when), what their roles still require, and
    every assessment of them, corrections included."""
    actor = actor_from_request(request)
    if actor.user_id is None:
        raise Http404("No such person.")
    return _competency_page(request, actor.user_id)


@login_required
@require_GET
@not_found_as_404
def person_competencies(request: HttpRequest, person_id: int) -> HttpResponse:
    """The same page for a learner in a manager's, assessor's or org admin's scope."""
    return _competency_page(request, person_id)


# Recording an assessment


def _prefill(query: Mapping[str, str]) -> dict[str, int]:
    """Whole numbers for learner, competency and supersedes from a link's query string."""
    return {
        name: int(value)
        for name in ("learner", "competency", "supersedes")
        if (value := query.get(name, "")).isdigit()
    }


def _recorded_message(assessment: Assessment, learner_name: str) -> str:
    outcome = "competent" if assessment.outcome == Outcome.COMPETENT else "not yet competent"
    text = (
        f"Recorded: {learner_name} is {outcome} in {assessment.competency.code} "
        f"{assessment.competency.title} at level {assessment.level}."
    )
    if assessment.supersedes_id is not None:
        text += " The earlier assessment it corrects stays in the history."
    return text


@login_required
@require_http_methods(["GET", "POST"])
@not_found_as_404
def assess(request: HttpRequest) -> HttpResponse:
    """An assessor records an observation or evidence review for someone they assess, or a
    correction that supersedes an earlier assessment (which stays in the history)."""
    actor = actor_from_request(request)
    if not actor.is_assessor:
        raise Http404("You are not an assessor.")
    learners = selectors.learners_assessable_by(actor).order_by("full_name", "pk")
    competencies = list(selectors.competencies_all())
    if request.method == "POST":
        form = AssessmentForm(
            request.POST, request.FILES, learners=learners, competencies=competencies
        )
    else:
        form = AssessmentForm(
            initial=_prefill(request.GET), learners=learners, competencies=competencies
        )
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            try:
                assessment = services.assessment_record(
                    actor=actor,
                    learner_id=data["learner"].pk,
                    competency=data["competency"],
                    method=data["method"],
                    outcome=data["outcome"],
                    evidence_note=data["evidence_note"],
                    evidence_file=data["evidence_file"],
                    assessed_at=form.assessed_at_datetime(),
                    level=data["level"],
                    supersedes_id=data["supersedes"],
                )
            except NotFound as error:
                if error.fields:  # a field names nothing in scope: say so on that field
                    form.apply_error(error)
                else:  # the person left the assessor's scope after the form was shown
                    form.add_error("learner", "Choose a person you assess.")
                status = 400
            except HearthError as error:
                form.apply_error(error)
                # An assessment to correct that is missing or another organisation's is
                # a field error on this form, as any other wrong choice.
                status = 400 if error.code == "not_found" else error.status
            else:
                learner = data["learner"]
                messages.success(request, _recorded_message(assessment, learner.full_name))
                if learners_visible_to(actor).filter(pk=learner.pk).exists():
                    return redirect("person-competencies", person_id=learner.pk)
                return redirect("assess")
        else:
            status = 400
    supersedes_id = _prefill(request.POST if request.method == "POST" else request.GET).get(
        "supersedes"
    )
    correcting = (
        selectors.assessments_visible_to(actor).filter(pk=supersedes_id).first()
        if supersedes_id
        else None
    )
    return render(
        request,
        "competencies/assess.html",
        {
            "form": form,
            "supersedes_id": supersedes_id,
            "correcting": correcting,
            "has_learners": learners.exists(),
            "file_was_chosen": bool(request.FILES.get("evidence_file")),
        },
        status=status,
    )


@login_required
@require_GET
def people_assessed(request: HttpRequest) -> HttpResponse:
    """An assessor's people: each learner they assess, where, with links to record."""
    actor = actor_from_request(request)
    if not actor.is_assessor:
        raise Http404("You are not an assessor.")
    memberships = selectors.learner_memberships_assessable_by(actor).select_related(
        "user", "team", "organisation"
    )
    ordered = memberships.order_by("user__full_name", "user_id", "organisation__name", "team__name")
    return render(request, "competencies/people_assessed.html", {"memberships": ordered})
