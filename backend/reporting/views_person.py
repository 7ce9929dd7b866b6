"""The manager's person record (issue 15): one page per person in a manager's teams (or
an org admin's organisation) with their learning, certificates, competencies and
assessments, the actions on each enrolment still in progress (extend, withdraw, chase
now), and the list of people behind the dashboard's overdue figure.

Thin: reads come from reporting.person_record, each action is one service call, and every
action answers POST-redirect-GET with a message, or the page again with the form's errors.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from accounts.models_access import AccessKind
from accounts.selectors import Actor, actor_from_request
from accounts.services_access import record_access
from core.errors import NotFound
from core.forms import RefusableForm
from core.pages import not_found_as_404, refusal_as_message, refusal_caught
from notifications.services import enrolment_chase
from reporting.forms import ExtendForm, WithdrawForm
from reporting.person_record import (
    PersonRecord,
    overdue_people,
    person_get_for_manager,
    person_record,
    person_record_organisations,
)
from reporting.views import dashboard_filters
from training.models import ACTIVE_STATUSES, Enrolment
from training.selectors import enrolment_get, progress_percent
from training.services_changes import enrolment_extend_due_date, enrolment_withdraw


@dataclass(frozen=True)
class EnrolmentLine:
    """One enrolment as the page shows it, with its action forms when it can be changed."""

    enrolment: Enrolment
    percent: int
    extend_form: ExtendForm | None
    withdraw_form: WithdrawForm | None
    open_form: str = ""


def _lines(
    record: PersonRecord, actor: Actor, bound: tuple[int, str, RefusableForm] | None
) -> list[EnrolmentLine]:
    can_act = actor.can_write and actor.user_id is not None
    lines = []
    for enrolment in record.enrolments:
        acting = can_act and enrolment.status in ACTIVE_STATUSES
        prefix = f"e{enrolment.pk}"
        forms: dict[str, Any] = {
            "extend": ExtendForm(prefix=prefix) if acting else None,
            "withdraw": WithdrawForm(prefix=prefix) if acting else None,
        }
        open_form = ""
        if bound is not None and bound[0] == enrolment.pk and acting:
            forms[bound[1]], open_form = bound[2], bound[1]
        lines.append(
            EnrolmentLine(
                enrolment=enrolment,
                percent=progress_percent(enrolment),
                extend_form=forms["extend"],
                withdraw_form=forms["withdraw"],
                open_form=open_form,
            )
        )
    return lines


def _page(
    request: HttpRequest,
    person_id: int,
    bound: tuple[int, str, RefusableForm] | None = None,
    status: int = 200,
) -> HttpResponse:
    actor = actor_from_request(request)
    return _render(request, actor, person_record(actor=actor, person_id=person_id), bound, status)


def _render(
    request: HttpRequest,
    actor: Actor,
    record: PersonRecord,
    bound: tuple[int, str, RefusableForm] | None = None,
    status: int = 200,
) -> HttpResponse:
    lines = _lines(record, actor, bound)
    return render(
        request,
        "reporting/person.html",
        {
            "record": record,
            "person": record.person,
            "lines": lines,
            "active_count": len(record.active),
            "can_act": actor.can_write and actor.user_id is not None,
            "bound_form": bound[2] if bound else None,
        },
        status=status,
    )


@login_required
@require_GET
@not_found_as_404
def person_page(request: HttpRequest, person_id: int) -> HttpResponse:
    """A person in the viewer's teams (or organisation), as far as the viewer may see.
    Opening someone else's record is logged (issue 17), once for each organisation it is
    seen through."""
    actor = actor_from_request(request)
    record = person_record(actor=actor, person_id=person_id)
    if actor.user_id != record.person.pk:
        for organisation in person_record_organisations(actor=actor, person_id=person_id):
            record_access(
                organisation=organisation,
                kind=AccessKind.PERSON_RECORD,
                subject=record.person,
                description="Person record opened",
            )
    return _render(request, actor, record)


def _enrolment_of(actor: Actor, person_id: int, enrolment_id: int) -> Enrolment:
    person = person_get_for_manager(actor=actor, person_id=person_id)
    enrolment = enrolment_get(actor=actor, enrolment_id=enrolment_id)
    if enrolment.learner_id != person.pk:
        raise NotFound("No such enrolment.")
    return enrolment


def _back(person_id: int, enrolment_id: int) -> HttpResponse:
    return redirect(f"{reverse('person-record', args=[person_id])}#enrolment-{enrolment_id}")


def _form_action(
    request: HttpRequest,
    person_id: int,
    enrolment: Enrolment,
    name: str,
    form: RefusableForm,
    act: Callable[[dict[str, Any]], str],
) -> HttpResponse:
    """Run one action's form: its success message and back to the record, or the record
    again with the form's errors (a refusal shown on the field it names)."""
    if form.is_valid():
        with refusal_caught() as refusal:
            message = act(form.cleaned_data)
        if refusal.error is None:
            messages.success(request, message)
            return _back(person_id, enrolment.pk)
        form.apply_error(refusal.error)
    return _page(request, person_id, (enrolment.pk, name, form), status=400)


@login_required
@require_POST
@not_found_as_404
def enrolment_extend(request: HttpRequest, person_id: int, enrolment_id: int) -> HttpResponse:
    """Move an enrolment's due date later, with a reason kept in its history."""
    actor = actor_from_request(request)
    enrolment = _enrolment_of(actor, person_id, enrolment_id)

    def extend(data: dict[str, Any]) -> str:
        due = data["due_date"]
        enrolment_extend_due_date(
            actor=actor, enrolment=enrolment, due_date=due, reason=data["reason"]
        )
        return (
            f"{enrolment.version.title} is now due on {due.day} {due:%B %Y}. "
            "The reason is in its history."
        )

    form = ExtendForm(request.POST, prefix=f"e{enrolment.pk}")
    return _form_action(request, person_id, enrolment, "extend", form, extend)


@login_required
@require_POST
@not_found_as_404
def enrolment_withdraw_page(
    request: HttpRequest, person_id: int, enrolment_id: int
) -> HttpResponse:
    """Withdraw an enrolment, with a reason kept in its history."""
    actor = actor_from_request(request)
    enrolment = _enrolment_of(actor, person_id, enrolment_id)

    def withdraw(data: dict[str, Any]) -> str:
        enrolment_withdraw(actor=actor, enrolment=enrolment, reason=data["reason"])
        return f"{enrolment.learner.full_name} was withdrawn from {enrolment.version.title}."

    form = WithdrawForm(request.POST, prefix=f"e{enrolment.pk}")
    return _form_action(request, person_id, enrolment, "withdraw", form, withdraw)


@login_required
@require_POST
@not_found_as_404
def enrolment_chase_page(request: HttpRequest, person_id: int, enrolment_id: int) -> HttpResponse:
    """Send the learner one reminder now (at most one per enrolment a day)."""
    actor = actor_from_request(request)
    enrolment = _enrolment_of(actor, person_id, enrolment_id)
    with refusal_as_message(request) as refusal:
        sent = enrolment_chase(actor=actor, enrolment=enrolment)
    if refusal.error is None:
        name, title = enrolment.learner.full_name, enrolment.version.title
        if sent:
            messages.success(request, f"A reminder about {title} is on its way to {name}.")
        else:
            messages.info(
                request, f"{name} was already reminded about {title} today; nothing more was sent."
            )
    return _back(person_id, enrolment.pk)


@login_required
@require_GET
@not_found_as_404
def people_overdue(request: HttpRequest) -> HttpResponse:
    """The people behind the dashboard's overdue figure (same scope and filters), each
    linking to their record."""
    actor = actor_from_request(request)
    if request.GET.get("status", "overdue") != "overdue":
        raise Http404("No such list.")
    if not (actor.is_org_admin or actor.is_manager):
        raise Http404("No such list.")
    filters = dashboard_filters(request)
    people = overdue_people(actor=actor, scope=filters.scope, query=filters.query)
    return render(
        request,
        "reporting/people_overdue.html",
        {
            "people": people,
            "total": sum(person.count for person in people),
            "filters": filters.values,
            "dashboard_url": f"{reverse('dashboard')}?{request.GET.urlencode()}",
        },
    )
