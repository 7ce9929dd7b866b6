"""The person record's required-training actions, one page each (issue 15): record
training done elsewhere, recognise another organisation's Hearth certificate by its
code, mark exempt; and a recorded evidence file as a download.

Thin: the requirement and the person come from compliance.services'
`requirement_standing_for_manager` (out of scope is the 404 page), each action is one
service call, answered POST-redirect-GET with a message, or the form again with its
errors."""

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods

from accounts.models import User
from accounts.selectors import actor_from_request
from certificates.services_recognition import certificate_recognise
from competencies.evidence import evidence_served
from compliance.models import TrainingRecord
from compliance.selectors import PersonStanding
from compliance.services import exemption_grant, requirement_standing_for_manager
from compliance.services import training_record_add as record_add
from core.downloads import attachment
from core.errors import NotFound
from core.forms import RefusableForm
from core.pages import not_found_as_404, refusal_caught
from reporting.forms_requirements import ExemptForm, RecogniseForm, TrainingRecordForm
from reporting.person_record import person_get_for_manager


def _long(day: Any) -> str:
    return f"{day.day} {day:%B %Y}"


def _action_page(
    request: HttpRequest,
    person_id: int,
    requirement_id: int,
    *,
    form_class: type[RefusableForm],
    heading: str,
    lead: str,
    submit: str,
    act: Callable[[PersonStanding, dict[str, Any]], str],
) -> HttpResponse:
    """One action's page: GET shows the form, POST runs it; back to the person record
    with the message it gives, or the form again with the errors (400)."""
    actor = actor_from_request(request)
    person: User = person_get_for_manager(actor=actor, person_id=person_id)
    row = requirement_standing_for_manager(
        actor=actor, person_id=person_id, requirement_id=requirement_id
    )
    status = 200
    if request.method == "POST":
        form = form_class(request.POST, request.FILES)
        if form.is_valid():
            with refusal_caught() as refusal:
                message = act(row, form.cleaned_data)
            if refusal.error is None:
                messages.success(request, message)
                return redirect(
                    f"{reverse('person-record', args=[person_id])}#requirement-{requirement_id}"
                )
            form.apply_error(refusal.error)
        status = 400
    else:
        form = form_class()
    return render(
        request,
        "reporting/requirement_action.html",
        {
            "person": person,
            "row": row,
            "form": form,
            "heading": heading.format(person=person.full_name, requirement=row.title),
            "lead": lead,
            "submit": submit,
            "file_was_chosen": bool(request.FILES),
            "multipart": any(field.widget.needs_multipart_form for field in form.fields.values()),
        },
        status=status,
    )


@login_required
@require_http_methods(["GET", "POST"])
@not_found_as_404
def record_page(request: HttpRequest, person_id: int, requirement_id: int) -> HttpResponse:
    """Record an external course, a face-to-face session or prior learning."""
    actor = actor_from_request(request)

    def act(row: PersonStanding, data: dict[str, Any]) -> str:
        record = record_add(
            actor=actor,
            person_id=person_id,
            requirement_id=requirement_id,
            kind=data["kind"],
            title=data["title"],
            provider=data["provider"],
            completed_on=data["completed_on"],
            evidence_file=data["evidence_file"],
            notes=data["notes"],
        )
        completed = _long(record.completed_on)
        return f"{record.title}, completed on {completed}, now counts towards {row.title}."

    return _action_page(
        request,
        person_id,
        requirement_id,
        form_class=TrainingRecordForm,
        heading="Record training {person} did elsewhere",
        lead="It counts towards this requirement from the day it was completed, with you "
        "as the person who checked it.",
        submit="Record the training",
        act=act,
    )


@login_required
@require_http_methods(["GET", "POST"])
@not_found_as_404
def recognise_page(request: HttpRequest, person_id: int, requirement_id: int) -> HttpResponse:
    """Recognise a Hearth certificate another organisation issued, by its code."""
    actor = actor_from_request(request)

    def act(row: PersonStanding, data: dict[str, Any]) -> str:
        record = certificate_recognise(
            actor=actor, person_id=person_id, requirement_id=requirement_id, code=data["code"]
        )
        return (
            f"Recognised: {record.title} from {record.provider or 'another organisation'}, "
            f"completed on {_long(record.completed_on)}, now counts towards {row.title}."
        )

    return _action_page(
        request,
        person_id,
        requirement_id,
        form_class=RecogniseForm,
        heading="Recognise a certificate {person} holds",
        lead="A Hearth certificate from another organisation counts here once its code "
        "shows it is genuine, current and theirs.",
        submit="Recognise the certificate",
        act=act,
    )


@login_required
@require_http_methods(["GET", "POST"])
@not_found_as_404
def exempt_page(request: HttpRequest, person_id: int, requirement_id: int) -> HttpResponse:
    """Excuse the person from the requirement until a day, with a reason."""
    actor = actor_from_request(request)

    def act(row: PersonStanding, data: dict[str, Any]) -> str:
        exemption = exemption_grant(
            actor=actor,
            person_id=person_id,
            requirement_id=requirement_id,
            reason=data["reason"],
            ends_on=data["ends_on"],
        )
        return f"Exempt from {row.title} until {_long(exemption.ends_on)}."

    return _action_page(
        request,
        person_id,
        requirement_id,
        form_class=ExemptForm,
        heading="Exempt {person} from {requirement}",
        lead="While it holds, the requirement shows as exempt, not as due or overdue.",
        submit="Mark exempt",
        act=act,
    )


@login_required
@require_GET
@not_found_as_404
def record_evidence(request: HttpRequest, person_id: int, record_id: int) -> FileResponse:
    """A recorded training's evidence file, for those who may act on the requirement."""
    actor = actor_from_request(request)
    record = TrainingRecord.objects.filter(pk=record_id, person_id=person_id).first()
    if record is None or not record.evidence_file:
        raise NotFound("No such evidence.")
    requirement_standing_for_manager(
        actor=actor, person_id=person_id, requirement_id=record.requirement_id
    )
    served = evidence_served(record.evidence_file.name or "")
    return attachment(
        record.evidence_file, filename=served.filename, content_type=served.content_type
    )
