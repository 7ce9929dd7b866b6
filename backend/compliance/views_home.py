"""The signed-in home page, which answers "what now?": the person's own overdue, due and
in-progress learning (each linking to where they left off), their required training and
where they stand in it, the competencies they renew next, their invitations and roles.

It lives here because it reads training, competencies and compliance (apps depend only
downwards); it reads through their selectors and accounts.people with the request's
actor, and writes nothing.
"""

from dataclasses import dataclass

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_GET

from accounts import people
from accounts.selectors import actor_from_request
from competencies import selectors
from compliance.selectors import requirements_of
from compliance.states import MET, RENEWAL_OPEN
from training import selectors as training_selectors
from training.models import Enrolment, EnrolmentStatus


@dataclass(frozen=True)
class HomeItem:
    """An enrolment on the home page, with its progress and where to pick it up."""

    enrolment: Enrolment
    percent: int
    resume_url: str

    @property
    def action(self) -> str:
        return "Start" if self.enrolment.status == EnrolmentStatus.NOT_STARTED else "Continue"


def _resume_url(enrolment: Enrolment) -> str:
    point = training_selectors.resume_point_of(enrolment)
    if point.kind == "lesson":
        return reverse("lesson", args=[enrolment.pk, point.lesson_position])
    if point.kind == "quiz":
        return reverse("quiz", args=[enrolment.pk])
    return reverse("enrolment", args=[enrolment.pk])


def _items(enrolments: list[Enrolment]) -> list[HomeItem]:
    return [HomeItem(e, training_selectors.progress_percent(e), _resume_url(e)) for e in enrolments]


@login_required
@require_GET
def home(request: HttpRequest) -> HttpResponse:
    """Overdue first, then due (soonest first), then in progress without a due date, then
    required training, then what renews next; staff see their roles as before. A fixed
    number of queries (per organisation the person belongs to)."""
    actor = actor_from_request(request)
    learning = training_selectors.my_learning(actor)
    overdue = [e for e in learning.to_do if e.is_overdue]  # type: ignore[attr-defined]
    due = [e for e in learning.to_do if not e.is_overdue]  # type: ignore[attr-defined]
    memberships = people.memberships_of(actor)
    required = requirements_of(actor)
    return render(
        request,
        "compliance/home.html",
        {
            "actor": actor,
            "memberships": memberships,
            "required": required,
            "required_to_do": [row for row in required if row.standing.state in RENEWAL_OPEN],
            "required_held": [row for row in required if row.standing.state not in RENEWAL_OPEN],
            "required_met": sum(row.standing.state in MET for row in required),
            "several_organisations": len({row.organisation_id for row in required}) > 1,
            "pending": people.memberships_pending_of(actor),
            "overdue": _items(overdue),
            "due": _items(due),
            "in_progress": _items(learning.in_progress),
            "renewals": selectors.renewals_of(actor),
            "completed_count": len(learning.completed),
        },
    )
