"""Every write to frameworks, requirements and assessments goes through these functions."""

import datetime
from dataclasses import dataclass
from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts.models import Role
from accounts.selectors import Actor, team_get_for_manager
from competencies.evidence import evidence_file_checked
from competencies.models import (
    Assessment,
    Competency,
    Framework,
    Indicator,
    Method,
    ModuleCompetency,
    Outcome,
    Requirement,
)
from competencies.selectors import organisations_assessing
from core.codes import codes_joined
from core.dates import last_valid_day
from core.errors import Conflict, HearthError, NotFound
from training.models import Enrolment, Module


def valid_until_for(competency: Competency, assessed: datetime.date) -> datetime.date | None:
    """Last valid day: the validity period after the assessment, less a day; none if the
    competency does not expire."""
    if not competency.validity_months:
        return None
    return last_valid_day(assessed, competency.validity_months)


def award_for_completion(*, enrolment: Enrolment) -> list[Assessment]:
    """Completion step: record a quiz-method assessment for every competency the module
    awards. Runs inside the completing transaction; once per enrolment and competency."""
    assessed_at = enrolment.completed_at or timezone.now()
    made = []
    for competency in Competency.objects.filter(awards__module_id=enrolment.module_id):
        assessment, created = Assessment.objects.get_or_create(
            enrolment=enrolment,
            competency=competency,
            defaults={
                "learner_id": enrolment.learner_id,
                "organisation_id": enrolment.organisation_id,
                "method": Method.QUIZ,
                "outcome": Outcome.COMPETENT,
                "level": competency.level,
                "assessed_at": assessed_at,
                "valid_until": valid_until_for(competency, timezone.localdate(assessed_at)),
                "evidence_note": "Completed the module and passed its quiz.",
            },
        )
        if created:
            made.append(assessment)
    return made


@transaction.atomic
def assessment_record(
    *,
    actor: Actor,
    learner_id: int,
    competency: Competency,
    method: str,
    outcome: str,
    evidence_note: str = "",
    evidence_file: UploadedFile | None = None,
    assessed_at: datetime.datetime | None = None,
    level: int | None = None,
    supersedes_id: int | None = None,
) -> Assessment:
    """An assessor records an observation or evidence review for a learner in their scope,
    under the organisation where they assess that learner. Nobody assesses themselves; a
    correction supersedes an assessment of the same organisation (which stays in the
    history): another organisation's assessment answers as if it did not exist (404)."""
    if actor.user_id is None or not actor.is_assessor:
        raise NotFound("No such person.")
    if learner_id == actor.user_id:
        raise HearthError(
            "You cannot assess yourself.",
            code="self_assessment",
            fields={"learner": ["Choose someone else."]},
        )
    organisations = organisations_assessing(actor, learner_id=learner_id)
    if not organisations:
        raise NotFound("No such person.")
    organisation_id: int | None = organisations[0]
    if method not in (Method.OBSERVATION, Method.EVIDENCE):
        raise HearthError(
            "Record an observation or an evidence review.",
            fields={"method": ["Choose observation or evidence."]},
        )
    when = assessed_at or timezone.now()
    if when > timezone.now() + datetime.timedelta(minutes=5):
        raise HearthError(
            "The assessment date is in the future.",
            fields={"assessed_at": ["Choose a time that has passed."]},
        )
    attained = level or competency.level
    if not 1 <= attained <= 3:
        raise HearthError("Levels are 1 to 3.", fields={"level": ["1, 2 or 3."]})
    if outcome == Outcome.COMPETENT and not evidence_note.strip() and evidence_file is None:
        raise HearthError(
            "Say what you observed or reviewed.",
            fields={"evidence_note": ["Describe the evidence."]},
        )
    if evidence_file is not None:
        evidence_file = evidence_file_checked(evidence_file)
    if supersedes_id is not None:
        earlier = (
            Assessment.objects.select_for_update()
            .filter(
                pk=supersedes_id,
                learner_id=learner_id,
                competency=competency,
                organisation_id__in=organisations,
            )
            .first()
        )
        if earlier is None:
            raise NotFound(
                "No such assessment to correct.",
                fields={"supersedes": ["No such assessment to correct."]},
            )
        organisation_id = earlier.organisation_id
    try:
        with transaction.atomic():
            return Assessment.objects.create(
                learner_id=learner_id,
                competency=competency,
                organisation_id=organisation_id,
                method=method,
                assessor_id=actor.user_id,
                outcome=outcome,
                level=attained,
                evidence_note=evidence_note.strip(),
                evidence_file=evidence_file,
                assessed_at=when,
                valid_until=valid_until_for(competency, timezone.localdate(when))
                if outcome == Outcome.COMPETENT
                else None,
                supersedes_id=supersedes_id,
            )
    except IntegrityError as error:
        raise Conflict(
            "That assessment has already been corrected.",
            fields={"supersedes": ["Already superseded."]},
        ) from error


@transaction.atomic
def requirement_set(
    *, actor: Actor, team_id: int, competency: Competency, level: int, role: str = ""
) -> Requirement:
    """A manager or org admin says their team (or a role in it) requires a competency."""
    team = team_get_for_manager(actor=actor, team_id=team_id)
    if role and role not in Role.values:
        raise HearthError("Unknown role.", fields={"role": ["Not a role."]})
    requirement, _ = Requirement.objects.update_or_create(
        team=team, role=role, competency=competency, defaults={"level": level}
    )
    return requirement


@dataclass(frozen=True)
class FrameworkResult:
    framework: Framework
    competencies: int
    mappings: int


@transaction.atomic
def framework_publish(*, data: dict[str, Any]) -> FrameworkResult:
    """Create or update a framework from its file (content/frameworks/*.yaml); re-runnable.
    Competencies are matched by code; module mappings by shared module slug."""
    framework, _ = Framework.objects.update_or_create(
        slug=data["slug"],
        defaults={"title": data["title"], "description": data.get("description", "")},
    )
    modules = {m.slug: m for m in Module.objects.filter(organisation__isnull=True)}
    indicators = set(Indicator.values)
    mappings = 0
    for raw in data["competencies"]:
        unknown = set(raw.get("indicators", [])) - indicators
        if unknown:
            raise HearthError(f"{raw['code']}: unknown indicators {sorted(unknown)}")
        competency, _ = Competency.objects.update_or_create(
            framework=framework,
            code=raw["code"],
            defaults={
                "title": raw["title"],
                "description": raw["description"],
                "domain": raw["domain"],
                "level": raw["level"],
                "validity_months": raw.get("validity_months", 24),
                "indicators": codes_joined(raw.get("indicators", [])),
            },
        )
        for slug in raw.get("modules", []):
            module = modules.get(slug)
            if module is None:
                raise HearthError(f"{raw['code']}: no module {slug!r}; import modules first.")
            ModuleCompetency.objects.get_or_create(module=module, competency=competency)
            mappings += 1
    return FrameworkResult(framework, len(data["competencies"]), mappings)
