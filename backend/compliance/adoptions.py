"""What an org admin sees when managing their organisation's required training: its
requirements, the starter definitions it has not adopted yet, its grace period, and the
modules and teams a requirement may name. Only an org admin of the organisation reaches
any of it; for anyone else it is not found (ADR 0020). Reads only."""

from dataclasses import dataclass

from django.db.models import Q, QuerySet

from accounts.models import Organisation, Team
from accounts.selectors import Actor
from compliance.models import (
    DEFAULT_GRACE_DAYS,
    ComplianceSettings,
    DefinitionSet,
    RequirementDefinition,
    TrainingRequirement,
)
from core.errors import NotFound
from training.models import Module


def organisations_administered(actor: Actor) -> list[Organisation]:
    """The organisations a signed-in person administers, by name (none for an API key)."""
    if actor.user_id is None or actor.is_api_key:
        return []
    return list(Organisation.objects.filter(pk__in=actor.admin_organisation_ids).order_by("name"))


def organisation_administered(actor: Actor, organisation_id: int | None) -> Organisation:
    """The organisation asked for, or the first by name when none is: one the person
    administers, else not found."""
    organisations = organisations_administered(actor)
    for organisation in organisations:
        if organisation_id is None or organisation.pk == organisation_id:
            return organisation
    raise NotFound("No such organisation.")


def requirements_administered(organisation_id: int) -> list[TrainingRequirement]:
    """The organisation's own requirements, by name, with what the page shows of each
    (one query)."""
    requirements = (
        TrainingRequirement.objects.filter(organisation_id=organisation_id)
        .select_related("module__current_version", "team", "definition")
        .order_by("pk")
    )
    return sorted(requirements, key=lambda requirement: (requirement.name.lower(), requirement.pk))


@dataclass(frozen=True)
class DefinitionGroup:
    """One starter set's definitions not yet adopted by the organisation."""

    set: str
    label: str
    definitions: list[RequirementDefinition]


def definitions_not_adopted(organisation_id: int) -> list[DefinitionGroup]:
    """The starter definitions the organisation has adopted none of, set by set, in their
    files' order (one query)."""
    adopted = TrainingRequirement.objects.filter(
        organisation_id=organisation_id, definition__isnull=False
    ).values("definition_id")
    remaining = RequirementDefinition.objects.exclude(pk__in=adopted).order_by(
        "set", "position", "code"
    )
    by_set: dict[str, list[RequirementDefinition]] = {}
    for definition in remaining:
        by_set.setdefault(definition.set, []).append(definition)
    return [
        DefinitionGroup(code, label, by_set[code])
        for code, label in DefinitionSet.choices
        if code in by_set
    ]


def requirement_administered(*, actor: Actor, requirement_id: int) -> TrainingRequirement:
    """One requirement of an organisation the person administers; else not found."""
    if actor.user_id is None or actor.is_api_key:
        raise NotFound("No such requirement.")
    requirement = (
        TrainingRequirement.objects.filter(
            pk=requirement_id, organisation_id__in=actor.admin_organisation_ids
        )
        .select_related("organisation", "module__current_version", "team", "definition")
        .first()
    )
    if requirement is None:
        raise NotFound("No such requirement.")
    return requirement


def grace_days_of(organisation_id: int) -> int:
    """The organisation's grace period for new starters, in days (default 30)."""
    grace_days = (
        ComplianceSettings.objects.filter(organisation_id=organisation_id)
        .values_list("grace_days", flat=True)
        .first()
    )
    return DEFAULT_GRACE_DAYS if grace_days is None else grace_days


def modules_for_requirements(organisation_id: int) -> QuerySet[Module]:
    """Published modules a requirement of the organisation may name: Hearth's shared ones
    and the organisation's own, by title."""
    return (
        Module.objects.filter(
            Q(organisation__isnull=True) | Q(organisation_id=organisation_id),
            current_version__isnull=False,
        )
        .select_related("current_version")
        .order_by("current_version__title", "pk")
    )


def teams_for_requirements(organisation_id: int) -> QuerySet[Team]:
    """The organisation's teams, by name."""
    return Team.objects.filter(organisation_id=organisation_id).order_by("name", "pk")
